"""Reusable reads for the referrals app: directory search and its prefetching."""

from django.db import models
from django.db.models import Exists, F, FloatField, OuterRef, Prefetch, Q, Subquery

from carecoord.text import match_words, search_key

# A service that lists no language of its own is taken to be delivered in English.
ENGLISH = {"en", "eng", "english"}


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        """Services a coordinator can refer to: active, or closed only for now."""
        return self.filter(status__in=self.model.LISTED)

    def search(
        self,
        *,
        category=None,
        town=None,
        language=None,
        age=None,
        insurance=None,
        text=None,
        serves=None,
        accessibility=None,
        free=False,
        open_on=None,
    ):
        """Services matching every filter given; an empty filter matches everything.

        ``category`` is a ServiceCategory or its code; ``town`` matches the town of any
        location the service is delivered at; ``language`` an ISO code or language name
        of the service or of one of its locations; ``age`` (years) must lie within the
        service's age range, whose missing ends are open; ``insurance`` is matched
        within the insurance the service accepts; ``text`` matches every word, ignoring
        case and accents, in the names, descriptions and eligibility. ``serves`` (a
        town or a postcode) keeps the services whose areas include it, and those that
        list no area; ``accessibility`` matches every word in the accessibility of one
        of the service's locations; ``free`` keeps services free for some families;
        ``open_on`` (MO…SU) services whose own or whose locations' schedules name that day.
        """
        from .models import Accessibility, Language, Schedule, ServiceAtLocation

        queryset = self
        if category:
            code = getattr(category, "code", category)
            queryset = queryset.filter(categories__code=code)
        if town:
            queryset = queryset.filter(
                Exists(
                    ServiceAtLocation.objects.filter(
                        service=OuterRef("pk"), location__city__iexact=town.strip()
                    )
                )
            )
        if language:
            language = language.strip()
            spoken = Language.objects.filter(Q(code=language.casefold()) | Q(name__iexact=language))
            condition = Exists(spoken.filter(service=OuterRef("pk"))) | Exists(
                spoken.filter(location__service_at_locations__service=OuterRef("pk"))
            )
            if language.casefold() in ENGLISH:
                condition |= ~Exists(Language.objects.filter(service=OuterRef("pk")))
            queryset = queryset.filter(condition)
        if age is not None and age != "":
            queryset = queryset.filter(
                Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
                Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
            )
        if insurance:
            queryset = queryset.filter(insurance_accepted__icontains=insurance.strip())
        for word in search_key(text or "").split():
            queryset = queryset.filter(search_text__contains=word)
        if serves:
            place = serves.strip()
            served = Q(served_postcodes__contains=f"|{place[:5]}|") if place[:5].isdigit() else Q()
            served |= Q(served_towns__contains=f"|{match_words(place)}|")
            queryset = queryset.filter(served | Q(served_towns="", served_postcodes=""))
        for word in search_key(accessibility or "").split():
            at = Accessibility.objects.filter(location__service_at_locations__service=OuterRef("pk"))
            queryset = queryset.filter(
                Exists(at.filter(Q(description__icontains=word) | Q(details__icontains=word)))
            )
        if free:
            queryset = queryset.filter(has_free_option=True)
        if open_on:
            day = Schedule.objects.filter(byday__contains=open_on)
            queryset = queryset.filter(
                Exists(day.filter(service=OuterRef("pk")))
                | Exists(day.filter(location__service_at_locations__service=OuterRef("pk")))
            )
        return queryset

    def nearest_first(self, point):
        """Sorted by the distance from ``point`` to the nearest of each service's locations (``distance``,
        in km, computed by the database); services without coordinates come last."""
        from .geo import distance_km
        from .models import ServiceAtLocation

        nearest = (
            ServiceAtLocation.objects.filter(service=OuterRef("pk"), location__latitude__isnull=False)
            .annotate(km=distance_km(point, latitude="location__latitude", longitude="location__longitude"))
            .order_by("km")
            .values("km")[:1]
        )
        return self.annotate(distance=Subquery(nearest, output_field=FloatField())).order_by(
            F("distance").asc(nulls_last=True), "name", "id"
        )

    def with_listing(self):
        """Everything a search result shows, in a fixed number of queries."""
        from .models import ServiceAtLocation

        return self.select_related("organization").prefetch_related(
            "categories",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").order_by(
                    "location__city", "location__name", "id"
                ),
            ),
            "languages",
            "phones",
            "organization__phones",
            "service_areas",
        )

    def with_detail(self):
        """Everything the service page shows, in a fixed number of queries."""
        from .models import ServiceAtLocation

        return self.select_related("organization", "organization__parent").prefetch_related(
            "categories",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").order_by(
                    "location__city", "location__name", "id"
                ),
            ),
            "service_at_locations__location__phones",
            "service_at_locations__location__languages",
            "service_at_locations__location__accessibility",
            "service_at_locations__schedules",
            "languages",
            "phones",
            "schedules",
            "organization__phones",
            "service_areas",
            "required_documents",
            "cost_options",
            "contacts__phones",
        )


class ReferralQuerySet(models.QuerySet):
    def open(self):
        """Referrals with no outcome yet: not in a terminal status of the lifecycle table."""
        from .transitions import TERMINAL

        return self.exclude(status__in=TERMINAL)

    def with_durations(self):
        """Time to connect, computed in the database: requested → accepted and → completed."""
        from django.db.models import DurationField, ExpressionWrapper, F

        return self.annotate(
            time_to_accept=ExpressionWrapper(
                F("accepted_at") - F("requested_at"), output_field=DurationField()
            ),
            time_to_complete=ExpressionWrapper(
                F("completed_at") - F("requested_at"), output_field=DurationField()
            ),
        )

    def with_listing(self):
        return self.select_related(
            "need__category", "need__child", "case__family", "case__coordinator", "service__organization"
        )
