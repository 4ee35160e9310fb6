"""The family portal: a caregiver's own family only, in their language, phone first.

Every page finds the family through the signed-in caregiver (``caregiver_required``);
no address names a family, a child or an appointment.
"""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET

from audit.record import note
from carecoord.web import add_service_error, family_required, private

from . import services
from .calendar import calendar_feed
from .forms import AcceptInvitationForm
from .models import CalendarFeed
from .pdf import html_to_pdf
from .permissions import portal_caregiver
from .summary import family_summary

# Gone for links that once worked; not found for anything we never made.
REFUSED_STATUS = {"expired": 410, "revoked": 410, "used": 410, "invalid": 404}


def caregiver_required(view):
    """Portal pages: a family user whose login is linked to a caregiver (``request.caregiver``).

    Staff get a 404 and anonymous visitors sign in (``family_required``); a
    family login that is linked to no caregiver is told so.
    """

    @functools.wraps(view)
    @family_required
    def wrapper(request, *args, **kwargs):
        caregiver = portal_caregiver(request.user)
        if caregiver is None:
            return render(request, "portal/not_linked.html")
        request.caregiver = caregiver
        return view(request, *args, **kwargs)

    return wrapper


def _summary(request):
    family = request.caregiver.family
    note(request, family)
    return family_summary(family)


@caregiver_required
def home(request):
    """Upcoming and recent appointments by child, the coordinator, the shared goals."""
    context = {
        "summary": _summary(request),
        "caregiver": request.caregiver,
        "now": timezone.now(),
        "has_calendar": CalendarFeed.objects.filter(caregiver=request.caregiver).exists(),
    }
    return render(request, "portal/home.html", context)


def _print_context(request, *, pdf):
    return {
        "summary": _summary(request),
        "caregiver": request.caregiver,
        "pdf": pdf,
        "center": settings.CARECOORD_CENTER_NAME,
    }


@caregiver_required
def summary_print(request):
    """The summary to print: one page per child."""
    return render(request, "portal/summary_print.html", _print_context(request, pdf=False))


@caregiver_required
def summary_pdf(request):
    """The printable summary as a PDF file."""
    html = render_to_string("portal/summary_print.html", _print_context(request, pdf=True), request=request)
    response = HttpResponse(html_to_pdf(html, stylesheet="css/summary-print.css"))
    response["Content-Type"] = "application/pdf"
    filename = _("appointments") + f"-{timezone.localdate().isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@private
@caregiver_required
def calendar_settings(request):
    """The caregiver's private calendar address: make one, make a new one, turn it off."""
    caregiver = request.caregiver
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(caregiver=caregiver, actor=request.user)
            messages.success(request, _("Your calendar address is turned off."))
        else:
            services.calendar_feed_create(caregiver=caregiver, actor=request.user)
            messages.success(
                request, _("Your new calendar address is ready. Any earlier address stops working.")
            )
        return redirect("portal:calendar")
    feed = CalendarFeed.objects.filter(caregiver=caregiver).first()
    context = {"feed": feed}
    if feed:
        address = reverse("portal:calendar-feed", args=[feed.uuid, services.calendar_feed_secret(feed)])
        https = request.build_absolute_uri(address)
        context.update(feed_url=https, webcal_url="webcal://" + https.split("://", 1)[1])
    return render(request, "portal/calendar.html", context)


def _calendar_response(request, feed):
    """The .ics of a feed a calendar app asked for; a 404 when the address opens none."""
    if feed is None:
        raise Http404
    caregiver = feed.caregiver
    services.calendar_feed_read(feed=feed)
    note(request, caregiver.family, role="calendar")
    with translation.override(services.user_language(caregiver.user, caregiver.family)):
        body = calendar_feed(family_summary(caregiver.family))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="appointments.ics"'
    return response


@private
@require_GET
def calendar_feed_view(request, feed, secret):
    """The .ics a calendar app subscribes to; the secret in the address is its only key."""
    return _calendar_response(request, services.calendar_feed_for_address(feed, secret))


@private
@require_GET
def calendar_feed_legacy_view(request, token):
    """The same .ics at an address made before calendar addresses were derived from a key."""
    return _calendar_response(request, services.calendar_feed_for_legacy_token(token))


@never_cache
@private
@csrf_protect
def invitation_accept(request, token):
    """The caregiver chooses a username and password and is signed in to the portal."""
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationRefused as refused:
        return render(
            request,
            "portal/invitation_refused.html",
            {"reason": refused.reason, "center": settings.CARECOORD_CENTER_NAME},
            status=REFUSED_STATUS[refused.reason],
        )
    caregiver = invitation.caregiver
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Opened from the invitation email: speak the family's language until they choose.
        translation.activate(services.family_language(caregiver.family))
        request.LANGUAGE_CODE = translation.get_language()
    form = AcceptInvitationForm(request.POST or None, caregiver=caregiver)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except services.InvitationRefused:
            return redirect("portal:invitation-accept", token=token)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! You can now see your family's appointments here."))
            return redirect("portal:home")
    return render(request, "portal/invitation_accept.html", {"form": form, "caregiver": caregiver})
