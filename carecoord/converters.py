"""Path converters for the addresses that carry a secret: each matches only its token's alphabet and length.

Anything else in that part of an address (a dot, a NUL byte, a string one
character too long or too short) matches no URL pattern, so it is a 404 before
a view runs and before a query is made with it. The patterns follow how each
token is made; a test makes real tokens and checks that they still match.

Every ``urls.py`` that uses one imports this module, which registers them all
once, here.
"""

from django.urls import register_converter

# The URL-safe base64 alphabet (RFC 4648 §5), which secrets.token_urlsafe and django.core.signing use.
BASE64URL = "[A-Za-z0-9_-]"


class _Token:
    """A converter whose value is a string matching ``regex``, passed to the view unchanged."""

    regex = ""

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class Secret256Converter(_Token):
    """``secrets.token_urlsafe(32)``: 256 random bits as 43 URL-safe base64 characters.

    The portal invitation token (``portal.models.new_secret``), and the secret
    part of a calendar address (an HMAC-SHA256 digest, and the clear tokens of
    calendar addresses made before they were derived).
    """

    regex = BASE64URL + "{43}"


class ReferralLinkConverter(_Token):
    """The organization's referral link: ``django.core.signing.dumps`` of the referral's UUID and link key.

    ``payload:timestamp:signature``: the payload is the base64 of a JSON object
    of fixed length (90 characters; a zlib-compressed payload, which the signer
    would mark with a leading dot, is shorter), the timestamp is base62 (6
    characters until the year 3700), the signature an HMAC-SHA256 (43 characters).
    """

    regex = rf"(?:{BASE64URL}{{90}}|\.{BASE64URL}{{1,88}}):[0-9A-Za-z]{{6}}:{BASE64URL}{{43}}"


class PasswordResetUserConverter(_Token):
    """``uidb64`` of Django's password reset link: the URL-safe base64 of the user's integer primary key."""

    regex = BASE64URL + "{1,26}"


class PasswordResetTokenConverter(_Token):
    """Django's password reset token, ``<timestamp in base 36>-<32 hex digits of an HMAC-SHA256>``.

    ``set-password`` is the placeholder Django's PasswordResetConfirmView
    redirects to once it has moved the real token into the session.
    """

    regex = r"[0-9a-z]{1,13}-[0-9a-f]{32}|set-password"


register_converter(Secret256Converter, "secret256")
register_converter(ReferralLinkConverter, "referral_link")
register_converter(PasswordResetUserConverter, "password_reset_user")
register_converter(PasswordResetTokenConverter, "password_reset_token")
