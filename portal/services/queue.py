"""The case queue: filters, search, keyset pages, and assigning many cases at once.

Pages are cut by keyset on ``Case.id`` (newest first), never by OFFSET: a deep page costs the
same as the first one, and cases arriving meanwhile neither shift nor repeat rows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import defer, selectinload

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    OPEN_STATUSES,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    HandlingFeedback,
    Satisfaction,
    Unit,
    User,
)
from portal.policy import can_see_case, visible_cases
from portal.services import deadlines, workflow
from portal.services.errors import DomainError
from portal.services.search import search_cases

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    """What the queue is narrowed to; an empty filter shows every case in scope."""

    status: CaseStatus | None = None
    channel: Channel | None = None
    kind: CaseKind | None = None
    category_id: int | None = None
    #: The root of a unit subtree: cases about it or assigned to it.
    unit_id: int | None = None
    overdue: bool = False
    mine: bool = False
    #: Cases whose reporter judged an answer dissatisfying.
    dissatisfied: bool = False
    text: str = ""


@dataclass
class Page:
    """One page of the queue, newest first, with the cursors to its neighbours."""

    cases: list[Case]
    #: Pass as ``after`` for the next (older) page, or None on the last page.
    after: int | None = None
    #: Pass as ``before`` for the previous (newer) page, or None on the first page.
    before: int | None = None
    today: date = field(default_factory=date.today)
    #: An open case due before this day is very overdue (computed once for the page).
    very_overdue_before: date | None = None

    def is_overdue(self, case: Case) -> bool:
        """Tell whether an open case of the page is past its due date."""
        return is_overdue(case, self.today)

    def clock_runs(self, case: Case) -> bool:
        """Tell whether a case of the page is open with a due date (a finished one keeps its)."""
        return case.status in OPEN_STATUSES and case.due_on is not None

    def is_very_overdue(self, case: Case) -> bool:
        """Tell whether an open case of the page is very overdue."""
        cutoff = self.very_overdue_before
        return cutoff is not None and is_overdue(case, cutoff)


def is_overdue(case: Case, today: date) -> bool:
    """Tell whether a case is still open past its due date."""
    return case.status in OPEN_STATUSES and case.due_on is not None and case.due_on < today


def filter_conditions(user: User, queue_filter: QueueFilter) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the account's scope and of a filter."""
    f = queue_filter
    conditions = [visible_cases(user)]
    simple = {Case.status: f.status, Case.channel: f.channel, Case.kind: f.kind}
    conditions += [column == value for column, value in simple.items() if value is not None]
    if f.category_id is not None:
        conditions.append(Case.category_id == f.category_id)
    if f.unit_id is not None:
        conditions.append(_in_subtree(f.unit_id))
    if f.overdue:
        conditions += deadlines.overdue_conditions(local_today())
    if f.mine:
        conditions.append(Case.handler_id == user.id)
    if f.dissatisfied:
        judged = select(HandlingFeedback.case_id).where(
            HandlingFeedback.satisfaction == Satisfaction.DISSATISFIED
        )
        conditions.append(Case.id.in_(judged))
    return conditions


def _in_subtree(unit_id: int) -> ColumnElement[bool]:
    """Select cases about, or assigned to, a unit or any unit below it."""
    root = db.session.get(Unit, unit_id)
    if root is None:
        return Case.id.is_(None)
    # The ids are read first and sent as literals: the planner then knows how many cases
    # they hold (column statistics), which a subquery would hide from it.
    ids = db.session.scalars(
        select(Unit.id).where(Unit.path.startswith(root.path, autoescape=True))
    ).all()
    return or_(Case.unit_id.in_(ids), Case.assigned_unit_id.in_(ids))


def queue_query(
    user: User, queue_filter: QueueFilter, after: int | None = None, before: int | None = None
) -> Select:
    """Return the query of one page (one row more than a page, to tell if more follow)."""
    query, key = select(Case).where(*filter_conditions(user, queue_filter)), Case.id
    if queue_filter.text.strip():
        query, key = search_cases(query, queue_filter.text)
    if before is not None:
        return query.where(key > before).order_by(key.asc()).limit(PAGE_SIZE + 1)
    if after is not None:
        query = query.where(key < after)
    return query.order_by(key.desc()).limit(PAGE_SIZE + 1)


def queue_page(
    user: User, queue_filter: QueueFilter, after: int | None = None, before: int | None = None
) -> Page:
    """Return a page of the cases in the account's scope that pass the filter, newest first."""
    query = queue_query(user, queue_filter, after, before).options(
        defer(Case.body),
        selectinload(Case.unit),
        selectinload(Case.assigned_unit),
        selectinload(Case.category),
        selectinload(Case.handler),
    )
    rows = list(db.session.scalars(query))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if before is not None:
        rows.reverse()
        newer, older = more, True
    else:
        newer, older = after is not None, more
    today = local_today()
    page = Page(rows, today=today, very_overdue_before=deadlines.very_overdue_before(today))
    if rows:
        page.after = rows[-1].id if older else None
        page.before = rows[0].id if newer else None
    return page


class AssignOutcome(enum.StrEnum):
    """What became of one case of a bulk assignment."""

    ASSIGNED = "assigned"
    #: Already with that unit and handler: nothing to do.
    UNCHANGED = "unchanged"
    #: Someone changed the case since the page was shown: left alone.
    STALE = "stale"
    #: The workflow, the account's role or its scope does not allow it.
    REFUSED = "refused"


@dataclass(frozen=True)
class AssignResult:
    """The outcome for one case of a bulk assignment, and why, when it was refused."""

    number: str
    outcome: AssignOutcome
    message: str = ""


def bulk_assign(
    user: User, items: list[tuple[str, int]], unit: Unit, handler: User | None = None
) -> list[AssignResult]:
    """Assign each (case number, version seen) to a unit, each on its own; report every case."""
    items = list(dict(items).items())  # a number ticked twice is assigned once
    numbers = [number for number, _version in items]
    found = db.session.scalars(select(Case).where(Case.number.in_(numbers)))
    cases = {case.number: case for case in found}
    return [
        _assign_one(user, cases.get(number), number, version, unit, handler)
        for number, version in items
    ]


def _assign_one(
    user: User, case: Case | None, number: str, version: int, unit: Unit, handler: User | None
) -> AssignResult:
    if case is None or not can_see_case(user, case):
        return AssignResult(number, AssignOutcome.REFUSED, str(_l("There is no such case.")))
    if (
        case.status in (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)
        and case.assigned_unit_id == unit.id
        and case.handler_id == (handler.id if handler else None)
    ):
        return AssignResult(number, AssignOutcome.UNCHANGED)
    # Each case in its own savepoint: one refusal or conflict must not undo the others.
    savepoint = db.session.begin_nested()
    try:
        workflow.assign_case(case, user, version, unit, handler)
    except workflow.StaleCase:
        savepoint.rollback()
        return AssignResult(number, AssignOutcome.STALE)
    except DomainError as error:
        savepoint.rollback()
        return AssignResult(number, AssignOutcome.REFUSED, str(error.message))
    savepoint.commit()
    return AssignResult(number, AssignOutcome.ASSIGNED)
