"""Project-wide request checks that come before any view."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest


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
