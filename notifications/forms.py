from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification, NotificationPreference, default_delivery


class PreferencesForm(forms.Form):
    """One delivery choice per kind of item, starting from what is in force now."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            default = NotificationPreference.Delivery(default_delivery(kind))
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=NotificationPreference.Delivery.choices,
                initial=current[kind],
                help_text=_("Default: %(delivery)s") % {"delivery": default.label},
            )
