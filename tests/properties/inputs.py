"""What the property tests send: odd values for every kind of field, and the forms a page shows.

``form_fields(html)`` reads a page's forms as a browser would (inputs, selects,
textareas, their types and options); ``posted_data(form, foreign)`` is a
hypothesis strategy for what could be sent back instead: each field missing,
as the page offered it, or replaced by something odd (any unicode, a NUL byte,
very long text, impossible dates, numbers out of every range, another team's
record), plus fields the form does not have.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.db import connection, models
from hypothesis import strategies as st

# Values that break naive parsing: impossible or extreme dates and times, numbers past every
# range, unicode digits, whitespace, markup, SQL, a path.
ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "-Infinity",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "٣",
    "１２",
    "0000-00-00",
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2024-13-01",
    "10000-01-01",
    "2024-01-01T25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2024-06-01T12:00:00+14:00",
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
    "on",
    "true",
    "None",
    "null",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "'; DROP TABLE cases_case; --",
    "../../etc/passwd",
    "\u202e\u200b\ufeff",
    "\ud7ff\ue000\U0010ffff",
]

# Names a form does not have but a crafted request might add, hoping a service takes them.
EXTRA_NAMES = [
    "team",
    "status",
    "version",
    "family",
    "case",
    "coordinator",
    "created_by",
    "updated_by",
    "uuid",
    "id",
    "pk",
    "archived_at",
    "role",
    "is_staff",
    "is_superuser",
    "user",
    "link_key",
]


def odd_text():
    return st.one_of(
        st.text(max_size=40),
        st.text(max_size=20).map(lambda text: text + "\x00"),
        st.text(max_size=20).map(lambda text: "\x00" + text),
        st.integers(min_value=300, max_value=20_000).map(lambda length: "é" * length),
        st.sampled_from(ODD_VALUES),
    )


@dataclass
class Field:
    name: str
    kind: str  # an input type, "select", "select-multiple" or "textarea"
    values: list = field(default_factory=list)  # what the page offers (options, checkbox values)


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(
                Form(
                    action=attributes.get("action") or "", method=(attributes.get("method") or "get").lower()
                )
            )
            return
        if not self.forms:
            return
        form, name = self.forms[-1], attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            entry = form.fields.setdefault(name, Field(name, kind))
            if kind in ("checkbox", "radio", "hidden", "submit"):
                entry.values.append(attributes.get("value", "on"))
        elif tag == "textarea" and name:
            form.fields.setdefault(name, Field(name, "textarea"))
        elif tag == "select" and name:
            kind = "select-multiple" if "multiple" in attributes else "select"
            self._select = form.fields.setdefault(name, Field(name, kind))
        elif tag == "option" and self._select is not None and "value" in attributes:
            self._select.values.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def page_forms(html, path):
    """The forms of a page that post to ``path`` (or to themselves), as a browser sees them."""
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.action in ("", path) or form.action.startswith(path + "?")]


def _typed(kind):
    """A well-formed value for an input type: the accepted path must be reachable too."""
    if kind == "date":
        return st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2035, 12, 31)).map(
            lambda day: day.isoformat()
        )
    if kind == "datetime-local":
        # A form's local date and time, as the browser's picker sends it: no time zone.
        return st.datetimes(
            min_value=datetime.datetime(2000, 1, 1),  # noqa: DTZ001
            max_value=datetime.datetime(2035, 12, 31),  # noqa: DTZ001
        ).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M"))
    if kind == "number":
        return st.integers(min_value=-(10**12), max_value=10**12).map(str)
    if kind == "email":
        return st.emails().filter(lambda address: len(address) < 250)
    return st.text(max_size=60)


def field_value(entry, foreign):
    """A value for one field: what the page offers, a well-formed value of its type, or something odd."""
    offered = [value for value in entry.values if value is not None]
    choices = [st.sampled_from(offered)] if offered else []
    other = st.sampled_from(foreign) if foreign else st.nothing()
    if entry.kind in ("select-multiple", "checkbox") and len(offered) + len(foreign) > 1:
        pool = offered + list(foreign)
        return st.one_of(st.lists(st.sampled_from(pool), max_size=4, unique=True), odd_text())
    if entry.kind in ("select", "radio", "checkbox", "hidden", "submit"):
        return st.one_of(*choices, other, odd_text())
    return st.one_of(_typed(entry.kind), odd_text(), other)


def posted_data(form, foreign=()):
    """What could be sent for ``form``: each field missing, offered, well-formed or odd; and extras."""
    fields = {name: entry for name, entry in form.fields.items() if name != "csrfmiddlewaretoken"}
    known = st.fixed_dictionaries(
        {}, optional={name: field_value(entry, list(foreign)) for name, entry in fields.items()}
    )
    extras = st.dictionaries(
        st.one_of(st.sampled_from(EXTRA_NAMES), st.text(min_size=1, max_size=12)),
        st.one_of(odd_text(), st.sampled_from(list(foreign) or [""])),
        max_size=3,
    )
    return st.tuples(known, extras).map(lambda parts: {**parts[1], **parts[0]})


# What the database sees.

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Sessions, and the access log, which every request writes (a refused one too) without changing a record.
UNWATCHED_TABLES = {"django_session", "audit_accessevent"}


class Watch:
    """Records the tables a request writes and refuses text with a NUL byte, as PostgreSQL's driver does.

    psycopg2 raises ValueError for a string parameter holding NUL; SQLite stores
    it. Raising the same error here makes a value that would break the page on
    PostgreSQL break it on SQLite too, so the tests find it on either.
    """

    def __init__(self):
        self.written = set()

    def __call__(self, execute, sql, params, many, context):
        words = sql.split(None, 3)
        if words and words[0].upper() in WRITES:
            table = words[2] if words[0].upper() in ("INSERT", "DELETE") and len(words) > 2 else words[1]
            table = table.strip('"`')
            if table not in UNWATCHED_TABLES:
                self.written.add(table)
        for value in _flat(params, many):
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)


def _flat(params, many):
    if params is None:
        return []
    rows = params if many else [params]
    values = []
    for row in rows:
        values.extend(row.values() if isinstance(row, dict) else row)
    return values


@contextmanager
def watched():
    watch = Watch()
    with connection.execute_wrapper(watch):
        yield watch


def too_long(tables):
    """Values longer than their column in ``tables``: PostgreSQL refuses them, SQLite keeps them."""
    models_by_table = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    found = []
    for table in sorted(tables):
        model = models_by_table.get(table)
        columns = [
            column
            for column in (model._meta.concrete_fields if model else ())
            if isinstance(column, models.CharField) and column.max_length
        ]
        if not columns:
            continue
        for row in model._base_manager.values_list(*(column.attname for column in columns)):
            for column, value in zip(columns, row, strict=True):
                if value is not None and len(value) > column.max_length:
                    found.append(f"{model.__name__}.{column.name}: {len(value)} > {column.max_length}")
    return found
