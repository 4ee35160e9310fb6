"""Forms of the appointment pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carecoord.forms import DateTimeInput, VersionedForm

from . import appointments
from .models import Appointment


class AppointmentForm(VersionedForm):
    class Meta:
        model = Appointment
        fields = appointments.APPOINTMENT_FIELDS
        widgets = {
            "start": DateTimeInput(),
            "instructions_for_family": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = family.children.all()

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


class AppointmentOutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("What happened"))
    complete_referral = forms.BooleanField(
        label=_("Mark the referral completed"), required=False, initial=True
    )
    mark_need_met = forms.BooleanField(label=_("Mark the need met"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in Appointment.Status.choices if value != appointment.status
        ]
        if appointment.referral_id is None:
            del self.fields["complete_referral"]
            del self.fields["mark_need_met"]
