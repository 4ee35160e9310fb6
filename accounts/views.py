from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .decorators import role_required
from .models import User
from .permissions import is_family_member, teams_visible_to
from .services import user_language_set


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
