"""Forms of the receiving organization's answer page. They validate input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecoord.forms import DateTimeInput

from .models import Referral
from .transitions import REASON_CODE_CHOICES


def note_field(label, *, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralAnswerForm(forms.Form):
    """An answer about the referral, with the version of the referral the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(ReferralAnswerForm):
    note = note_field(_("Note for the coordinator (optional)"))


class DeclineForm(ReferralAnswerForm):
    """A coded reason the reports count; "Other" needs words. Named like the service's arguments, so
    its refusals land on these fields."""

    reason_code = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *REASON_CODE_CHOICES])
    note = note_field(_("Details for the coordinator (required for “Other”)"))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason_code") == Referral.ReasonCode.OTHER
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", _("Say what the other reason is."))
        return cleaned


class DeliveredForm(ReferralAnswerForm):
    note = note_field(_("Note for the coordinator (optional)"))


class AppointmentFieldsForm(forms.Form):
    """What an appointment the organization books says: when, where, and what the family reads in the
    portal (what to bring, the ride); the rule that a ride says how is checked here and in the service."""

    start = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=24 * 60, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    instructions_for_family = forms.CharField(
        label=_("What the family must bring or know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The family sees this in their portal, with the date and place."),
    )
    transportation_arranged = forms.BooleanField(label=_("Transportation arranged"), required=False)
    transportation_details = forms.CharField(
        label=_("Transportation details"),
        max_length=300,
        required=False,
        help_text=_("Company and pick-up time; the family sees this too."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("transportation_arranged")
            and not (cleaned.get("transportation_details") or "").strip()
        ):
            self.add_error(
                "transportation_details", _("Say how the family gets there (company, pick-up time).")
            )
        return cleaned


class ProposeAppointmentForm(AppointmentFieldsForm, ReferralAnswerForm):
    note = note_field(_("Note for the coordinator (optional, not shown to the family)"))


class ChangeAppointmentForm(AppointmentFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelAppointmentForm(forms.Form):
    note = note_field(_("Note for the coordinator (optional)"))
    version = forms.IntegerField(widget=forms.HiddenInput)


# The answers, by the name each form posts as its ``action``.
ORGANIZATION_FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "propose": ProposeAppointmentForm,
    "delivered": DeliveredForm,
    "change": ChangeAppointmentForm,
    "cancel": CancelAppointmentForm,
}
