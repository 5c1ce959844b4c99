"""The case's clock on its page, extensions asked for there, and the superiors' list to decide.

A request sent in vain comes back on the case page with its text kept; a decision is a
button, answered with a flash on the page it was taken from, or, sent in vain, shown again
there with its note.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.cases import add_case_panel, render_case
from moderation.forms import show_error
from moderation.forms_clock import ExtensionDecisionForm, ExtensionRequestForm
from moderation.guard import add_nav_item, requires
from moderation.loading import load_case, load_or_404
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import Case, CaseExtension, RequestStatus
from portal.policy import Permission, can, can_see_case
from portal.services import deadlines, extensions
from portal.services.errors import DomainError

#: ``flask.g`` keys of a request and a decision sent in vain, which the clock panel shows again.
POSTED_KEY, DECISION_KEY = "extension_form", "extension_decision_form"


def clock_panel(case: Case) -> dict | None:
    """Return the clock panel's values: the deadline, its marks, the extensions."""
    clock = deadlines.case_clock(case)
    history = extensions.case_extensions(case)
    if clock is None and not history:
        return None
    pending = next((e for e in history if e.status == RequestStatus.PENDING), None)
    request_form = decision_form = None
    if clock is not None and pending is None and can(current_user, Permission.REQUEST_EXTENSION):
        request_form = g.get(POSTED_KEY) or ExtensionRequestForm(formdata=None)
    if pending is not None and extensions.may_decide(current_user, pending):
        decision_form = g.get(DECISION_KEY) or ExtensionDecisionForm(formdata=None)
    return {
        "clock": clock,
        "extensions": history,
        "pending": pending,
        "request_form": request_form,
        "decision_form": decision_form,
    }


add_case_panel("moderation/_case_clock.html", clock_panel, column="side", order=10)


@console.post("/cases/<number>/extensions")
@requires(Permission.REQUEST_EXTENSION)
@keeps_text_on_csrf_failure
def request_extension(number: str):
    """Ask a superior for more working days on the case's deadline."""
    case = load_case(number)
    form = ExtensionRequestForm()
    if g.get("csrf_failed") or not form.validate():
        return _shown_again(case, form, 400 if g.get("csrf_failed") else 422)
    try:
        extensions.request_extension(case, current_user, form.working_days.data, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _shown_again(case, form, 422)
    db.session.commit()
    flash(_("The extension is asked for; a superior will decide it."), "success")
    return redirect(url_for("console.case", number=case.number), 303)


@console.post("/extensions/<int:extension_id>")
@requires(Permission.DECIDE_EXTENSION)
def decide_extension(extension_id: int):
    """Approve or deny an extension asked for lower in the tree."""
    extension = _load_extension(extension_id)
    form = ExtensionDecisionForm()
    back = _back(form, extension)
    if not form.validate():
        if form.decision.errors or form.back.errors:
            form.form_errors.append(_("The decision could not be read. Please try again."))
        return _decision_shown_again(extension, form)
    approve = form.decision.data == "approve"
    decide = extensions.approve_extension if approve else extensions.deny_extension
    try:
        decide(extension, current_user, form.note.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return back
    db.session.commit()
    flash(_("The extension is approved.") if approve else _("The extension is denied."), "success")
    return back


@console.get("/extensions")
@requires(Permission.DECIDE_EXTENSION)
def pending_extensions():
    """List the extensions waiting for the signed-in account's decision."""
    return _extension_list()


def _shown_again(case: Case, form: ExtensionRequestForm, status: int):
    setattr(g, POSTED_KEY, form)
    return render_case(case, status)


def _decision_shown_again(extension: CaseExtension, form: ExtensionDecisionForm):
    """Show a decision sent in vain again, with its note, where it was taken."""
    if form.back.data == "list":
        return _extension_list(posted={extension.id: form}), 422
    setattr(g, DECISION_KEY, form)
    return render_case(extension.case, 422)


def _extension_list(posted: dict[int, ExtensionDecisionForm] | None = None) -> str:
    """Render the extensions waiting for the account; a decision sent in vain shows its own."""
    pending = extensions.extensions_to_decide(current_user)
    return render_template("moderation/extensions.html", pending=pending, posted=posted or {})


def _load_extension(extension_id: int) -> CaseExtension:
    """Return an extension whose case the account may see; any other answers 404."""
    return load_or_404(
        CaseExtension, extension_id, lambda found: can_see_case(current_user, found.case)
    )


def _back(form: ExtensionDecisionForm, extension: CaseExtension):
    if form.back.data == "list":
        return redirect(url_for("console.pending_extensions"), 303)
    return redirect(url_for("console.case", number=extension.case.number), 303)


add_nav_item("console.pending_extensions", _l("Extensions"), Permission.DECIDE_EXTENSION, order=40)
