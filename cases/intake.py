"""The intake flow: several forms on one page, checked for duplicates, saved by one service."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import staff_visible_to, teams_visible_to

from . import services
from .forms import CaregiverForm, ChildForm, FamilyForm, IntakeCaseForm, IntakeNeedForm
from .permissions import families_visible_to

CaregiverFormSet = forms.formset_factory(CaregiverForm, extra=1, min_num=1, validate_min=True, max_num=6)
ChildFormSet = forms.formset_factory(ChildForm, extra=1, min_num=1, validate_min=True, max_num=6)
NeedFormSet = forms.formset_factory(IntakeNeedForm, extra=4, max_num=12)


class IntakeTeamForm(forms.Form):
    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()
            self.fields["team"].widget = forms.HiddenInput()


class IntakeFlow:
    def __init__(self, request):
        data = request.POST if request.method == "POST" else None
        user = request.user
        self.user = user
        self.team_form = IntakeTeamForm(data, prefix="intake", teams=teams_visible_to(user))
        self.family_form = FamilyForm(data, prefix="family")
        self.caregivers = CaregiverFormSet(data, prefix="caregivers")
        self.children = ChildFormSet(data, prefix="children")
        initial = {"coordinator": user} if user.is_coordinator else {}
        self.case_form = IntakeCaseForm(data, prefix="case", staff=staff_visible_to(user), initial=initial)
        self.needs = NeedFormSet(data, prefix="needs")
        self.confirm_new = bool(data and data.get("confirm_new") == "1")
        self.duplicates = None

    def _filled(self, formset):
        return [form.cleaned_data for form in formset.forms if form.has_changed() and form.cleaned_data]

    def is_valid(self):
        parts = [self.team_form, self.family_form, self.caregivers, self.children, self.case_form, self.needs]
        valid = all([part.is_valid() for part in parts])
        if valid:
            children = len(self._filled(self.children))
            for form in self.needs.forms:
                number = form.cleaned_data.get("child_number") or 0
                if form.has_changed() and number > children:
                    form.add_error(
                        "child_number", _("There is no child %(n)s in this intake.") % {"n": number}
                    )
                    valid = False
        return valid

    def save_unless_duplicates(self):
        """Create everything, unless possible duplicates need the coordinator's decision first."""
        caregivers = [self._fields(data) for data in self._filled(self.caregivers)]
        children = [self._fields(data) for data in self._filled(self.children)]
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
        needs = [
            {
                "category": need["category"],
                "description": need["description"],
                "child_index": (need["child_number"] - 1) if need.get("child_number") else None,
            }
            for need in self._filled(self.needs)
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
            )
        except ValidationError as error:
            for message in error.messages:
                self.case_form.add_error(None, message)
            return None

    @staticmethod
    def _fields(data):
        return {key: value for key, value in data.items() if key not in {"version", "DELETE"}}

    def context(self):
        return {
            "team_form": self.team_form,
            "family_form": self.family_form,
            "caregivers": self.caregivers,
            "children_formset": self.children,
            "case_form": self.case_form,
            "needs": self.needs,
            "duplicates": self.duplicates,
        }
