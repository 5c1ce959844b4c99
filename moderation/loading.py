"""Loading objects for console views: out of scope is the same as not there (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_login import current_user
from sqlalchemy import select

from moderation.guard import refuse
from portal.extensions import db
from portal.models import Case
from portal.policy import can_see_case

T = TypeVar("T")


def load_or_404(model: type[T], key: int, in_scope: Callable[[T], bool] | None = None) -> T:
    """Return an object by its id if the account may see it (``in_scope``); else answer 404."""
    found = db.session.get(model, key)
    if found is None:
        refuse(404, reason="missing")
    if in_scope is not None and not in_scope(found):
        refuse(404, reason="scope")
    return found


def load_case(number: str) -> Case:
    """Return the case with a number if the signed-in account may see it; else answer 404."""
    case = db.session.scalar(select(Case).where(Case.number == number))
    if case is None:
        refuse(404, reason="missing")
    if not can_see_case(current_user, case):
        refuse(404, reason="scope")
    return case
