"""The workflow's actions on the case page: one POST route per action, one view for all.

A form whose case changed meanwhile comes back with status 409, the changes highlighted and
the typed text kept; a refusal of the workflow comes back with 422 and its message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, g, redirect, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.cases import prepare_form, render_case
from moderation.forms import show_error
from moderation.forms_case import ACTION_FORMS
from moderation.guard import requires
from moderation.loading import load_case
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import Case, RejectionReason, Unit, User
from portal.services import workflow
from portal.services.cases import find_case
from portal.services.errors import DomainError


@dataclass(frozen=True)
class Action:
    """How an action's form becomes a call of the workflow, and what success says."""

    run: Callable[[Case, object], bool]
    done: LazyString


def _merge(case: Case, form) -> bool:
    master = find_case(form.master.data)
    if master is None:
        raise DomainError(_l("There is no case with that number."), field="master")
    return workflow.merge_case(case, current_user, form.version.data, master)


def _assign(case: Case, form) -> bool:
    unit = db.session.get(Unit, form.unit.data)
    handler = db.session.get(User, form.handler.data) if form.handler.data else None
    return workflow.assign_case(case, current_user, form.version.data, unit, handler)


W = workflow
ACTIONS: dict[str, Action] = {
    "accept": Action(
        lambda c, f: W.accept_case(c, current_user, f.version.data), _l("The case is accepted.")
    ),
    "reject": Action(
        lambda c, f: W.reject_case(
            c, current_user, f.version.data, RejectionReason(f.reason.data), f.explanation.data
        ),
        _l("The case is not accepted; the reporter can read why."),
    ),
    "assign": Action(_assign, _l("The case is assigned.")),
    "start": Action(
        lambda c, f: W.start_case(c, current_user, f.version.data), _l("Handling has started.")
    ),
    "answer": Action(
        lambda c, f: W.answer_case(c, current_user, f.version.data, f.answer.data),
        _l("The answer is sent; the reporter reads it on their track page."),
    ),
    "close": Action(
        lambda c, f: W.close_case(c, current_user, f.version.data), _l("The case is closed.")
    ),
    "reopen": Action(
        lambda c, f: W.reopen_case(c, current_user, f.version.data, f.reason.data),
        _l("The case is reopened."),
    ),
    "merge": Action(_merge, _l("The case is merged into its master case.")),
}


def act(number: str, action: str):
    """Apply one workflow action to a case, posted from the case page."""
    case = load_case(number)
    form = prepare_form(ACTION_FORMS[action]())
    if g.get("csrf_failed") or not form.validate():
        return render_case(case, 400 if g.get("csrf_failed") else 422, posted=(action, form))
    try:
        changed = ACTIONS[action].run(case, form)
    except workflow.StaleCase as error:
        db.session.rollback()  # nothing of this request is kept; the case reloads as it is now
        seen = form.seen_event_id.data
        return render_case(case, 409, (action, form), changed_since=seen, message=error.message)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_case(case, 422, posted=(action, form))
    db.session.commit()
    flash(ACTIONS[action].done if changed else _l("Nothing changed."), "success")
    return redirect(url_for("console.case", number=case.number), 303)


def _action_view(action: str) -> Callable:
    def view(number: str):
        return act(number, action)

    view.__name__ = f"case_{action}"
    view.__doc__ = f"Apply the {action!r} action to a case."
    return requires(workflow.ACTION_PERMISSIONS[action])(keeps_text_on_csrf_failure(view))


for _action in ACTIONS:
    console.add_url_rule(
        f"/cases/<number>/{_action}",
        endpoint=f"case_{_action}",
        view_func=_action_view(_action),
        methods=["POST"],
    )
