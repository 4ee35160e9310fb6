"""A paginator that counts in the page's own query, so a list's match (a search, a scope) runs once.

Django's ``Paginator`` asks the database twice: ``COUNT(*)`` of the whole
match, then the page's rows. For a trigram search or a team's referrals the
match is most of the work, so the page query here also carries
``COUNT(*) OVER ()`` — the number of rows of the whole match, computed after
grouping and before the ``LIMIT`` — and the count is read from its first row.
Templates use it as any page (``page.paginator.count``, ``num_pages``,
``has_next``). A page past the end falls back to Django's way (count, then the
last page).
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window

TOTAL = "paginator_total_rows"


class CountingPaginator(Paginator):
    def get_page(self, number):
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(**{TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows and number > 1:
            return super().get_page(number)
        # ``count`` is a cached property: this is the value it would have computed.
        first = rows[0] if rows else None
        self.__dict__["count"] = (
            (first[TOTAL] if isinstance(first, dict) else getattr(first, TOTAL)) if rows else 0
        )
        return self._get_page(rows, number, self)
