"""The demo data set, assembled from each app's own demo module."""

from accounts.demo import seed_teams_and_staff
from cases.demo import seed_families
from referrals.demo import seed_directory


def seed_demo():
    """Load every app's demo data; return the demo logins as (role, username, password)."""
    _teams, logins = seed_teams_and_staff()
    seed_directory()
    seed_families()
    return logins
