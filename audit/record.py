"""Recording access: views say what a request touched, the middleware writes one entry per request.

A view calls ``note(request, obj)`` once it has loaded the record it shows or
changes (a family, a case, a referral, one of their parts), or
``note(request, action=..., rows=...)`` for a list, search or export. The
middleware then writes the request's entry with the answer's status, whoever
asked; a request no view noted is still written for a signed-in user, as a read
(GET) or a change (anything else), or as refused (403/404: scope is hidden as
"not found"). Sign-ins and lockouts are written by the signal handlers.
"""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from accounts.lockout import client_ip_address

from .models import AccessEvent

Action = AccessEvent.Action

# What a request may name as its record: the household is found through these
# relations, in this order (an appointment on no case is found through its child).
_HOUSEHOLD_PATH = ("case", "child", "caregiver", "need", "referral", "family")

# Requests that are not access to anything: the idle-warning's poll and the
# language switch. Still written when a view noted something.
QUIET_VIEWS = frozenset({"accounts:session", "set_language", "healthz"})


@dataclass
class Pending:
    action: str = ""
    object_type: str = ""
    object_uuid: object = None
    family_id: int | None = None
    rows: int | None = None
    role: str = ""


def household_id(obj, depth=0):
    """The internal id of the household ``obj`` belongs to, or None for a record of no household."""
    if obj is None or depth > 3:
        return None
    if obj._meta.model_name == "family":
        return obj.pk
    family_id = getattr(obj, "family_id", None)
    if family_id is not None:
        return family_id
    field_names = {field.name for field in obj._meta.get_fields()}
    for name in _HOUSEHOLD_PATH:
        if name in field_names and getattr(obj, f"{name}_id", None) is not None:
            found = household_id(getattr(obj, name), depth + 1)
            if found is not None:
                return found
    return None


def _pending(request):
    pending = getattr(request, "_audit", None)
    if pending is None:
        pending = request._audit = Pending()
    return pending


def note(request, obj=None, *, action="", rows=None, role=""):
    """Say what this request touched; the entry is written when the answer is ready."""
    pending = _pending(request)
    if obj is not None:
        pending.object_type = obj._meta.model_name
        pending.object_uuid = getattr(obj, "uuid", None)
        pending.family_id = household_id(obj)
    if action:
        pending.action = action
    if rows is not None:
        pending.rows = rows
    if role:
        pending.role = role


def _default_action(request, status):
    if status in (403, 404):
        return Action.DENIED
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return Action.READ
    return Action.CHANGE


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def emergency_families(user):
    """Households the user reaches through an emergency grant: ``user.emergency_grants``, which the
    cases app's middleware reads once per request (this app sits below it and asks nothing itself)."""
    grants = getattr(user, "emergency_grants", None)
    return grants.family_ids if grants else ()


def write(request, action, *, user=None, username="", status=None, pending=None):
    """Write one entry now (sign-ins, sign-outs and lockouts, which no view notes)."""
    pending = pending or Pending()
    match = getattr(request, "resolver_match", None) if request is not None else None
    role = pending.role or (getattr(user, "role", "") if user is not None else "")
    AccessEvent.objects.create(
        user=user,
        username=(getattr(user, "username", "") if user is not None else "") or username[:150],
        role=role,
        action=action,
        view=(match.view_name if match else "")[:100],
        method=((request.method or "") if request is not None else "")[:8],
        status=status,
        object_type=pending.object_type,
        object_uuid=pending.object_uuid,
        family_id=pending.family_id,
        rows=pending.rows,
        emergency=user is not None and pending.family_id in emergency_families(user),
        address=(client_ip_address(request) or None) if request is not None else None,
    )
    if request is not None:
        request._audit_written = True


def write_for_request(request, response):
    """The middleware's part: one entry for a signed-in request, or for an anonymous one a view noted."""
    if getattr(request, "_audit_written", False):
        return
    match = getattr(request, "resolver_match", None)
    pending = getattr(request, "_audit", None)
    user = _signed_in(request)
    if match is None or (pending is None and (user is None or match.view_name in QUIET_VIEWS)):
        return
    if match.app_name == "admin" and user is None:
        return
    pending = pending or Pending()
    action = pending.action or _default_action(request, response.status_code)
    if response.status_code in (403, 404) and action in (Action.READ, Action.LIST, Action.SEARCH):
        action = Action.DENIED
    write(request, action, user=user, status=response.status_code, pending=pending)


def get_noted_or_404(request, queryset, **lookup):
    """``get_object_or_404`` over the user's scope, noting the record found as what the request is about."""
    found = get_object_or_404(queryset, **lookup)
    note(request, found)
    return found
