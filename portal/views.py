from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.permissions import is_family_member


@login_required
def home(request):
    if not is_family_member(request.user):
        raise Http404
    return render(request, "portal/home.html")
