"""The demo data set, assembled from each app's own demo module."""

from accounts.demo import seed_teams_and_staff
from cases.demo import seed_families
from cases.reference import ensure_reference_data
from portal.demo import seed_portal
from referrals.demo import seed_directory, seed_referrals
from supervision.demo import seed_supervision_history


def seed_demo():
    """Load every app's demo data; return the demo logins as (role, username, password)."""
    ensure_reference_data()
    _teams, logins = seed_teams_and_staff()
    seed_directory()
    seed_families()
    seed_referrals()
    seed_portal()
    seed_supervision_history()
    return logins
