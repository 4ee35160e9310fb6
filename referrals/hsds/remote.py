"""Reading another directory's HSDS 3.0 API: every page, later only what changed, all or nothing.

``directory_import_from_api`` pulls ``/services?full=true`` page by page (and, the
first time, ``/organizations?full=true``, ``/taxonomies`` and ``/taxonomy_terms``
for what no service nests), takes the nested objects apart into the rows of the
tables they belong to (``nesting.CHILDREN`` and ``PARENTS`` say which column
links each one to the object it is nested in), and checks and writes them as a
package is (``reading.PackageReader``, ``writing.write_rows``), in one
transaction. A source registered as an ``HSDSSource`` remembers the newest
``last_modified`` it gave, and the next pull asks only for services modified
on or after it. Nothing is written when the remote cannot be read, or when
anything refuses the rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urljoin

import requests
from django.db import transaction
from django.utils import timezone

from ..models import HSDSSource
from .nesting import CHILDREN, PARENTS
from .reading import HSDSImportError, PackageReader, RawRow, parse_moment
from .schema import TABLES, TABLES_BY_RESOURCE
from .writing import write_rows

PER_PAGE = 100
TIMEOUT_SECONDS = 30
MAX_PAGES = 10_000  # a remote that never says "last page" still ends
# Keys of a nested service that say the remote answered ``full=true``.
FULL_SERVICE_KEYS = {"service_at_locations", "phones", "schedules"}


@dataclass
class Pulled:
    """What a pull brought: raw rows by resource, and the newest last_modified of its services."""

    raw: dict = field(default_factory=lambda: defaultdict(dict))  # resource -> id -> RawRow
    newest: datetime.datetime | None = None
    services: int = 0
    problems: list = field(default_factory=list)


class RemoteDirectory:
    """An HSDS API, read over HTTP with an optional bearer token."""

    def __init__(self, url, *, token="", session=None):
        self.base = url if url.endswith("/") else url + "/"
        self.session = session or requests.Session()
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path, params=None, *, optional=False):
        address = urljoin(self.base, path) + (f"?{urlencode(params)}" if params else "")
        try:
            response = self.session.get(address, headers=self.headers, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise HSDSImportError(
                [f"{address}: could not be reached ({error.__class__.__name__})."]
            ) from error
        if optional and response.status_code == 404:
            return None
        if response.status_code != 200:
            raise HSDSImportError([f"{address}: answered {response.status_code}, not 200."])
        try:
            return response.json()
        except ValueError as error:
            raise HSDSImportError([f"{address}: did not answer JSON."]) from error

    def pages(self, path, params, *, optional=False):
        """Every item of a paginated list, page after page until the last."""
        for number in range(1, MAX_PAGES + 1):
            body = self.get(path, {**params, "page": number, "per_page": PER_PAGE}, optional=optional)
            if body is None:
                return
            contents = body.get("contents") if isinstance(body, dict) else None
            if not isinstance(contents, list):
                raise HSDSImportError([f"{urljoin(self.base, path)}: page {number} has no list of contents."])
            yield from contents
            if body.get("last_page") is True or not contents or number >= (body.get("total_pages") or 0):
                return


def as_cell(value):
    """A JSON value as the CSV cell the reader parses; objects and lists are not cells."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


class Flattener:
    """Takes nested HSDS objects apart into rows, table by table, merging repeats of one record."""

    def __init__(self, pulled):
        self.pulled = pulled

    def problem(self, message):
        self.pulled.problems.append(message)

    def add(self, resource, obj, *, links=None):
        """Add ``obj`` (a ``resource``) and all it nests; ``links`` fill columns it leaves empty."""
        if not isinstance(obj, dict):
            self.problem(f"a {resource.replace('_', ' ')} in the answer is not an object.")
            return None
        table = TABLES_BY_RESOURCE[resource]
        cells = {}
        for column in table.columns:
            if column.name in obj:
                text = as_cell(obj[column.name])
                if text is not None:
                    cells[column.name] = text
        for name, value in (links or {}).items():
            if value and not cells.get(name):
                cells[name] = value
        record_id = cells.get("id", "")
        for key, (parent, link) in PARENTS.get(resource, {}).items():
            if isinstance(obj.get(key), dict):
                parent_id = self.add(parent, obj[key])
                if parent_id and not cells.get(link):
                    cells[link] = parent_id
        self._keep(resource, record_id, cells)
        for key, (child, link) in CHILDREN.get(resource, {}).items():
            for item in self._items(obj, key):
                self.add(child, item, links={link: record_id})
        for item in self._items(obj, "attributes"):
            self.add("attribute", item, links={"link_id": record_id, "link_entity": resource})
        for item in self._items(obj, "metadata"):
            self.add("metadata", item, links={"resource_id": record_id, "resource_type": resource})
        return record_id

    def _items(self, obj, key):
        items = obj.get(key) or []
        if not isinstance(items, list):
            self.problem(f"'{key}' in the answer is not a list.")
            return []
        return items

    def _keep(self, resource, record_id, cells):
        label = f"{resource} '{record_id}'" if record_id else f"a {resource.replace('_', ' ')} without an id"
        rows = self.pulled.raw[resource]
        if not record_id:
            rows[f"#{len(rows)}"] = RawRow(resource, label, cells)
            return
        kept = rows.get(record_id)
        if kept is None:
            rows[record_id] = RawRow(resource, label, cells)
            return
        for name, value in cells.items():
            if kept.cells.get(name) and kept.cells[name] != value:
                self.problem(f"{label}, field '{name}': given twice, as '{kept.cells[name]}' and '{value}'.")
            else:
                kept.cells[name] = value


def pull(remote, *, modified_after=None, everything=True):
    """Read the remote: its services (changed ones only, after ``modified_after``), and, with
    ``everything``, the organizations, taxonomies and terms no service nests."""
    root = remote.get("")
    version = str(root.get("version", "")) if isinstance(root, dict) else ""
    if not version.startswith("3."):
        raise HSDSImportError([f"{remote.base}: not an HSDS 3 API (it gives version '{version}')."])
    pulled = Pulled()
    flattener = Flattener(pulled)
    params = {"full": "true"}
    if modified_after:
        # The API gives what changed on or after the moment asked; the newest change already
        # imported is skipped by asking from the next millisecond (last_modified's precision).
        moment = (modified_after + datetime.timedelta(milliseconds=1)).astimezone(datetime.UTC)
        params["modified_after"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for item in remote.pages("services", params):
        if isinstance(item, dict) and item.get("id") and not FULL_SERVICE_KEYS & item.keys():
            item = remote.get(f"services/{item['id']}")  # the remote ignored full=true
        flattener.add("service", item)
        pulled.services += 1
        stamp = item.get("last_modified") if isinstance(item, dict) else None
        try:
            moment = parse_moment(stamp) if isinstance(stamp, str) and stamp else None
        except ValueError:
            moment = None  # the reader warns about it with the row
        if moment and (pulled.newest is None or moment > pulled.newest):
            pulled.newest = moment
    if everything:
        for item in remote.pages("organizations", {"full": "true"}, optional=True):
            flattener.add("organization", item)
        for item in remote.pages("taxonomies", {}, optional=True):
            flattener.add("taxonomy", item)
        for item in remote.pages("taxonomy_terms", {}, optional=True):
            flattener.add("taxonomy_term", item)
    return pulled


@dataclass
class ApiImportResult:
    """An import from an HSDS API: the rows' result, and how many services the pull brought."""

    result: object
    services: int
    since: datetime.datetime | None

    def lines(self):
        since = f" modified since {self.since.isoformat()}" if self.since else ""
        return [f"Pulled {self.services} services{since}.", *self.result.lines()]


def directory_import_from_api(*, url, token="", strict=False, session=None, full=False):
    """Import a remote HSDS 3.0 API's directory: all of it, or on any error none of it.

    The source is remembered (``HSDSSource``, by url): the next import asks only
    for the services modified on or after the newest ``last_modified`` this one
    brought, unless ``full``.
    """
    source = HSDSSource.objects.filter(url=url).first()
    since = None if full or source is None else source.modified_after
    token = token or (source.token if source else "")
    remote = RemoteDirectory(url, token=token, session=session)
    pulled = pull(remote, modified_after=since, everything=since is None)
    if pulled.problems:
        raise HSDSImportError(pulled.problems)
    reader = PackageReader(strict=strict)
    raw = {resource: list(rows.values()) for resource, rows in pulled.raw.items()}
    rows = reader.parse_tables(raw)
    if not reader.problems:
        reader.check_references(rows)
        reader.check_formulas(rows)
    reader.refuse_if_problems()
    with transaction.atomic():
        present = {table.resource: table.path for table in TABLES if table.resource in raw}
        result = write_rows(reader, present, rows)
        hsds_source_record_pull(url=url, token=token, newest=pulled.newest)
    return ApiImportResult(result, pulled.services, since)


def hsds_source_record_pull(*, url, token, newest):
    """Remember a source, its token and the newest last_modified it gave (kept when none is newer)."""
    source, _created = HSDSSource.objects.select_for_update().get_or_create(url=url)
    if newest and (source.modified_after is None or newest > source.modified_after):
        source.modified_after = newest
    source.token = token
    source.last_pulled_at = timezone.now()
    source.save(update_fields=["modified_after", "token", "last_pulled_at"])
    return source
