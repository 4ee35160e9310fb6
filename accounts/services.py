"""Writes to users and teams."""

from django.db import transaction

from .models import Team, User


@transaction.atomic
def user_create(*, username, password, role, first_name="", last_name="", email="", phone="", teams=()):
    """Create a user; administrators get Django admin access, no one else does."""
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    if teams:
        user.teams.set(teams)
    return user


@transaction.atomic
def team_create(*, name, site="", phone=""):
    """Create a team of coordinators at one site."""
    team = Team(name=name, site=site, phone=phone)
    team.full_clean()
    team.save()
    return team
