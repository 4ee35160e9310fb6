from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from audit.record import get_noted_or_404
from carecoord.paginators import CountingPaginator
from carecoord.web import PAGE_SIZE, staff_required
from cases.models import Need
from cases.permissions import cases_visible_to

from .forms import DirectorySearchForm
from .models import Service
from .services import BATCH_MAX_SERVICES


def _need_from_query(request):
    """The need named by ``?need=<uuid>``, if the user may see its case; a 404 otherwise."""
    value = request.GET.get("need")
    if not value:
        return None
    try:
        need_uuid = UUID(value)
    except ValueError:
        raise Http404 from None
    needs = Need.objects.filter(case__in=cases_visible_to(request.user))
    return get_noted_or_404(
        request, needs.select_related("category", "child", "case__family"), uuid=need_uuid
    )


@staff_required
def directory_search(request):
    """The service directory, filtered by category, town, language, age, insurance and words."""
    need = _need_from_query(request)
    form = DirectorySearchForm.for_request(request.GET, need)
    services = Service.objects.none()
    if form.is_valid():
        services = Service.objects.listed().search(**form.search_arguments()).with_listing()
    page = CountingPaginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "need": need, "batch_max": BATCH_MAX_SERVICES}
    return render(request, "referrals/directory_search.html", context)


@staff_required
def service_detail(request, uuid):
    """One service: eligibility, fees, how to apply, languages, locations, hours and phones."""
    need = _need_from_query(request)
    service = get_object_or_404(Service.objects.with_detail(), uuid=uuid)
    return render(request, "referrals/service_detail.html", {"service": service, "need": need})
