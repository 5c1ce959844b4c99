"""The home page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for

from portal.i18n import LANGUAGE_COOKIE, SUPPORTED_LOCALES
from portal.models import CaseKind
from portal.services.item_board import latest_published
from portal.views import public


@public.get("/")
def index():
    """Show what one can do here, the latest rectification results, and the offline ways."""
    return render_template(
        "portal/index.html", kinds=list(CaseKind), latest_items=latest_published()
    )


@public.get("/language/<locale>")
def switch_language(locale: str):
    """Remember the chosen language and go back to the page the reader was on."""
    target = _local_path(request.args.get("next", "")) or url_for("public.index")
    response = redirect(target, 303)
    if locale in SUPPORTED_LOCALES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            locale,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def _local_path(target: str) -> str | None:
    """Return the target if it is a path on this site, so the switch is no open redirect."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
