from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .decorators import role_required
from .forms import EnrolmentCodeForm, TwoFactorCodeForm
from .models import User
from .permissions import is_family_member, teams_visible_to
from .services import (
    recovery_codes_create,
    recovery_codes_left,
    totp_device_confirm,
    totp_device_start,
    two_factor_verify,
    user_language_set,
)
from .sessions import ENROLLED_KEY, seconds_left
from .two_factor import qr_code_svg, secret_for_typing


@role_required(*User.STAFF_ROLES)
def team_detail(request, uuid):
    """A team's members with their roles; staff of the team only."""
    members = User.objects.filter(is_active=True).order_by("role", "first_name", "last_name")
    team = get_object_or_404(
        teams_visible_to(request.user).prefetch_related(Prefetch("members", queryset=members)),
        uuid=uuid,
    )
    return render(request, "accounts/team_detail.html", {"team": team})


@role_required(*User.STAFF_ROLES)
def team_list(request):
    """The teams a staff user works in."""
    teams = teams_visible_to(request.user).annotate(
        coordinator_count=Count("members", filter=Q(members__role=User.Role.COORDINATOR)),
        supervisor_count=Count("members", filter=Q(members__role=User.Role.SUPERVISOR)),
    )
    return render(request, "accounts/team_list.html", {"teams": teams})


@require_POST
def set_language(request):
    """Switch the site's language (Django's own view); a family user's choice is kept for the next sign-in."""
    response = django_set_language(request)
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie and is_family_member(request.user) and cookie.value != request.user.language:
        user_language_set(user=request.user, language=cookie.value)
    return response


@require_http_methods(["GET", "POST"])
def session_status(request):
    """The idle warning's endpoint: GET says how many seconds are left, POST ("stay signed in") extends.

    The extension itself is the session middleware's: every request but this GET counts as activity.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0}, status=401)
    return JsonResponse({"remaining": max(0, int(seconds_left(request, request.user)))})


def _next_url(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next")
    # A path on this site only: ``redirect`` would read anything else ("on") as a URL name and fail.
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return redirect(default).url


def _signed_in_with(request, device):
    """The session is verified by ``device`` from now on; its key changes, as at any sign-in."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[ENROLLED_KEY] = True


@never_cache
@role_required(*User.STAFF_ROLES)
def two_factor_overview(request):
    """A staff user's two-factor sign-in: set up or not, recovery codes left, new recovery codes."""
    enrolled = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    if request.method == "POST" and enrolled:
        codes = recovery_codes_create(user=request.user)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": redirect("home").url})
    context = {"device": enrolled, "codes_left": recovery_codes_left(request.user) if enrolled else 0}
    return render(request, "accounts/two_factor.html", context)


@never_cache
@role_required(*User.STAFF_ROLES)
def two_factor_setup(request):
    """Enrol an authenticator app: scan the code, type what the app shows, keep the recovery codes."""
    if TOTPDevice.objects.devices_for_user(request.user, confirmed=True).exists():
        return redirect("accounts:two-factor")
    device = totp_device_start(user=request.user)
    form = EnrolmentCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = totp_device_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"])
        else:
            _signed_in_with(request, device)
            context = {"codes": codes, "next": _next_url(request)}
            return render(request, "accounts/recovery_codes.html", context)
    context = {
        "form": form,
        "qr_code": qr_code_svg(device.config_url),
        "secret": secret_for_typing(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@role_required(*User.STAFF_ROLES)
def two_factor_verify_page(request):
    """Type the code of the app (or a recovery code) after the password, once per sign-in."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return redirect("accounts:two-factor-setup")
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict["code"])
        else:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)d are left. Make new ones on this page.")
                    % {"left": left},
                )
                return redirect("accounts:two-factor")
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})
