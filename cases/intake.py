"""The intake flow: several forms on one page, checked for duplicates, saved by one service.

Caregivers, children and needs start as one block each and are added or removed one at
a time. With JavaScript (``static/js/intake.js``) that happens in the page: a new block
is copied from the formset's empty form, a removed one is hidden and marked for
deletion. Without it, the same buttons submit the page (``intake-action``), which comes
back with the block added or removed and everything typed kept, no error shown yet
(``IntakeFlow.apply_action``). A need names the child it is for by the child's block
number, so removing a child leaves the needs that were theirs asking again whom they are for.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import staff_visible_to, teams_visible_to

from . import services
from .forms import CaregiverForm, ChildForm, FamilyForm, IntakeCaseForm, IntakeConsentForm, IntakeNeedForm
from .permissions import families_visible_to

ACTION = "intake-action"
FOLDED_FAMILY_FIELDS = ("address_line1", "address_line2", "town", "state", "postal_code", "insurance")
ACTION_PATTERN = re.compile(r"(add|remove)-(caregivers|children|needs)(?:-(\d+))?")


class IntakeFormSet(forms.BaseFormSet):
    """Blocks added one at a time: every block is new (none is an initial form), removal hides a block."""

    deletion_widget = forms.HiddenInput
    item_label = ""  # "Child %(n)s": names each block (headings, the error summary)
    add_label = ""
    remove_label = ""

    def initial_form_count(self):
        # Every block is a new record: a block left empty is ignored, whatever its position.
        return 0

    def get_form_kwargs(self, index):
        # The first blocks too may be left empty: then "Enter at least one caregiver" says what is missing,
        # instead of a "This field is required" for each of its fields as well.
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def kept_forms(self):
        """(index, form) of the blocks not removed, in page order."""
        return [(index, form) for index, form in enumerate(self.forms) if not self.is_removed(form)]

    def is_removed(self, form):
        field = form.fields.get("DELETE")
        return bool(field and field.clean(form["DELETE"].value()))

    @property
    def can_add(self):
        return len(self.kept_forms()) < self.max_num

    def blocks(self):
        """What the page shows of each block: its form, index, label (by its place among those kept),
        whether it is removed (hidden, marked for deletion) and whether it may be removed."""
        kept = self.kept_forms()
        removable = len(kept) > self.min_num
        numbers = {index: number for number, (index, _form) in enumerate(kept, start=1)}
        return [
            {
                "form": form,
                "index": index,
                "label": self.item_label % {"n": numbers.get(index, index + 1)},
                "removed": index not in numbers,
                "removable": removable,
            }
            for index, form in enumerate(self.forms)
        ]

    def empty_block(self):
        return {
            "form": self.empty_form,
            "index": "__prefix__",
            "label": "",
            "removed": False,
            "removable": True,
        }


def _formset(form, *, item_label, add_label, remove_label, min_num, max_num, too_few, too_many):
    formset = forms.formset_factory(
        form,
        formset=IntakeFormSet,
        extra=0 if min_num else 1,
        min_num=min_num,
        validate_min=bool(min_num),
        max_num=max_num,
        validate_max=True,
        can_delete=True,
    )
    formset.item_label = item_label
    formset.add_label = add_label
    formset.remove_label = remove_label
    formset.default_error_messages = {"too_few_forms": too_few, "too_many_forms": too_many}
    return formset


CaregiverFormSet = _formset(
    CaregiverForm,
    item_label=gettext_lazy("Caregiver %(n)s"),
    add_label=gettext_lazy("Add another caregiver"),
    remove_label=gettext_lazy("Remove this caregiver"),
    min_num=1,
    max_num=6,
    too_few=gettext_lazy("Enter at least one caregiver."),
    too_many=gettext_lazy("An intake takes at most 6 caregivers; add more on the family page afterwards."),
)
ChildFormSet = _formset(
    ChildForm,
    item_label=gettext_lazy("Child %(n)s"),
    add_label=gettext_lazy("Add another child"),
    remove_label=gettext_lazy("Remove this child"),
    min_num=1,
    max_num=6,
    too_few=gettext_lazy("Enter at least one child."),
    too_many=gettext_lazy("An intake takes at most 6 children; add more on the family page afterwards."),
)
NeedFormSet = _formset(
    IntakeNeedForm,
    item_label=gettext_lazy("Need %(n)s"),
    add_label=gettext_lazy("Add another need"),
    remove_label=gettext_lazy("Remove this need"),
    min_num=0,
    max_num=12,
    too_few="",
    too_many=gettext_lazy("An intake takes at most 12 needs; add more on the case page afterwards."),
)
FORMSETS = {"caregivers": CaregiverFormSet, "children": ChildFormSet, "needs": NeedFormSet}


class IntakeTeamForm(forms.Form):
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()
            self.fields["team"].widget = forms.HiddenInput()


def _values(form):
    """What was typed in a bound form, field by field, as its widgets show it again."""
    return {name: form[name].value() for name in form.fields if name != "DELETE"}


def child_choices(children):
    """The "For" choices of a need: each child block not removed, by its number, with the name typed."""
    choices = []
    for position, (index, form) in enumerate(children.kept_forms(), start=1):
        label = _("Child %(n)s") % {"n": position}
        name = (form["first_name"].value() or "").strip()
        choices.append((str(index + 1), f"{label} · {name}" if name else label))
    return choices


class IntakeFlow:
    def __init__(self, request):
        data = request.POST if request.method == "POST" else None
        user = request.user
        self.user = user
        self.teams = teams_visible_to(user)
        self.staff = staff_visible_to(user)
        self.team_form = IntakeTeamForm(data, prefix="intake", teams=self.teams)
        self.family_form = FamilyForm(data, prefix="family")
        self.caregivers = CaregiverFormSet(data, prefix="caregivers")
        self.children = ChildFormSet(data, prefix="children")
        initial = {"coordinator": user} if user.is_coordinator else {}
        self.case_form = IntakeCaseForm(data, prefix="case", staff=self.staff, initial=initial)
        self.needs = NeedFormSet(data, prefix="needs", form_kwargs={"children": child_choices(self.children)})
        recording = bool(data and data.get("consent-record"))
        self.consent_form = IntakeConsentForm(
            data if recording else None, prefix="consent", initial={"given_on": timezone.localdate()}
        )
        self.consent_form.summary_label = _("Consent")
        self.confirm_new = bool(data and data.get("confirm_new") == "1")
        self.action = (data or {}).get(ACTION, "")
        self.duplicates = None
        self.focus = ""

    # Adding and removing blocks without JavaScript

    def apply_action(self):
        """Add or remove the block the pressed button names; True when the page is to be shown again.

        Every form comes back unbound, holding what was typed: nothing is checked before
        the coordinator asks to create the intake.
        """
        matched = ACTION_PATTERN.fullmatch(self.action)
        if not matched:
            return False
        verb, name, number = matched.groups()
        removed = int(number) if verb == "remove" and number else None
        blocks = {}
        renumbered = {}
        for formset_name in FORMSETS:
            formset = getattr(self, formset_name)
            kept = [
                (index, form)
                for index, form in formset.kept_forms()
                if not (formset_name == name and index == removed)
            ]
            if formset_name == "children":
                renumbered = {
                    str(index + 1): str(position) for position, (index, _form) in enumerate(kept, 1)
                }
            blocks[formset_name] = [_values(form) for _index, form in kept]
        for need in blocks["needs"]:
            # A need for a removed child asks again whom it is for.
            chosen = need.get("child_number") or ""
            if chosen != IntakeNeedForm.HOUSEHOLD:
                need["child_number"] = renumbered.get(chosen, "")
        if verb == "add" and len(blocks[name]) < FORMSETS[name].max_num:
            blocks[name].append({})
            self.focus = f"id_{name}-{len(blocks[name]) - 1}-{_first_field(FORMSETS[name])}"
        elif verb == "remove":
            self.focus = f"{name}-add"
        self._unbind(blocks)
        return True

    def _unbind(self, blocks):
        self.team_form = IntakeTeamForm(prefix="intake", teams=self.teams, initial=_values(self.team_form))
        self.family_form = FamilyForm(prefix="family", initial=_values(self.family_form))
        self.case_form = IntakeCaseForm(prefix="case", staff=self.staff, initial=_values(self.case_form))
        if self.consent_form.is_bound:
            self.consent_form = IntakeConsentForm(prefix="consent", initial=_values(self.consent_form))
            self.consent_form.summary_label = _("Consent")
        for name, formset_class in FORMSETS.items():
            kwargs = {}
            if name == "needs":
                kwargs["form_kwargs"] = {"children": child_choices(self.children)}
            formset = formset_class(prefix=name, initial=blocks[name], **kwargs)
            # As many blocks as there were (none of them an initial form), at least the minimum.
            formset.extra = max(len(blocks[name]) - formset.min_num, 0)
            if self.focus.startswith(f"id_{name}-"):
                new_block = formset.forms[-1]
                new_block.fields[_first_field(formset_class)].widget.attrs["autofocus"] = True
            setattr(self, name, formset)  # the children first: the needs' choices name them

    # Checking and saving

    def is_valid(self):
        parts = [
            self.team_form,
            self.family_form,
            self.caregivers,
            self.children,
            self.case_form,
            self.needs,
            self.consent_form,
        ]
        valid = all([part.is_valid() for part in parts if part.is_bound])
        if valid:
            filled = {index for index, form in self.children.kept_forms() if form.has_changed()}
            for _index, form in self.needs.kept_forms():
                chosen = form.cleaned_data.get("child_number")
                if form.has_changed() and chosen and chosen != IntakeNeedForm.HOUSEHOLD:
                    if int(chosen) - 1 not in filled:
                        form.add_error("child_number", _("That child's details are empty: enter them first."))
                        valid = False
        return valid

    def _filled(self, formset):
        return [(index, form.cleaned_data) for index, form in formset.kept_forms() if form.has_changed()]

    def save_unless_duplicates(self):
        """Create everything, unless possible duplicates need the coordinator's decision first."""
        caregivers = [self._fields(data) for _index, data in self._filled(self.caregivers)]
        filled_children = self._filled(self.children)
        children = [self._fields(data) for _index, data in filled_children]
        family = self._fields(self.family_form.cleaned_data)
        if not self.confirm_new:
            phones = [family.get("phone", "")] + [caregiver.get("phone", "") for caregiver in caregivers]
            people = [(c["first_name"], c["last_name"], c["date_of_birth"]) for c in children]
            duplicates = services.possible_duplicates(
                families=families_visible_to(self.user), phones=phones, children=people
            ).prefetch_related("children")
            if duplicates:
                self.duplicates = duplicates
                return None
        case_data = self.case_form.cleaned_data
        # A need names its child by block number; the service takes the child's place among those saved.
        position = {str(index + 1): place for place, (index, _data) in enumerate(filled_children)}
        needs = [
            {
                "category": need["category"],
                "description": need["description"],
                "child_index": position.get(need["child_number"]),
            }
            for _index, need in self._filled(self.needs)
        ]
        try:
            return services.intake_create(
                actor=self.user,
                team=self.team_form.cleaned_data["team"],
                family_fields=family,
                caregivers=caregivers,
                children=children,
                program=case_data["program"],
                coordinator=case_data["coordinator"],
                case_fields={key: case_data[key] for key in ("urgent", "source", "summary")},
                needs=needs,
                consent=self.consent_form.consent_fields() if self.consent_form.is_bound else None,
            )
        except ValidationError as error:
            for message in error.messages:
                self.case_form.add_error(None, message)
            return None

    @staticmethod
    def _fields(data):
        return {key: value for key, value in data.items() if key not in {"version", "DELETE"}}

    def household_parts(self):
        """The household's fields in two parts: those every intake needs, and the address and insurance,
        folded away on the page unless something is in them."""
        form = self.family_form
        later = [form[name] for name in FOLDED_FAMILY_FIELDS]
        first = [field for field in form.visible_fields() if field.name not in FOLDED_FAMILY_FIELDS]
        unfolded = any(field.value() or field.errors for field in later)
        return {"first": first, "later": later, "unfolded": unfolded}

    def context(self):
        return {
            "household": self.household_parts(),
            "team_form": self.team_form,
            "family_form": self.family_form,
            "caregivers": self.caregivers,
            "children_formset": self.children,
            "case_form": self.case_form,
            "needs": self.needs,
            "consent_form": self.consent_form,
            "duplicates": self.duplicates,
            "focus": self.focus,
        }


def _first_field(formset_class):
    return next(iter(formset_class.form.base_fields))
