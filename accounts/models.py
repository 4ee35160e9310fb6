import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


def uuid_field():
    """The random UUID a record is addressed by in URLs (accounts sits below carecoord's UUIDModel)."""
    return models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)


class Team(models.Model):
    """A group of coordinators at one site, led by supervisors."""

    uuid = uuid_field()
    name = models.CharField(_("name"), max_length=120, unique=True)
    site = models.CharField(_("site"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        SUPERVISOR = "supervisor", _("Supervisor")
        FAMILY = "family", _("Family")
        ADMIN = "admin", _("Administrator")

    STAFF_ROLES = (Role.COORDINATOR, Role.SUPERVISOR, Role.ADMIN)
    SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)

    uuid = uuid_field()
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.COORDINATOR)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        blank=True,
        help_text=_("Language the site opens in after signing in; empty follows the browser."),
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), related_name="members", blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["coordinator", "supervisor", "family", "admin"]),
                name="user_role_valid",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_coordinator(self):
        return self.role == self.Role.COORDINATOR

    @property
    def is_supervisor(self):
        return self.role == self.Role.SUPERVISOR

    @property
    def is_family(self):
        return self.role == self.Role.FAMILY

    @property
    def is_admin_role(self):
        return self.role == self.Role.ADMIN

    @property
    def is_staff_member(self):
        """Coordinators, supervisors and administrators: people who work cases."""
        return self.role in self.STAFF_ROLES
