"""The case page: facts, timeline, conversation, internal notes, and revealing contact details."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, g, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from moderation import console
from moderation.forms import show_error
from moderation.forms_case import ACTION_FORMS, AssignForm, CaseActionForm, NoteForm
from moderation.guard import requires
from moderation.loading import load_case
from portal.case_events import CASE_EVENT_LABELS
from portal.clock import local_today
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.i18n import current_language
from portal.models import ActorKind, Case
from portal.policy import Permission, can, handling_unit
from portal.services import cases, workflow
from portal.services.cases import CaseFile
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails, contact_details
from portal.services.queue import is_overdue

#: What each history event reads as; a status change also shows the old and new status.
EVENT_LABELS = {action: labels.staff for action, labels in CASE_EVENT_LABELS.items()}
ACTOR_LABELS = {
    ActorKind.REPORTER: _l("the reporter"),
    ActorKind.STAFF: _l("staff"),
    ActorKind.SYSTEM: _l("the system"),
}
SCORE_LABELS = {
    "score_fairness": _l("Fairness"),
    "score_style": _l("Work style"),
    "score_efficiency": _l("Efficiency"),
    "score_integrity": _l("Integrity"),
}


@dataclass(frozen=True)
class CasePanel:
    """A section that another area of the console adds to the case page."""

    template: str
    #: Return the panel's values for a case, or None to leave the panel out.
    values: Callable[[Case], dict | None]
    #: "main" (beside the facts) or "side" (beside the actions).
    column: str
    order: int


CASE_PANELS: list[CasePanel] = []


def add_case_panel(
    template: str, values: Callable[[Case], dict | None], column: str = "side", order: int = 50
) -> None:
    """Put a panel on the case page; its template reads ``panel_values``."""
    CASE_PANELS.append(CasePanel(template, values, column, order))
    CASE_PANELS.sort(key=lambda panel: panel.order)


#: Session key naming the case whose contact details the next page shows, once.
CONTACT_KEY = "console_contact"
#: Seconds the revealed details wait for the page that shows them.
CONTACT_SECONDS = 60


@console.get("/cases/<number>")
@requires(Permission.VIEW_CASES)
def case(number: str):
    """Show everything about a case and the actions the account may take on it now."""
    shown = load_case(number)
    return render_case(shown, contact=_revealed_contact(shown))


@console.post("/cases/<number>/notes")
@requires(Permission.WRITE_NOTES)
@keeps_text_on_csrf_failure
def add_note(number: str):
    """Add an internal note to a case; the reporter never sees it."""
    noted = load_case(number)
    form = NoteForm()
    if g.get("csrf_failed") or not form.validate():
        return render_case(noted, 400 if g.get("csrf_failed") else 422, posted=("note", form))
    try:
        cases.add_note(noted, current_user, form.body.data)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_case(noted, 422, posted=("note", form))
    db.session.commit()
    flash(_("The internal note is added."), "success")
    return redirect(url_for("console.case", number=noted.number), 303)


@console.post("/cases/<number>/contact")
@requires(Permission.VIEW_CONTACT)
def reveal_contact(number: str):
    """Open the reporter's contact details for the next page only; the reading is audited."""
    revealed = load_case(number)
    try:
        details = cases.reveal_contact(revealed, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("console.case", number=revealed.number), 303)
    db.session.commit()
    if details is None:
        flash(_("The reporter left no contact details."), "info")
    else:
        session[CONTACT_KEY] = {"number": revealed.number, "until": time.time() + CONTACT_SECONDS}
    return redirect(url_for("console.case", number=revealed.number), 303)


def _revealed_contact(shown: Case) -> ContactDetails | None:
    """Return the contact details revealed for this page by the POST just before, once."""
    flag = session.pop(CONTACT_KEY, None)
    if not isinstance(flag, dict) or flag.get("number") != shown.number:
        return None
    if flag.get("until", 0) < time.time() or not can(current_user, Permission.VIEW_CONTACT):
        return None
    return contact_details(shown)


def offered_actions(shown: Case) -> list[str]:
    """Return the actions the account may take now ("reassign" is offered as "assign")."""
    names = (
        "assign" if a == "reassign" else a for a in workflow.allowed_actions(shown, current_user)
    )
    return list(dict.fromkeys(names))


def prepare_form(form: FlaskForm, shown: Case | None = None) -> FlaskForm:
    """Give an assignment form the units and handlers the account may choose.

    For a case, only those recusal lets handle it, the case's handling unit suggested when
    the case has no unit yet; a posted form keeps the whole scope, so that the workflow
    says why a unit it refuses is refused.
    """
    if isinstance(form, AssignForm):
        units = cases.assignable_units(current_user, shown)
        handlers = cases.possible_handlers(current_user, shown)
        form.set_choices(units, handlers, current_language())
        if shown is not None and form.unit.data is None:
            suggested = handling_unit(shown)
            form.unit.data = suggested.id if suggested in units else None
    return form


def _blank_form(action: str, shown: Case, file: CaseFile) -> CaseActionForm:
    seen = {"version": shown.version, "seen_event_id": file.last_event_id}
    if action == "assign":
        seen.update(unit=shown.assigned_unit_id, handler=shown.handler_id)
    return prepare_form(ACTION_FORMS[action](formdata=None, **seen), shown)


def render_case(
    shown: Case,
    status: int = 200,
    posted: tuple[str, FlaskForm] | None = None,
    changed_since: int | None = None,
    message: str | None = None,
    contact: ContactDetails | None = None,
):
    """Render the case page; a form posted in vain comes back with its text and errors."""
    file = cases.case_file(shown, viewer=current_user)
    forms = {action: _blank_form(action, shown, file) for action in offered_actions(shown)}
    note_form = NoteForm(formdata=None)
    if posted is not None and posted[0] == "note":
        note_form = posted[1]
    elif posted is not None:
        action, form = posted
        # Sent again after reading the changes, the form must carry what is now current.
        form.version.data, form.seen_event_id.data = shown.version, file.last_event_id
        forms[action] = form
    panels = [(panel, values) for panel in CASE_PANELS if (values := panel.values(shown))]
    page = render_template(
        "moderation/case.html",
        case=shown,
        panels=panels,
        file=file,
        forms=forms,
        note_form=note_form,
        contact=contact,
        changed_since=changed_since,
        message=message,
        overdue=is_overdue(shown, local_today()),
        event_label=lambda action: EVENT_LABELS.get(action, action),
        actor_label=ACTOR_LABELS.get,
        score_labels=SCORE_LABELS,
        can_view_contact=can(current_user, Permission.VIEW_CONTACT),
        can_write_notes=can(current_user, Permission.WRITE_NOTES),
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"  # reporters' text and, once, their contact
    return response
