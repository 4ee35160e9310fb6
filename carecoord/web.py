"""The shared web toolkit: page decorators, form running and the list page size.

Every app's views use these; no app imports another app's views.
"""

import functools
import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.defaultfilters import yesno

from accounts.decorators import role_required
from accounts.models import User

from .lifecycle import is_repeated_move
from .services import StaleEdit

# Rows per page of every paginated list.
PAGE_SIZE = 25

staff_required = role_required(*User.STAFF_ROLES)
staff_required.__doc__ = "Staff pages: anonymous visitors sign in, everyone else who is not staff gets a 404."

supervisor_required = role_required(*User.SUPERVISING_ROLES)
supervisor_required.__doc__ = "Supervision pages: supervisors and administrators; anyone else gets a 404."

family_required = role_required(User.Role.FAMILY)
family_required.__doc__ = "Family portal pages: family users only; staff get a 404."


def uuid_or_404(value):
    """The UUID a query string names (``?need=<uuid>``); anything else is a 404, like an unknown record."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def private(view):
    """Addresses that carry a secret: keep them out of search engines, Referer headers and caches.

    ``same-origin``, not ``no-referrer``: the secret never leaves the site, and
    browsers send ``Origin: null`` on form posts under ``no-referrer``, which CSRF
    protection refuses.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapped


def add_service_error(form, error):
    """Show a service's refusal on the form, on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(
                    field if field in form.fields else None, message.message % (message.params or {})
                )
    else:
        for message in error.messages:
            form.add_error(None, message)


def current_values(form, instance):
    """(label, value) pairs of a record as it is now, shown beside a refused stale form."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(instance, name):
            continue
        display = getattr(instance, f"get_{name}_display", None)
        value = display() if display else getattr(instance, name)
        if hasattr(value, "all"):
            value = ", ".join(str(item) for item in value.all())
        elif isinstance(value, bool):
            value = yesno(value)  # "yes" / "no" in the reader's language, never True / False
        rows.append((field.label, value))
    return rows


def run_form(request, form, run):
    """Validate ``form`` and call ``run(cleaned_data)``; return (result, stale record or None).

    A refusal from the service lands on the form; a stale edit keeps what the user
    typed, moves the form to the current version and reports who changed it.
    """
    if request.method != "POST" or not form.is_valid():
        return None, None
    try:
        return run(form.cleaned_data), None
    except StaleEdit as error:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = str(error.instance.version)
        form.add_error(None, error.message)
        return None, error.instance
    except ValidationError as error:
        add_service_error(form, error)
        return None, None


def saved_move(request, record, *, target, version):
    """``record`` as saved when a refused move repeats the one ``request.user`` just made, else None.

    For a status action without a form (a single button): call it from the
    refusal's ``except`` and redirect to the record when it returns one.
    """
    if not str(version or "").isdigit():
        return None
    fresh = type(record).objects.get(pk=record.pk)
    return fresh if is_repeated_move(fresh, target=target, version=version, actor=request.user) else None


def run_move(request, form, run, *, record, target=None):
    """``run_form`` for a lifecycle move: a double click gives the saved result, never an error page.

    The form carries the record's ``version``; ``target`` is the status the
    move reaches (by default the form's ``status`` field). When the service
    refuses a submission because the same user's identical move was just saved
    (the record is in ``target`` at the form's version + 1, see
    ``carecoord.lifecycle.is_repeated_move``), the saved record is returned as
    the result, so the page redirects to it as after the first click. Any other
    refusal lands on the form as with ``run_form``. The referral pages use it
    the same way as the case and need pages.
    """
    if request.method != "POST":
        return None, None
    # The first click may have moved the record so far that the form no longer offers the move.
    posted_target = target or form.data.get(form.add_prefix("status"))
    saved = saved_move(
        request, record, target=posted_target, version=form.data.get(form.add_prefix("version"))
    )
    if saved is not None:
        return saved, None
    if not form.is_valid():
        return None, None
    data = form.cleaned_data
    try:
        return run(data), None
    except ValidationError as error:
        saved = saved_move(request, record, target=target or data.get("status"), version=data.get("version"))
        if saved is not None:
            return saved, None
        if isinstance(error, StaleEdit):
            form.data = form.data.copy()
            form.data[form.add_prefix("version")] = str(error.instance.version)
            form.add_error(None, error.message)
            return None, error.instance
        add_service_error(form, error)
        return None, None
