"""The case queue: filters, search, keyset pages and bulk assignment."""

from __future__ import annotations

from collections import defaultdict

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from moderation import console
from moderation.forms_queue import BulkAssignForm, QueueFilterForm
from moderation.guard import add_nav_item, requires
from portal.extensions import db
from portal.forms import optional_id
from portal.i18n import current_language
from portal.models import Category, Unit, User
from portal.policy import Permission, can
from portal.services.cases import assignable_units, possible_handlers
from portal.services.queue import AssignOutcome, AssignResult, bulk_assign, queue_page

#: What the flash of each outcome says, followed by the case numbers.
OUTCOME_MESSAGES = {
    AssignOutcome.ASSIGNED: (_l("Assigned: %(numbers)s."), "success"),
    AssignOutcome.UNCHANGED: (
        _l("Already assigned there, left as they were: %(numbers)s."),
        "info",
    ),
    AssignOutcome.STALE: (
        _l("Changed by someone else since the list was shown, left alone: %(numbers)s."),
        "warning",
    ),
    AssignOutcome.REFUSED: (_l("Not assigned (%(reason)s): %(numbers)s."), "error"),
}


@console.get("/cases")
@requires(Permission.VIEW_CASES)
def queue():
    """List the cases in the account's scope, filtered and searched, newest first."""
    form = QueueFilterForm(formdata=request.args)
    units = assignable_units(current_user)
    categories = db.session.scalars(select(Category).order_by(Category.sort_order)).all()
    form.set_choices(categories, units, current_language())
    valid = form.validate()
    page = None
    if valid:
        after, before = (request.args.get(key, type=optional_id) for key in ("after", "before"))
        page = queue_page(current_user, form.queue_filter(), after=after, before=before)
    html = render_template(
        "moderation/queue.html",
        form=form,
        page=page,
        assign_form=_assign_form(units),
        filters={k: v for k, v in request.args.items() if k not in ("after", "before")},
    )
    response = make_response(html, 200 if valid else 400)
    response.headers["Cache-Control"] = "no-store"
    return response


def _assign_form(units: list[Unit]) -> BulkAssignForm | None:
    """Return the bulk assignment form, for accounts that may assign."""
    if not can(current_user, Permission.TRIAGE):
        return None
    form = BulkAssignForm(formdata=None)
    form.set_choices(units, possible_handlers(current_user), current_language())
    return form


@console.post("/cases/assign")
@requires(Permission.TRIAGE)
def assign_cases():
    """Assign the ticked cases to a unit (and handler), then show the same page again."""
    form = BulkAssignForm()
    form.set_choices(
        assignable_units(current_user), possible_handlers(current_user), current_language()
    )
    back = redirect(url_for("console.queue", **request.args), 303)
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return back
    unit = db.session.get(Unit, form.unit.data)
    handler = db.session.get(User, form.handler.data) if form.handler.data else None
    results = bulk_assign(current_user, form.items(), unit, handler)
    db.session.commit()
    _flash_outcomes(results)
    return back


def _flash_outcomes(results: list[AssignResult]) -> None:
    """Flash one message per outcome (and per refusal reason), naming the cases."""
    groups: dict[tuple[AssignOutcome, str], list[str]] = defaultdict(list)
    for result in results:
        groups[(result.outcome, result.message)].append(result.number)
    order = list(AssignOutcome)
    for (outcome, reason), numbers in sorted(groups.items(), key=lambda g: order.index(g[0][0])):
        message, category = OUTCOME_MESSAGES[outcome]
        flash(message % {"numbers": ", ".join(numbers), "reason": reason}, category)


add_nav_item("console.queue", _l("Cases"), Permission.VIEW_CASES, order=20)
