"""Forms of the receiving organization's answer page. They validate input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecoord.forms import DateTimeInput


def note_field(label, *, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcceptForm(forms.Form):
    note = note_field(_("Note for the coordinator (optional)"))


class DeclineForm(forms.Form):
    # Named "note" like the service's argument, so its errors land on this field.
    note = note_field(_("Reason"), required=True)


class DeliveredForm(forms.Form):
    note = note_field(_("Note for the coordinator (optional)"))


class ProposeAppointmentForm(forms.Form):
    start = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=24 * 60, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    note = note_field(_("Note for the coordinator (optional)"))


# The four answers, by the name each form posts as its ``action``.
ORGANIZATION_FORMS = {
    "accept": AcceptForm,
    "decline": DeclineForm,
    "propose": ProposeAppointmentForm,
    "delivered": DeliveredForm,
}
