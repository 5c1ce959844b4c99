"""The escalation list: overdue cases in the account's scope by responsible unit, and per unit."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.guard import add_nav_item, refuse, requires
from portal.clock import local_today
from portal.extensions import db
from portal.models import Unit
from portal.policy import Permission, unit_in_scope
from portal.services import deadlines, escalation


@console.get("/overdue")
@requires(Permission.VIEW_ESCALATION)
def overdue():
    """List the units with overdue cases in the account's scope, longest waiting first."""
    today = local_today()
    return render_template(
        "moderation/escalation.html",
        units=escalation.overdue_by_unit(current_user, today),
        very_overdue_before=deadlines.very_overdue_before(today),
    )


@console.get("/overdue/<int:unit_id>")
@requires(Permission.VIEW_ESCALATION)
def overdue_of_unit(unit_id: int):
    """List the overdue cases a unit is responsible for, oldest first, with their lateness."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        refuse(404, reason="missing")
    today = local_today()
    cases = escalation.overdue_cases(current_user, unit, today)
    # A unit outside the scope is shown only for the cases in scope it is responsible for.
    if not cases and not unit_in_scope(current_user, unit):
        refuse(404, reason="scope")
    return render_template(
        "moderation/escalation_unit.html",
        unit=unit,
        cases=cases,
        clocks={case.id: deadlines.case_clock(case, today) for case in cases},
        shown_at_most=escalation.CASES_SHOWN,
    )


add_nav_item("console.overdue", _l("Overdue"), Permission.VIEW_ESCALATION, order=45)
