"""Error pages: polite, in the reader's language, never a stack trace.

CSRF is checked by :func:`check_csrf`, our own ``before_request`` in place of Flask-WTF's.
A form whose token failed (expired, or the cookie was lost) is shown again with the text the
user typed instead of throwing it away: a view that renders a FlaskForm opts in with
``@keeps_text_on_csrf_failure``; the request then goes on through every guard as usual, and
the view's form reports the expired token, so nothing is done with the posted data.

A form refused by a rate limit is likewise shown again with its text, when its view opts in
with ``@keeps_text_on_rate_limit`` and its template shows the notice (``g.rate_limited``):
many citizens share one address, and one of them should not lose a long text to the others.
Every other refusal gets the plain 429 page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, make_response, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import csrf

log = logging.getLogger(__name__)


def keeps_text_on_csrf_failure(view: Callable) -> Callable:
    """Mark a form view that re-renders its own form when the CSRF token fails."""
    view.keeps_text_on_csrf_failure = True  # type: ignore[attr-defined]
    return view


def keeps_text_on_rate_limit(view: Callable) -> Callable:
    """Mark a text-keeping form view that re-renders its own form when a rate limit refuses it.

    The form is shown again as an expired one is, so the view must keep text on a CSRF failure
    and stand its limits aside for it (``exempt_when=form_expired``).
    """
    if not getattr(view, "keeps_text_on_csrf_failure", False):
        raise TypeError(f"{view.__name__} must keep its text on a CSRF failure first")
    view.keeps_text_on_rate_limit = True  # type: ignore[attr-defined]
    return view


def check_csrf() -> None:
    """Check the CSRF token of a state-changing request, letting text-keeping forms through."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return
    try:
        csrf.protect(apply_exemptions=True)
    except CSRFError:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "keeps_text_on_csrf_failure", False):
            raise
        g.csrf_failed = True


def handle_csrf_error(error: CSRFError):
    """Explain that the form expired and offer a way back."""
    return render_template("portal/errors/csrf.html"), 400


def handle_rate_limit(error: RateLimitExceeded):
    """Explain the limit and the other ways to reach the department."""
    retry_after = None
    limit = getattr(error, "limit", None)
    if limit is not None:
        retry_after = limit.limit.get_expiry()
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "POST" and getattr(view, "keeps_text_on_rate_limit", False):
        return _form_refused_by_limit(view, retry_after)
    return render_template("portal/errors/429.html", retry_after=retry_after), 429


def _form_refused_by_limit(view: Callable, retry_after: int | None):
    """Show the refused form again, filled with what was posted, under a notice of the limit."""
    # Re-run as for an expired token: the view only renders its form, records nothing, and
    # its limits stand aside (form_expired), so they cannot refuse from inside this handler.
    g.csrf_failed = True
    g.rate_limited = True
    g.retry_after = retry_after
    response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
    response.status_code = 429
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def handle_http_error(error: HTTPException):
    """Render the page for an HTTP error, or a generic one in the reader's language."""
    if error.code is None or error.code < 400:
        return error
    template = f"portal/errors/{error.code}.html"
    return render_template([template, "portal/errors/generic.html"], error=error), error.code


def handle_unexpected_error(error: Exception):
    """Log the failure and apologise; SQL parameters (citizens' text) are kept out of logs."""
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return render_template("portal/errors/500.html"), 500


def init_app(app: Flask) -> None:
    """Register the CSRF check and the error handlers."""
    app.before_request(check_csrf)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RateLimitExceeded, handle_rate_limit)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
