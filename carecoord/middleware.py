"""Project-wide request checks before any view, and the browser protections of every response."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.utils.cache import patch_cache_control


class RefuseNulBytesMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL byte.

    No address of the application has one, and PostgreSQL refuses NUL in text,
    so such a value reaching a query (``?q=%00``, a token in a path) would be a
    server error instead of a clear refusal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(raw_query.replace("+", " ")):
            raise BadRequest("NUL byte in the request address")
        return self.get_response(request)


# The browser features no page of the application uses, turned off for the page and anything it
# could embed: a script that got in anyway cannot turn on a camera or a microphone, read the
# location of a family's phone, take a payment or talk to a USB or serial device. The clipboard is
# left alone: the Copy buttons write the links they show to it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy`` (``PERMISSIONS_POLICY``) on every response that has none yet.

    Django has no setting for this header; it sits beside ``SecurityMiddleware``,
    above whitenoise, so static files carry it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivatePagesMiddleware:
    """Answer every request of a signed-in user with ``Cache-Control: no-store, private``.

    Every page a signed-in user sees names families and children, so neither the
    browser nor a proxy may keep a copy: on a shared workstation, Back or the
    browser's cache would otherwise show case pages after sign-out. It comes
    after ``AuthenticationMiddleware``; static files never reach it (whitenoise
    answers them first) and keep their long cache life. Pages reached through a
    secret link without a session say the same in their views (``never_cache``
    or ``carecoord.web.private``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
