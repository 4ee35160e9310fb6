"""The "For you" inbox pages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carecoord.web import PAGE_SIZE, run_form, staff_required

from . import services
from .forms import PreferencesForm
from .models import Notification

SHOW = ("all", "unread")


def _show(request):
    show = request.GET.get("show") or request.POST.get("show")
    return show if show in SHOW else "all"


def _back_to_inbox(request):
    """The inbox page the person was on (filter and page kept)."""
    query = {"show": _show(request)}
    page = request.POST.get("page", "")
    if page.isdigit():
        query["page"] = page
    return redirect(reverse("notifications:inbox") + "?" + urlencode(query))


def _own(request, uuid):
    return get_object_or_404(Notification.objects.for_user(request.user), uuid=uuid)


@staff_required
def inbox(request):
    """The signed-in person's items, newest first: all of them or the unread ones."""
    show = _show(request)
    items = Notification.objects.for_user(request.user)
    if show == "unread":
        items = items.unread()
    page = Paginator(items.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "show": show})


@staff_required
@require_POST
def notification_open(request, uuid):
    """Mark the item read and go to its place (a path on this site; anything else stays in the inbox)."""
    item = _own(request, uuid)
    services.notification_mark_read(notification=item, actor=request.user)
    if services.is_site_path(item.url):
        return redirect(item.url)
    return _back_to_inbox(request)


@staff_required
@require_POST
def notification_mark_read(request, uuid):
    item = _own(request, uuid)
    services.notification_mark_read(notification=item, actor=request.user)
    return _back_to_inbox(request)


@staff_required
@require_POST
def notifications_mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All items marked read."))
    return _back_to_inbox(request)


@staff_required
def preferences(request):
    """How each kind of item reaches the person: in the app only, by email at once, or in a daily digest."""
    form = PreferencesForm(request.POST or None, current=services.deliveries_for(request.user))
    result, _stale = run_form(
        request,
        form,
        lambda data: services.notification_preferences_set(actor=request.user, choices=data),
    )
    if result is not None:
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
