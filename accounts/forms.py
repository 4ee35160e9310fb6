from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class UsernameLengthChecked:
    """Refuse a username longer than the field allows before it is authenticated.

    Django's sign-in form sets the username's length after the field has made
    its validators, so a longer username reached authentication, and the
    failed sign-in record (255 characters at most), which PostgreSQL refused
    with a server error.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInForm(UsernameLengthChecked, AuthenticationForm):
    """The sign-in page's form."""


class AdminSignInForm(UsernameLengthChecked, AdminAuthenticationForm):
    """The admin site's sign-in form."""


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )
