"""What every public page shares: the site's name, the offline channels, form rendering."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, make_response, render_template
from flask_babel import gettext as _

from portal.forms import PageForm
from portal.views import public


@public.app_context_processor
def site_context() -> dict:
    """Give every page, error pages included, the site's name and the offline channels."""
    config = current_app.config
    boxes = config["SUGGESTION_BOXES"]
    return {
        "site_name": config["SITE_NAME"] or _("Organization Work Supervision Portal"),
        "hotline": config["HOTLINE_NUMBER"],
        "postal_address": config["POSTAL_ADDRESS"],
        "visit_address": config["VISIT_ADDRESS"],
        # One box given as a plain string (an environment variable) is still a list of one.
        "suggestion_boxes": [boxes] if isinstance(boxes, str) else list(boxes or []),
    }


def render_form(template: str, form: PageForm, **context):
    """Render a form page with the status its state calls for.

    400 when the CSRF token failed (the text comes back with a "form expired" notice),
    422 when the form holds errors, 200 otherwise. A form refused by a rate limit comes back
    the way an expired one does, under the limit's notice (``rate_limited``); errors.py makes
    its status 429.
    """
    rate_limited = bool(g.get("rate_limited"))
    csrf_expired = bool(g.get("csrf_failed")) and not rate_limited
    status = 400 if csrf_expired or rate_limited else 422 if form.has_errors() else 200
    page = render_template(
        template, form=form, csrf_expired=csrf_expired, rate_limited=rate_limited, **context
    )
    return page, status


def no_store(view: Callable) -> Callable:
    """Keep a page out of every cache: it shows a receipt or a reporter's own case."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper
