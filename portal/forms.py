from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class AcceptInvitationForm(forms.Form):
    """The caregiver chooses a username and a password; Django's password rules apply."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("You sign in with it. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, caregiver, **kwargs):
        super().__init__(*args, **kwargs)
        self.caregiver = caregiver

    def clean_username(self):
        username = self.cleaned_data["username"]
        taken = User.objects.filter(username__iexact=username)
        if self.caregiver.user_id:
            taken = taken.exclude(pk=self.caregiver.user_id)
        if taken.exists():
            raise forms.ValidationError(_("This username is taken. Choose another one."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            # The rules compare the password with the caregiver's own name, email and username.
            candidate = User(
                username=cleaned.get("username", ""),
                first_name=self.caregiver.first_name,
                last_name=self.caregiver.last_name,
                email=self.caregiver.email,
            )
            try:
                password_validation.validate_password(first, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
