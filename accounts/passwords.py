"""Password rules that depend on who the password is for."""

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import gettext as _

from .models import User


class RoleMinimumLengthValidator(MinimumLengthValidator):
    """Staff passwords need ``staff_min_length`` characters, family logins ``family_min_length``.

    A password checked without a user, or for a user without a role yet, gets the
    staff rule: the stricter one.
    """

    def __init__(self, staff_min_length=12, family_min_length=8):
        super().__init__(min_length=staff_min_length)
        self.family_min_length = family_min_length

    def validate(self, password, user=None):
        if getattr(user, "role", None) == User.Role.FAMILY:
            MinimumLengthValidator(self.family_min_length).validate(password, user)
        else:
            super().validate(password, user)

    def get_help_text(self):
        return _(
            "Your password must contain at least %(staff)d characters (%(family)d for a family portal login)."
        ) % {"staff": self.min_length, "family": self.family_min_length}
