"""QR codes drawn as SVG, and the absolute public addresses they and printed papers carry.

Kept apart from WeasyPrint, which only the printable notice needs: the console's two-factor
set-up and the vote page's code draw their QR codes without loading it.
"""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
from flask import current_app, url_for
from qrcode.image.svg import SvgPathImage


def qr_svg(text: str) -> bytes:
    """Return a QR code of the text as an SVG image."""
    buffer = BytesIO()
    qrcode.make(text, image_factory=SvgPathImage, border=2).save(buffer)
    return buffer.getvalue()


def qr_data_uri(text: str) -> str:
    """Return a QR code of the text as an SVG data: URI (the CSP allows data: images only)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text)).decode()


def public_url(endpoint: str, **values) -> str:
    """Return the absolute address of a public page, on PUBLIC_BASE_URL when it is set."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
