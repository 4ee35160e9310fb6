"""Reusable reads for the referrals app: directory search and its prefetching."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q

from carecoord.text import search_key

# A service that lists no language of its own is taken to be delivered in English.
ENGLISH = {"en", "eng", "english"}


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        """Services a coordinator can refer to: active, or closed only for now."""
        return self.filter(status__in=self.model.LISTED)

    def search(self, *, category=None, town=None, language=None, age=None, insurance=None, text=None):
        """Services matching every filter given; an empty filter matches everything.

        ``category`` is a ServiceCategory or its code; ``town`` matches the town of any
        location the service is delivered at; ``language`` an ISO code or language name
        of the service or of one of its locations; ``age`` (years) must lie within the
        service's age range, whose missing ends are open; ``insurance`` is matched
        within the insurance the service accepts; ``text`` matches every word, ignoring
        case and accents, in the names, descriptions and eligibility.
        """
        from .models import Language, ServiceAtLocation

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
        return queryset

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
            "languages",
            "phones",
            "schedules",
            "organization__phones",
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
