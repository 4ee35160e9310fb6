from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from carecoord.forms import StatusChangeForm
from cases.models import Family, ServiceCategory

from .models import Language, Location
from .transitions import REASON_REQUIRED

# Languages a directory search always offers, whatever the directory lists.
LANGUAGE_CODES = ("en", "es")


def language_label(code, name=""):
    """A language's name in the user's language when Django knows the code, else the directory's name."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return name or code


def need_search_defaults(need):
    """Directory filters that fit a need: its category, the child's age, the family's language."""
    defaults = {"category": need.category.code}
    if need.child_id:
        defaults["age"] = str(need.child.age)
    family = need.case.family
    if family.preferred_language == Family.Language.OTHER:
        language = family.other_language
    else:
        language = family.preferred_language
    if language:
        defaults["language"] = language
    return defaults


class DirectorySearchForm(forms.Form):
    """The directory's filters, read from the query string; every filter may stay empty."""

    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *ServiceCategory.Code.choices]
    )
    town = forms.CharField(label=_("Town"), required=False, max_length=120, widget=forms.Select)
    language = forms.CharField(label=_("Language"), required=False, max_length=120, widget=forms.Select)
    age = forms.IntegerField(label=_("Child's age (years)"), required=False, min_value=0, max_value=30)
    insurance = forms.CharField(
        label=_("Insurance"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Medicaid")}),
    )
    text = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. Duchenne, wheelchair")}),
    )

    FILTERS = ("category", "town", "language", "age", "insurance", "text")

    @classmethod
    def for_request(cls, query, need=None):
        """The form for a query string; a need fills in the filters the query does not mention."""
        data = query.copy()
        if need is not None:
            for name, value in need_search_defaults(need).items():
                data.setdefault(name, value)
        return cls(data)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        towns = Location.objects.exclude(city="").order_by("city").values_list("city", flat=True).distinct()
        self.fields["town"].widget.choices = self._with_current(
            "town", [("", _("Any town")), *((town, town) for town in towns)]
        )
        names = dict.fromkeys(LANGUAGE_CODES, "")
        for code, name in Language.objects.exclude(code="").order_by("code").values_list("code", "name"):
            names.setdefault(code, name)
        languages = sorted(
            ((code, language_label(code, name)) for code, name in names.items()), key=lambda c: c[1]
        )
        self.fields["language"].widget.choices = self._with_current(
            "language", [("", _("Any language")), *languages]
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def _with_current(self, name, choices):
        """Keep a value the list does not offer (typed in the address bar, or from a need) selectable."""
        current = (self.data.get(name) or "").strip()
        if current and current.casefold() not in {str(value).casefold() for value, _label in choices}:
            choices.append((current, current))
        return choices

    def search_arguments(self):
        return {name: self.cleaned_data.get(name) or None for name in self.FILTERS} | {
            "age": self.cleaned_data.get("age")
        }


# Referrals and appointments


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Directory service"),
        queryset=None,
        required=False,
        empty_label=_("— not in the directory —"),
    )
    outside_provider = forms.CharField(
        label=_("Or an outside provider, by name"), max_length=200, required=False
    )
    outside_contact = forms.CharField(
        label=_("Provider contact (phone or email)"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("Note for the receiving organization"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organization sees this through its link: keep it to what they need to know."),
    )
    send = forms.BooleanField(label=_("Send now"), required=False, initial=True)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("service") and not (cleaned.get("outside_provider") or "").strip():
            raise forms.ValidationError(_("Choose a directory service or name an outside provider."))
        return cleaned


class ReferralStatusForm(StatusChangeForm):
    note_help_text = _("Required when the referral is rejected, failed, cancelled or put on hold.")
    note_required_for = REASON_REQUIRED
