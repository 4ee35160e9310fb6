"""Database expressions the reports are built from: days between two moments, medians, shares.

Every figure of the supervisors' pages is computed by the database; these are
the few pieces Django does not ship, each written for PostgreSQL (production and
CI) and SQLite (the embedded default).
"""

from django.db import NotSupportedError, connections
from django.db.models import Aggregate, Count, DateTimeField, F, FloatField, Func, OuterRef, Subquery, Window
from django.db.models.functions import Cast, NullIf, RowNumber


class DaysBetween(Func):
    """``end - start`` in days, as a float; NULL when either is NULL.

    Between two datetimes the result has a fraction (36 hours is 1.5); between
    two dates (``TruncDate``) it is a whole number of calendar days.
    """

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra_context):
        template = "(julianday(%(expressions)s))"
        return self.as_sql(
            compiler, connection, template=template, arg_joiner=") - julianday(", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        if any(isinstance(source.output_field, DateTimeField) for source in self.get_source_expressions()):
            # timestamptz - timestamptz is an interval: its length in seconds, in days.
            template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::double precision"
        else:
            # date - date is a whole number of days.
            template = "((%(expressions)s))::double precision"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra_context)


def share(numerator, denominator):
    """``numerator / denominator`` as a float between 0 and 1; NULL when the denominator is 0."""
    return Cast(numerator, FloatField()) / NullIf(Cast(denominator, FloatField()), 0.0)


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(0.5)``: the median, interpolated."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotSupportedError("percentile_cont is PostgreSQL's; use median() instead.")
        return super().as_sql(compiler, connection, **extra_context)


class WindowMedian(Subquery):
    """The median of a ranked one-group subquery, for SQLite, which has no ordered-set aggregate.

    The usual SQLite recipe, ``ORDER BY value LIMIT 2 - (n & 1) OFFSET (n - 1) / 2``,
    cannot be used here: SQLite evaluates LIMIT and OFFSET once per statement,
    so they cannot count the rows of the outer row's group. Window functions
    can: the subquery numbers its values in order (``median_row``) and counts
    them (``median_count``), and the median is the mean of rows (n + 1) / 2 and
    (n + 2) / 2 — one row when n is odd, the middle two when it is even — which
    is what PostgreSQL's ``percentile_cont(0.5)`` returns. No rows give NULL.
    """

    template = (
        "(SELECT AVG(median_ranked.median_value) FROM (%(subquery)s) median_ranked "
        "WHERE median_ranked.median_row IN "
        "((median_ranked.median_count + 1) / 2, (median_ranked.median_count + 2) / 2))"
    )

    def __init__(self, queryset):
        super().__init__(queryset, output_field=FloatField())


def median(queryset, expression, *, key):
    """The median of ``expression`` over the rows of ``queryset`` whose ``key`` is the outer row.

    Used as an annotation on group rows (teams, programs): ``key="team"`` gives
    each team the median over its own rows. NULL values are left out; a group
    with no value gets NULL. PostgreSQL computes it with ``percentile_cont``;
    SQLite, which has no ordered-set aggregate, with :class:`WindowMedian`.
    """
    rows = queryset.filter(**{key: OuterRef("pk")}).order_by()
    if connections[queryset.db].vendor == "postgresql":
        grouped = rows.values(key).annotate(median_value=PercentileCont(expression)).values("median_value")
        return Subquery(grouped, output_field=FloatField())
    ranked = (
        rows.annotate(median_value=expression)
        .filter(median_value__isnull=False)
        .annotate(
            median_row=Window(RowNumber(), order_by=F("median_value").asc()),
            median_count=Window(Count("pk")),
        )
        .values("median_value", "median_row", "median_count")
    )
    return WindowMedian(ranked)
