"""Reusable reads: filters, annotations and prefetching for the case pages."""

import datetime
import re

from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from carecoord.text import search_key


class FamilyQuerySet(models.QuerySet):
    def search(self, text):
        """Families matching every word of ``text``.

        A date matches a child's date of birth; a number of four or more digits
        matches a phone number or a child's MRN; words match (partially, ignoring
        accents and case) the household's, a caregiver's or a child's name.
        """
        from .models import Caregiver, Child

        text = (text or "").strip()
        if not text:
            return self.none()
        day = parse_search_date(text)
        if day:
            return self.filter(Exists(Child.objects.filter(family=OuterRef("pk"), date_of_birth=day)))
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 4 and not re.search(r"[^\d\s()+.\-]", text):
            # Ten digits make a number: a typed country code ("+1 ...") is not required to match.
            phone = digits[-10:]
            return self.filter(
                Q(phone_digits__contains=phone)
                | Exists(Caregiver.objects.filter(family=OuterRef("pk"), phone_digits__contains=phone))
                | Exists(Child.objects.filter(family=OuterRef("pk"), mrn__iexact=text.strip()))
            )
        queryset = self
        for word in search_key(text).split():
            # One "pk IN (a UNION b UNION c)" per word: each part is a trigram-indexed
            # lookup on PostgreSQL, so no table is scanned whole.
            matching = (
                self.model.objects.filter(search_name__contains=word)
                .order_by()
                .values("pk")
                .union(
                    Child.objects.filter(search_name__contains=word).order_by().values("family_id"),
                    Caregiver.objects.filter(search_name__contains=word).order_by().values("family_id"),
                    Child.objects.filter(mrn__iexact=word).order_by().values("family_id"),
                )
            )
            queryset = queryset.filter(pk__in=matching)
        return queryset


def parse_search_date(text):
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status="closed")

    def with_summary(self):
        """Everything a caseload row shows, in one query."""
        from .models import Activity, Need, Task

        today = timezone.localdate()
        open_tasks = Task.objects.open().filter(case=OuterRef("pk"))
        open_needs = (
            Need.objects.filter(case=OuterRef("pk"), status__in=["open", "in_progress"])
            .order_by()
            .values("case")
            .annotate(total=Count("pk"))
            .values("total")
        )
        last_contact = (
            Activity.objects.filter(case=OuterRef("pk"), kind__in=Activity.CONTACT_KINDS)
            .order_by()
            .values("case")
            .annotate(last=Max("occurred_at"))
            .values("last")
        )
        next_task = open_tasks.order_by().values("case").annotate(first=Min("due_on")).values("first")
        return self.select_related("family", "program", "coordinator", "team").annotate(
            open_need_count=Coalesce(Subquery(open_needs, output_field=models.IntegerField()), 0),
            next_task_due=Subquery(next_task, output_field=models.DateField()),
            last_contact_at=Subquery(last_contact, output_field=models.DateTimeField()),
            has_overdue_task=Exists(open_tasks.filter(due_on__lt=today)),
        )


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(completed_at__isnull=True)

    def overdue(self, today=None):
        """Open tasks due before ``today`` (the center's today by default)."""
        return self.open().filter(due_on__lt=today or timezone.localdate())
