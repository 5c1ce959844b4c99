"""The time, in UTC for storage and in the city's zone for dates people read."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from portal.models.base import utcnow


def local_zone() -> ZoneInfo:
    """Return the city's time zone."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Return today's date in the city."""
    return utcnow().astimezone(local_zone()).date()


def local_date(moment: datetime) -> date:
    """Return the city's date of an aware moment."""
    return moment.astimezone(local_zone()).date()
