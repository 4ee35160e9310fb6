"""Forms of the appointment pages."""

from django import forms
from django.utils import timezone
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
    """What happened at an appointment, or a correction of what was recorded, on the version it was opened on.

    A blank form offers only what can be recorded now (attended and missed once
    the appointment has started) and ticks "complete" and "need met" only when
    it proposes "attended"; a posted form accepts any status and the service
    decides. The boxes count only with "attended".
    """

    status = forms.ChoiceField(label=_("What happened"))
    complete_referral = forms.BooleanField(label=_("Mark the referral completed"), required=False)
    mark_need_met = forms.BooleanField(label=_("Mark the need met"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, appointment, **kwargs):
        super().__init__(*args, **kwargs)
        self.correction = appointment.status != Appointment.Status.SCHEDULED
        started = appointment.start <= timezone.now()
        offered = [
            (value, label)
            for value, label in Appointment.Status.choices
            if value != appointment.status and (started or value not in appointments.HAPPENED)
        ]
        self.fields["status"].choices = Appointment.Status.choices if self.is_bound else offered
        if not self.is_bound:
            proposed = offered[0][0] if offered else ""
            self.initial.setdefault("status", proposed)
            self.initial.setdefault("version", appointment.version)
            attended = proposed == Appointment.Status.ATTENDED
            self.initial.setdefault("complete_referral", attended)
            self.initial.setdefault("mark_need_met", attended)
        if self.correction:
            self.fields["note"].label = _("Why is the recorded outcome corrected?")
            # The service asks for the reason, after the version: a stale form hears that it is stale.
        if appointment.referral_id is None:
            del self.fields["complete_referral"]
            del self.fields["mark_need_met"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != Appointment.Status.ATTENDED:
            for name in ("complete_referral", "mark_need_met"):
                if name in self.fields:
                    cleaned[name] = False
        return cleaned

    def service_fields(self):
        """The cleaned values ``appointment_set_status`` takes besides the appointment and the actor."""
        return dict(self.cleaned_data)
