from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from audit.record import get_noted_or_404
from carecoord.paginators import CountingPaginator
from carecoord.web import PAGE_SIZE, staff_required
from cases.models import Need
from cases.permissions import cases_visible_to

from .eligibility import eligibility_for
from .forms import DirectorySearchForm, family_language
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


def _eligibility(need, service):
    """Whether the need's child is likely eligible for the service, or why not (None without a child)."""
    if need is None or need.child_id is None:
        return None
    family = need.case.family
    return eligibility_for(
        service,
        age=need.child.age,
        town=family.town,
        postcode=family.postal_code,
        insurance=family.insurance,
        language=family_language(family),
    )


@staff_required
def directory_search(request):
    """The service directory, filtered by category, town, area served, language, age, insurance,
    accessibility, cost, opening days and words; nearest first from a postcode."""
    need = _need_from_query(request)
    form = DirectorySearchForm.for_request(request.GET, need)
    services = Service.objects.none()
    if form.is_valid():
        services = Service.objects.listed().search(**form.search_arguments()).with_listing()
        if form.near_point():
            services = services.nearest_first(form.near_point())
    page = CountingPaginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    for service in page.object_list:
        service.eligibility = _eligibility(need, service)
    context = {"form": form, "page": page, "need": need, "batch_max": BATCH_MAX_SERVICES}
    return render(request, "referrals/directory_search.html", context)


@staff_required
def service_detail(request, uuid):
    """One service: eligibility, documents, fees, area, how to apply, languages, locations with their
    accessibility, hours and phones, and the referral contact."""
    need = _need_from_query(request)
    service = get_object_or_404(Service.objects.with_detail(), uuid=uuid)
    service.eligibility = _eligibility(need, service)
    return render(request, "referrals/service_detail.html", {"service": service, "need": need})
