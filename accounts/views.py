from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render

from .decorators import role_required
from .models import User
from .permissions import teams_visible_to


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
