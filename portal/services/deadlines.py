"""Working-day clocks: the rule that sets a case's deadline, the day it falls on, how late it is.

Deadlines count working days on the official calendar (:mod:`portal.workdays`). A received
case is on the clock to be accepted or not; an accepted (or reopened) one, to be answered.
An open case is overdue once its due date has passed, and very overdue once more than
``VERY_OVERDUE_WORKING_DAYS`` working days have passed since. A finished case keeps its due
date but is never overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, g
from sqlalchemy import ColumnElement, select

from portal.clock import local_today
from portal.extensions import db
from portal.models import Case, CaseKind, CaseStatus, Channel, ClockStage, DeadlineRule, is_open
from portal.workdays import calendar

#: The clock each open status runs; the other statuses run none.
STAGE_OF_STATUS = {
    CaseStatus.RECEIVED: ClockStage.ACCEPT,
    CaseStatus.ACCEPTED: ClockStage.ANSWER,
    CaseStatus.ASSIGNED: ClockStage.ANSWER,
    CaseStatus.IN_PROGRESS: ClockStage.ANSWER,
}
#: Where the rules of the current request are kept (``flask.g``).
RULES_KEY = "deadline_rules"


def rules() -> list[DeadlineRule]:
    """Return every deadline rule, read once per request: administrators change them."""
    if RULES_KEY not in g:
        query = select(DeadlineRule).order_by(DeadlineRule.stage, DeadlineRule.id)
        setattr(g, RULES_KEY, list(db.session.scalars(query)))
    return getattr(g, RULES_KEY)


def forget_rules() -> None:
    """Drop the rules read by this request, after one of them changed."""
    g.pop(RULES_KEY, None)


def rule_for(stage: ClockStage, kind: CaseKind, channel: Channel) -> DeadlineRule:
    """Return the most specific rule of a stage for a case of this kind and channel."""
    fitting = [
        rule
        for rule in rules()
        if rule.stage == stage and rule.kind in (None, kind) and rule.channel in (None, channel)
    ]
    best = max(fitting, key=lambda rule: rule.specificity, default=None)
    if best is None:  # the defaults cannot be deleted: only a damaged table gets here
        raise LookupError(f"No deadline rule applies to the {stage.value} stage")
    return best


def stage_of(status: CaseStatus) -> ClockStage | None:
    """Return the stage whose clock runs for a status, or None for a finished case."""
    return STAGE_OF_STATUS.get(status)


def due_date(stage: ClockStage, case: Case, start: date) -> date:
    """Return the day a stage of the case is due, counting working days after ``start``."""
    days = rule_for(stage, case.kind, case.channel).working_days
    return calendar().add_working_days(start, days)


def restarted_due_on(case: Case, status: CaseStatus, start: date | None = None) -> date | None:
    """Return the due date of the clock a case starts afresh on reaching a status.

    A status that runs no clock keeps the case's due date as it was.
    """
    stage = stage_of(status)
    if stage is None:
        return case.due_on
    return due_date(stage, case, start or local_today())


def very_overdue_before(today: date) -> date:
    """Return the day before which the due date of an open case makes it very overdue.

    More than N working days after the due date, up to today, is the same as a due date
    before the (N+1)-th working day counted back from today, today included. Computed once
    per page, so that the database compares dates and never counts working days per row.
    """
    cal = calendar()
    wanted = current_app.config["VERY_OVERDUE_WORKING_DAYS"] + 1
    day = today
    while True:
        if cal.is_working_day(day):
            wanted -= 1
            if wanted == 0:
                return day
        day -= timedelta(days=1)


def overdue_conditions(today: date) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of an overdue case: open, and past its due date."""
    return [is_open(), Case.due_on < today]


def very_overdue_conditions(today: date) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of a very overdue case."""
    return [is_open(), Case.due_on < very_overdue_before(today)]


@dataclass(frozen=True)
class Clock:
    """Where an open case stands against its deadline, in working days."""

    stage: ClockStage
    due_on: date
    #: Working days after today up to the due date; 0 on the due date and after it.
    days_left: int
    #: Working days after the due date up to today; 0 until the due date has passed.
    days_late: int
    overdue: bool
    very_overdue: bool


def case_clock(case: Case, today: date | None = None) -> Clock | None:
    """Return the clock of an open case, or None when no clock runs for it."""
    stage = stage_of(case.status)
    if stage is None or case.due_on is None:
        return None
    today = today or local_today()
    cal, due = calendar(), case.due_on
    late = cal.working_days_between(due, today) if due < today else 0
    return Clock(
        stage=stage,
        due_on=due,
        days_left=cal.working_days_between(today, due) if due > today else 0,
        days_late=late,
        overdue=due < today,
        very_overdue=due < very_overdue_before(today),
    )


def missing_schedules(today: date | None = None) -> list[int]:
    """Return this year and next if their official holiday schedule is not on file."""
    year = (today or local_today()).year
    return [y for y in (year, year + 1) if not calendar().knows(y)]
