from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User


@login_required
def home(request):
    """Send each role to its own start page."""
    destinations = {
        User.Role.COORDINATOR: "cases:caseload",
        User.Role.SUPERVISOR: "supervision:overview",
        User.Role.FAMILY: "portal:home",
    }
    destination = destinations.get(request.user.role)
    if destination:
        return redirect(destination)
    return render(request, "home_admin.html")


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise. Reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
