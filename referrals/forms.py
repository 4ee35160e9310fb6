from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from carecoord.forms import RecordsChoiceField, StatusChangeForm
from cases.models import Family, ServiceCategory

from .geo import postcode_point
from .models import Language, Location, Referral
from .services import BATCH_MAX_SERVICES
from .transitions import REASON_CODE_CHOICES, REASON_CODED_STATUSES, REASON_REQUIRED

# Languages a directory search always offers, whatever the directory lists.
LANGUAGE_CODES = ("en", "es")
WEEKDAYS = (
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
)


def language_label(code, name=""):
    """A language's name in the user's language when Django knows the code, else the directory's name."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return name or code


def family_language(family):
    if family.preferred_language == Family.Language.OTHER:
        return family.other_language
    return family.preferred_language


def need_search_defaults(need):
    """Directory filters that fit a need: its category, the child's age, the family's language, the
    services that serve the family's postcode (or town), nearest first from its postcode."""
    defaults = {"category": need.category.code}
    if need.child_id:
        defaults["age"] = str(need.child.age)
    family = need.case.family
    language = family_language(family)
    if language:
        defaults["language"] = language
    if family.postal_code or family.town:
        defaults["serves"] = family.postal_code or family.town
    if postcode_point(family.postal_code):
        defaults["near"] = family.postal_code
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
    serves = forms.CharField(
        label=_("Serves (town or postcode)"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Riverton or 12603")}),
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. step-free, elevator")}),
    )
    open_on = forms.ChoiceField(
        label=_("Open on"),
        required=False,
        choices=[("", _("Any day")), *((code, label) for code, label in WEEKDAYS)],
    )
    near = forms.CharField(
        label=_("Nearest first from (postcode)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 12603"), "inputmode": "numeric"}),
    )
    free = forms.BooleanField(label=_("Free for some families"), required=False)

    FILTERS = (
        "category",
        "town",
        "language",
        "age",
        "insurance",
        "text",
        "serves",
        "accessibility",
        "open_on",
    )

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
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def _with_current(self, name, choices):
        """Keep a value the list does not offer (typed in the address bar, or from a need) selectable."""
        current = (self.data.get(name) or "").strip()
        if current and current.casefold() not in {str(value).casefold() for value, _label in choices}:
            choices.append((current, current))
        return choices

    def clean_near(self):
        near = self.cleaned_data["near"].strip()
        if near and postcode_point(near) is None:
            raise forms.ValidationError(_("This is not a US postcode the directory knows."))
        return near

    def search_arguments(self):
        return {name: self.cleaned_data.get(name) or None for name in self.FILTERS} | {
            "age": self.cleaned_data.get("age"),
            "free": self.cleaned_data.get("free", False),
        }

    def near_point(self):
        """Where to measure distances from: the postcode asked for, or None."""
        return postcode_point(self.cleaned_data.get("near"))


# Referrals and appointments


class ServicesField(RecordsChoiceField):
    def label_from_instance(self, service):
        return f"{service.name} ({service.organization.name})"


class ReferralForm(forms.Form):
    """Refer a need: one to five directory services (the first to accept wins), or a named outside
    provider; sending emails the organization at the address given (prefilled from the directory)."""

    service = ServicesField(
        label=_("Directory services"),
        queryset=None,
        required=False,
        help_text=_(
            "Choose up to five (Ctrl or Cmd and click): each is asked, the first to accept wins and "
            "the others are withdrawn."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
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
    sent_to = forms.EmailField(
        label=_("Email the referral to"),
        required=False,
        help_text=_(
            "The organization's referral contact, prefilled from the directory. Left empty, the "
            "directory's address is used; without any, you get a task to call the organization. With "
            "several services, each is emailed at its own directory address."
        ),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean_service(self):
        chosen = list(self.cleaned_data.get("service") or [])
        if len(chosen) > BATCH_MAX_SERVICES:
            raise forms.ValidationError(
                _("Choose at most %(count)d services.") % {"count": BATCH_MAX_SERVICES}
            )
        return chosen

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("service") and not (cleaned.get("outside_provider") or "").strip():
            raise forms.ValidationError(_("Choose a directory service or name an outside provider."))
        if cleaned.get("service") and (cleaned.get("outside_provider") or "").strip():
            raise forms.ValidationError(_("Choose directory services or name an outside provider, not both."))
        return cleaned


def reason_code_field():
    return forms.ChoiceField(label=_("Reason"), required=False, choices=[("", "—"), *REASON_CODE_CHOICES])


class ReferralStatusForm(StatusChangeForm):
    note_help_text = _(
        "Required when the referral is cancelled or put on hold, and when the reason is “Other”."
    )
    note_required_for = REASON_REQUIRED - REASON_CODED_STATUSES

    reason_code = reason_code_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in REASON_CODED_STATUSES:
            code = cleaned.get("reason_code")
            if not code:
                self.add_error("reason_code", _("Choose the reason."))
            elif code == Referral.ReasonCode.OTHER and not (cleaned.get("note") or "").strip():
                self.add_error("note", _("Say what the other reason is."))
        return cleaned


class ResendForm(forms.Form):
    sent_to = forms.EmailField(label=_("Email address"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
