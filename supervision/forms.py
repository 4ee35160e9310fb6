import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import teams_led_by
from carecoord.forms import DateInput, StaffChoiceField
from cases.models import Program

from .overview import CASE_MEASURES, MEASURES_BY_KEY
from .permissions import cases_supervised_by, reassignment_targets
from .reports import GROUPS, ReportParameters

# A report covers at most this many days, so its month axis stays readable.
MAX_REPORT_DAYS = 5 * 366


class CoordinatorFilterForm(forms.Form):
    """The filter of the lists behind the overview's numbers."""

    coordinator = forms.UUIDField(required=False)
    measure = forms.ChoiceField(
        required=False, choices=[(key, MEASURES_BY_KEY[key].label) for key in CASE_MEASURES]
    )

    def value(self, name, default=None):
        """A field's value, or ``default`` when it is missing or malformed (the rest still applies)."""
        self.is_valid()
        return self.cleaned_data.get(name) or default


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.family.name} — {obj.program.name} ({obj.coordinator})"


class ReassignForm(forms.Form):
    cases = CaseChoiceField(
        label=_("Cases"),
        queryset=None,
        to_field_name="uuid",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one case to reassign.")},
    )
    coordinator = StaffChoiceField(label=_("New coordinator"), queryset=None, to_field_name="uuid")
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in each case's history and given to the new coordinator with the review task."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = (
            cases_supervised_by(user).open().select_related("family", "program", "coordinator")
        )
        self.fields["coordinator"].queryset = reassignment_targets(user)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The coordinator reads it on the case's timeline."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReportFilterForm(forms.Form):
    """The report page's parameters; every field may be left out and has a default."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    team = TeamChoiceField(
        label=_("Team"), queryset=None, to_field_name="uuid", required=False, empty_label=_("All my teams")
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("name"),
        to_field_name="uuid",
        required=False,
        empty_label=_("All programs"),
    )
    group = forms.ChoiceField(label=_("Rows per"), required=False, choices=list(GROUPS.items()))

    def __init__(self, data=None, *, user):
        start, end = self.default_range()
        defaults = {"start": start.isoformat(), "end": end.isoformat(), "group": "team"}
        given = {name: value for name, value in (data or {}).items() if value}
        super().__init__({**defaults, **given})
        self.user = user
        self.fields["team"].queryset = teams_led_by(user).order_by("name")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select" if name in ("team", "program", "group") else "form-control"
            )

    @staticmethod
    def default_range(today=None):
        """The current month and the five before it."""
        today = today or timezone.localdate()
        start = today.replace(day=1)
        for _month in range(5):
            start = (start - datetime.timedelta(days=1)).replace(day=1)
        return start, today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the range must not be before its start."))
        elif start and end and (end - start).days > MAX_REPORT_DAYS:
            self.add_error("start", _("Choose a range of at most five years."))
        return cleaned

    def parameters(self):
        data = self.cleaned_data
        team = data.get("team")
        teams = teams_led_by(self.user)
        return ReportParameters(
            user=self.user,
            start=data["start"],
            end=data["end"],
            teams=teams.filter(pk=team.pk) if team else teams,
            team=team,
            program=data.get("program"),
            group=data.get("group") or "team",
        )
