"""The escalation list (督办): overdue open cases in an account's scope, by responsible unit.

The responsible unit is the one the case is assigned to, or else the unit it is about. The
counts come from one grouped query over the open cases past their due date, which the
partial index on the open cases' due dates serves (docs/performance.md); the very overdue
are those due before a day computed once, so no row counts working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import defer, selectinload

from portal.extensions import db
from portal.models import Case, Unit, User
from portal.policy import visible_cases
from portal.services import deadlines

#: The most cases one unit's list shows, oldest first.
CASES_SHOWN = 200


@dataclass(frozen=True)
class UnitOverdue:
    """How many of a unit's open cases are overdue, and since when."""

    unit: Unit
    overdue: int
    very_overdue: int
    #: The earliest due date among them: the case that has waited longest past its date.
    oldest_due_on: date


def responsible_unit_id() -> ColumnElement[int]:
    """Return the SQL expression of a case's responsible unit."""
    return func.coalesce(Case.assigned_unit_id, Case.unit_id)


def overdue_by_unit(user: User, today: date) -> list[UnitOverdue]:
    """Return the units with overdue cases in the account's scope, longest waiting first."""
    unit_id = responsible_unit_id().label("unit_id")
    very = Case.due_on < deadlines.very_overdue_before(today)
    query = (
        select(unit_id, func.count(), func.count().filter(very), func.min(Case.due_on))
        .where(visible_cases(user), *deadlines.overdue_conditions(today))
        .group_by(responsible_unit_id())
        .order_by(func.min(Case.due_on), responsible_unit_id())
    )
    rows = db.session.execute(query).all()
    ids = [row[0] for row in rows]
    units = {unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [
        UnitOverdue(units[unit], overdue, very_overdue, oldest)
        for unit, overdue, very_overdue, oldest in rows
    ]


def overdue_cases(user: User, unit: Unit, today: date) -> list[Case]:
    """Return the overdue cases in the account's scope a unit is responsible for, oldest first."""
    query = (
        select(Case)
        .options(defer(Case.body), selectinload(Case.unit), selectinload(Case.handler))
        .where(
            visible_cases(user),
            *deadlines.overdue_conditions(today),
            responsible_unit_id() == unit.id,
        )
        .order_by(Case.due_on, Case.id)
        .limit(CASES_SHOWN)
    )
    return list(db.session.scalars(query))
