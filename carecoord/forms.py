"""Form parts every app shares: versioned edit forms, the status-change form, date widgets, staff pickers."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker, with the ISO value it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, with the ISO value it expects."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class VersionedForm(forms.ModelForm):
    """An edit form that carries the version it was opened on, so the service can refuse a stale one."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def service_fields(self):
        """The cleaned values a service's keyword arguments take: everything but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class StatusChangeForm(forms.Form):
    """Move a record along its lifecycle: one of the statuses its table allows next, a note, the version.

    Subclasses say what the note is called and for which statuses it is
    required; the service checks the same rule again.
    """

    note_label = _("Note")
    note_help_text = ""
    note_required_for = ()
    note_required_message = _("Give the reason for this change.")

    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(status.value, status.label) for status in choices]
        self.fields["note"].label = self.note_label
        self.fields["note"].help_text = self.note_help_text

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") in self.note_required_for and not (cleaned.get("note") or "").strip():
            self.add_error("note", self.note_required_message)
        return cleaned


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member by full name (their username when no name is recorded)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """Several records by id: an id past the database's integer range is an invalid choice.

    Django checks the chosen ids with one ``id__in`` query, which SQLite cannot
    run with an integer over 64 bits (OverflowError, a server error).
    """

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            too_large = [str(item) for item in value if not -(2**63) <= _as_int(item) < 2**63]
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": too_large[0] if too_large else ""},
            ) from None


def _as_int(item):
    try:
        return int(str(item).strip())
    except ValueError:
        return 0
