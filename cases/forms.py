"""Forms of the case pages. They validate input; services decide and write."""

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carecoord.forms import (
    DateInput,
    DateTimeInput,
    RecordsChoiceField,
    StaffChoiceField,
    StatusChangeForm,
    VersionedForm,
)

from . import services
from .models import (
    Activity,
    Caregiver,
    Case,
    Child,
    Consent,
    EDVisit,
    EmergencyAccess,
    Family,
    Goal,
    Need,
    Program,
    ServiceCategory,
)


class FamilyForm(VersionedForm):
    class Meta:
        model = Family
        fields = services.FAMILY_FIELDS
        help_texts = {"name": _("e.g. Hernández household")}


class CaregiverForm(VersionedForm):
    class Meta:
        model = Caregiver
        fields = services.CAREGIVER_FIELDS


class ChildForm(VersionedForm):
    class Meta:
        model = Child
        fields = services.CHILD_FIELDS
        widgets = {"date_of_birth": DateInput(), "conditions": forms.Textarea(attrs={"rows": 2})}

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return born


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = services.CONSENT_FIELDS
        widgets = {"given_on": DateInput(), "expires_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        given, expires = cleaned.get("given_on"), cleaned.get("expires_on")
        if given and expires and expires < given:
            self.add_error("expires_on", _("The expiry date must be after the date given."))
        if given and given > timezone.localdate():
            self.add_error("given_on", _("Consent cannot be dated in the future."))
        return cleaned


class ReasonForm(forms.Form):
    """A change of a record that needs a reason (archive a family, withdraw a consent), with the record's
    version."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CaseForm(VersionedForm):
    coordinator = StaffChoiceField(label=_("Coordinator"), queryset=None)

    class Meta:
        model = Case
        fields = ["program", "coordinator", "children", "urgent", "source", "summary"]
        widgets = {"children": forms.CheckboxSelectMultiple, "summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"children": RecordsChoiceField}

    def __init__(self, *args, family, staff, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(active=True)
        self.fields["coordinator"].queryset = staff
        self.fields["children"].queryset = family.children.all()
        self.fields["children"].required = False
        if editing:
            # Program and coordinator change through their own actions (reassignment).
            del self.fields["program"]
            del self.fields["coordinator"]


class IntakeCaseForm(forms.ModelForm):
    coordinator = StaffChoiceField(label=_("Coordinator"), queryset=None)

    class Meta:
        model = Case
        fields = ["program", "coordinator", "urgent", "source", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(active=True)
        self.fields["coordinator"].queryset = staff


class IntakeNeedForm(forms.Form):
    """A first need of the intake, for the household or one of the children entered above it.

    ``children`` are the (value, label) choices of the children on the page, made
    when the page is built, so each reads in the reader's language.
    """

    HOUSEHOLD = "0"

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ServiceCategory.objects.all(), required=False
    )
    child_number = forms.ChoiceField(
        label=_("For"),
        required=False,
        error_messages={"invalid_choice": _("Choose who this need is for.")},
    )
    description = forms.CharField(label=_("What is needed"), required=False, max_length=1000)

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child_number"].choices = [
            ("", _("Choose…")),
            (self.HOUSEHOLD, _("The household")),
            *children,
        ]
        # static/js/intake.js keeps these choices in step with the children on the page.
        self.fields["child_number"].widget.attrs["data-child-choice"] = ""
        self.fields["category"].empty_label = _("Choose…")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("description") and not cleaned.get("category"):
            self.add_error("category", _("Choose the category of this need."))
        if cleaned.get("category") and not cleaned.get("description"):
            self.add_error("description", _("Say what is needed."))
        filled = cleaned.get("category") or cleaned.get("description")
        if filled and not cleaned.get("child_number") and "child_number" not in self.errors:
            self.add_error("child_number", _("Choose who this need is for."))
        return cleaned


class IntakeConsentForm(ConsentForm):
    """The family's consent, recorded with the intake. The intake binds it only when ``record`` is ticked."""

    record = forms.BooleanField(label=_("The family gives its consent now"), required=False)

    field_order = ["record"]

    def consent_fields(self):
        """The consent's fields, as ``consent_record`` takes them."""
        return {name: self.cleaned_data[name] for name in services.CONSENT_FIELDS}


class NeedForm(VersionedForm):
    class Meta:
        model = Need
        fields = services.NEED_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = case.family.children.all()
        self.fields["child"].empty_label = _("The household")


class NeedStatusForm(StatusChangeForm):
    note_label = _("Resolution note")
    note_help_text = _("Required when the need is met, unmet or declined.")
    note_required_for = Need.RESOLVED
    note_required_message = _("Write a resolution note: what happened with this need.")


class GoalForm(VersionedForm):
    class Meta:
        model = Goal
        fields = services.GOAL_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
            "target_date": DateInput(),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = case.family.children.all()
        self.fields["child"].empty_label = _("The whole family")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "with_whom", "occurred_at", "minutes", "summary"]
        widgets = {"occurred_at": DateTimeInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs.update({"min": 1, "max": 24 * 60})
        if not self.is_bound:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        if when > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("An activity cannot be logged in the future."))
        return when


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = StaffChoiceField(label=_("Assigned to"), queryset=None)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff


class CaseMoveForm(forms.Form):
    """A case lifecycle action, with the case's version: a stale page or a double click is recognised."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ClosureRequestForm(CaseMoveForm):
    reason = forms.ChoiceField(label=_("Closure reason"), choices=Case.ClosureReason.choices)
    note = forms.CharField(
        label=_("Note for the supervisor"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    keep_upcoming_appointments = forms.BooleanField(
        label=_("The family keeps the appointments still booked (listed above) after the case closes"),
        required=False,
    )

    def __init__(self, *args, upcoming=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not upcoming:
            del self.fields["keep_upcoming_appointments"]


class ClosureApproveForm(CaseMoveForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClosureReturnForm(CaseMoveForm):
    comment = forms.CharField(
        label=_("Comment for the coordinator"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReopenForm(CaseMoveForm, ReasonForm):
    pass


class EDVisitForm(VersionedForm):
    """Record or correct an ED visit. The reason has no default: someone must say why the child went."""

    follow_up = forms.BooleanField(
        label=_(
            "Start the ED follow-up (mental-health crisis only): attach to (or open) an ED follow-up case "
            "and create a follow-up task"
        ),
        required=False,
        initial=True,
    )

    class Meta:
        model = EDVisit
        fields = services.EDVISIT_FIELDS
        widgets = {
            "reason": forms.RadioSelect,
            "arrived_at": DateTimeInput(),
            "discharged_at": DateTimeInput(),
            "reason_detail": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {"reason": {"required": _("Say why the child went to the ED.")}}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].choices = EDVisit.Reason.choices  # no empty choice, nothing ticked
        if editing:
            # The follow-up starts when the visit is recorded; a correction does not start or undo it.
            del self.fields["follow_up"]
        else:
            del self.fields["version"]

    def clean(self):
        cleaned = super().clean()
        arrived, discharged = cleaned.get("arrived_at"), cleaned.get("discharged_at")
        if arrived and discharged and discharged < arrived:
            self.add_error("discharged_at", _("Discharge cannot be before arrival."))
        if arrived and arrived > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("arrived_at", _("The arrival cannot be in the future."))
        reason = cleaned.get("reason")
        if cleaned.get("follow_up") and reason and reason != EDVisit.Reason.MENTAL_HEALTH_CRISIS:
            self.add_error("follow_up", services.FOLLOW_UP_NEEDS_CRISIS)
        return cleaned


class CaseFilterForm(forms.Form):
    SORTS = {
        "next_task": ("next_task_due", _("Next task due")),
        "last_contact": ("last_contact_at", _("Last contact (oldest first)")),
        "opened": ("-opened_at", _("Newest first")),
        "family": ("family__name", _("Family name")),
    }

    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.all(), required=False, empty_label=_("All programs")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open")), *Case.Status.choices]
    )
    urgent = forms.BooleanField(label=_("Urgent only"), required=False)
    overdue = forms.BooleanField(label=_("With overdue tasks"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(key, label) for key, (_field, label) in SORTS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-select"
            field.widget.attrs["class"] = css

    def apply(self, queryset):
        if not self.is_valid():
            return queryset.open()
        data = self.cleaned_data
        queryset = queryset.filter(status=data["status"]) if data.get("status") else queryset.open()
        if data.get("program"):
            queryset = queryset.filter(program=data["program"])
        if data.get("urgent"):
            queryset = queryset.filter(urgent=True)
        if data.get("overdue"):
            queryset = queryset.filter(has_overdue_task=True)
        field = self.SORTS.get(data.get("sort") or "next_task")[0]
        if field.startswith("-"):
            return queryset.order_by(F(field[1:]).desc(nulls_last=True), "pk")
        # Never-contacted cases are the most urgent to see when sorting by last contact.
        nulls = {"nulls_first": True} if field == "last_contact_at" else {"nulls_last": True}
        return queryset.order_by(F(field).asc(**nulls), "pk")


class EmergencyAccessForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why can this not wait for the family's team?"),
        choices=EmergencyAccess.Reason.choices,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explain in a sentence"),
        help_text=_("Kept with the grant and shown to the team's supervisors. No health details are needed."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )
