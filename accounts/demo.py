"""Fictional demo teams and users. Idempotent: existing users are left as they are."""

from .models import Team, User
from .services import team_create, user_create

TEAMS = [
    ("North Clinic Team", "North Clinic"),
    ("Harbor Clinic Team", "Harbor Clinic"),
]

# username, password, role, first, last, team index (None: no team)
USERS = [
    ("admin", "demo-admin-pass", User.Role.ADMIN, "Alex", "Admin", None),
    ("supervisor", "demo-supervisor-pass", User.Role.SUPERVISOR, "Sam", "Rivera", 0),
    ("coordinator", "demo-coordinator-pass", User.Role.COORDINATOR, "Carmen", "Ortiz", 0),
    ("coordinator2", "demo-coordinator-pass", User.Role.COORDINATOR, "Jordan", "Lee", 0),
    ("harbor-supervisor", "demo-supervisor-pass", User.Role.SUPERVISOR, "Pat", "Nguyen", 1),
    ("harbor-coordinator", "demo-coordinator-pass", User.Role.COORDINATOR, "Robin", "Okafor", 1),
    ("family", "demo-family-pass", User.Role.FAMILY, "María", "Hernández", None),
]


def seed_teams_and_staff():
    """Create the demo teams and staff users; return (teams, logins)."""
    teams = []
    for name, site in TEAMS:
        team = Team.objects.filter(name=name).first() or team_create(name=name, site=site, phone="555-0100")
        teams.append(team)
    logins = []
    for username, password, role, first, last, team_index in USERS:
        if not User.objects.filter(username=username).exists():
            user_create(
                phone=f"555-0100 ext. {len(logins) + 11}" if role != User.Role.FAMILY else "",
                username=username,
                password=password,
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                teams=[teams[team_index]] if team_index is not None else [],
            )
        logins.append((role, username, password))
    return teams, logins
