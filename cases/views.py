from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.permissions import is_staff_member


@login_required
def caseload(request):
    if not is_staff_member(request.user):
        raise Http404
    return render(request, "cases/caseload.html")
