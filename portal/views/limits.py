"""Rate limits of the public forms, read per request so that the configuration decides."""

from __future__ import annotations

from flask import Response, current_app, g


def submit_limit() -> str:
    """Return the limit on recording cases and adding to them."""
    return current_app.config["SUBMIT_RATE_LIMIT"]


def track_limit() -> str:
    """Return the limit on attempts to open a case with its receipt."""
    return current_app.config["TRACK_RATE_LIMIT"]


def recorded(response: Response) -> bool:
    """Tell whether a form POST recorded something: corrections and refreshes are free."""
    return response.status_code == 303


def form_expired() -> bool:
    """Tell whether the form is only shown again because its CSRF token failed.

    errors.py re-runs the view from its CSRF error handler; such a request records nothing,
    and a limit raised from inside an error handler would end as a 500.
    """
    return bool(g.get("csrf_failed"))
