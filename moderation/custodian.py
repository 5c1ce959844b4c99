"""The custodians' workspace: the requests to read sealed identities, approved or denied.

A custodian sees no case page: each request comes with the facts needed to judge it, the
reporter's own words redacted, and never the identity itself.
"""

from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.dashboard import add_dashboard_panel
from moderation.forms import show_error
from moderation.forms_identity import DecisionForm
from moderation.guard import add_nav_item, requires
from moderation.loading import load_or_404
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import IdentityRequest, User
from portal.policy import Permission, can, may_decide_identity
from portal.services import identity
from portal.services.errors import DomainError
from portal.services.redaction import reporter_redactor


@console.get("/identity-requests")
@requires(Permission.DECIDE_IDENTITY)
def identity_requests():
    """List the requests waiting for a decision, with what a custodian needs to judge them."""
    return _requests_page()


@console.post("/identity-requests/<int:request_id>")
@requires(Permission.DECIDE_IDENTITY)
@keeps_text_on_csrf_failure
def decide_identity_request(request_id: int):
    """Approve or deny a request to read a reporter's identity; a denial says why."""
    waiting = _load_request(request_id)
    form = DecisionForm(prefix=_prefix(waiting))
    if g.get("csrf_failed") or not form.validate():
        return _requests_page({waiting.id: form}, 400 if g.get("csrf_failed") else 422)
    try:
        identity.decide_request(waiting, current_user, form.approves, form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        if error.field is None:  # decided meanwhile, or not for this custodian: no form to fix
            flash(str(error.message), "error")
            return redirect(url_for("console.identity_requests"), 303)
        show_error(form, error)
        return _requests_page({waiting.id: form}, 422)
    db.session.commit()
    if form.approves:
        flash(_("Approved: the requester may now read the identity."), "success")
    else:
        flash(_("Denied: the requester reads your reason; the identity stays sealed."), "success")
    return redirect(url_for("console.identity_requests"), 303)


def _load_request(request_id: int) -> IdentityRequest:
    """Return a request the custodian may decide on; else answer 404."""
    return load_or_404(
        IdentityRequest, request_id, lambda found: may_decide_identity(current_user, found.case)
    )


def _prefix(request: IdentityRequest) -> str:
    return f"request-{request.id}"


def _requests_page(posted: dict[int, DecisionForm] | None = None, status: int = 200):
    """Render the waiting requests, each with its form (a form posted in vain keeps its text)."""
    pending = identity.pending_requests(current_user)
    posted = posted or {}
    forms = {
        r.id: posted.get(r.id) or DecisionForm(formdata=None, prefix=_prefix(r)) for r in pending
    }
    page = render_template(
        "moderation/custodian.html",
        pending=pending,
        forms=forms,
        texts={r.id: _redacted(r) for r in pending},
        decided=identity.recent_decisions(current_user),
        limit=identity.PENDING_LIMIT,
    )
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _redacted(request: IdentityRequest) -> tuple[str, str]:
    """Return the case's title and text with the reporter's details blanked."""
    redact = reporter_redactor(request.case)
    return redact(request.case.title), redact(request.case.body)


def _dashboard_values(user: User) -> dict | None:
    if not can(user, Permission.DECIDE_IDENTITY):
        return None
    return {"pending": identity.count_pending(user)}


add_nav_item("console.identity_requests", _l("Identity requests"), Permission.DECIDE_IDENTITY, 40)
add_dashboard_panel("moderation/_custodian_dashboard.html", _dashboard_values, order=40)
