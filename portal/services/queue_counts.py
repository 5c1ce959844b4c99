"""The counts on the console's first page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.clock import local_today
from portal.extensions import db
from portal.models import Case, CaseStatus, User, is_open
from portal.policy import visible_cases
from portal.services import deadlines


@dataclass(frozen=True)
class WorkCounts:
    """How much work waits: new cases, cases assigned to me, overdue and very overdue cases."""

    new: int
    mine: int
    overdue: int
    very_overdue: int


def my_work_counts(user: User) -> WorkCounts:
    """Count the new, my own and the overdue cases within the account's scope."""
    scope, today = visible_cases(user), local_today()

    def count(*conditions) -> int:
        return db.session.scalar(select(func.count(Case.id)).where(scope, *conditions))

    return WorkCounts(
        new=count(Case.status == CaseStatus.RECEIVED),
        mine=count(Case.handler_id == user.id, is_open()),
        overdue=count(*deadlines.overdue_conditions(today)),
        very_overdue=count(*deadlines.very_overdue_conditions(today)),
    )
