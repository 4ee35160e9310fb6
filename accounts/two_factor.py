"""What the two-factor pages show: the enrolment QR code, drawn on the server as SVG."""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe


def qr_code_svg(text):
    """An inline SVG QR code of ``text`` (no image request, nothing sent elsewhere)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # qrcode draws the text as a path of squares: the markup is the library's own, and no character of
    # the encoded text (nor anything a user typed) appears in it as text.
    return mark_safe(svg)  # noqa: S308  # nosec B308, B703  # the library's own path markup, no user text


def secret_for_typing(device):
    """The app's secret in base32, in groups of four, for typing instead of scanning."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
