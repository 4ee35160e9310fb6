from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import User
from .permissions import is_staff_member, teams_visible_to


@login_required
def team_detail(request, uuid):
    """A team's members with their roles; staff of the team only."""
    if not is_staff_member(request.user):
        raise Http404
    members = User.objects.filter(is_active=True).order_by("role", "first_name", "last_name")
    team = get_object_or_404(
        teams_visible_to(request.user).prefetch_related(Prefetch("members", queryset=members)),
        uuid=uuid,
    )
    return render(request, "accounts/team_detail.html", {"team": team})


@login_required
def team_list(request):
    """The teams a staff user works in."""
    if not is_staff_member(request.user):
        raise Http404
    teams = teams_visible_to(request.user).annotate(
        coordinator_count=Count("members", filter=Q(members__role=User.Role.COORDINATOR)),
        supervisor_count=Count("members", filter=Q(members__role=User.Role.SUPERVISOR)),
    )
    return render(request, "accounts/team_list.html", {"teams": teams})
