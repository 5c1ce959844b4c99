"""The sealed identity on the case page: asking a custodian, and reading it once approved.

A reading is a POST, audited, that lets the next page show the identity once (as revealing
a named reporter's contact details does): never in a URL, never kept by a cache.
"""

from __future__ import annotations

import time

from flask import flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from moderation import console
from moderation.cases import add_case_panel, render_case
from moderation.forms import show_error
from moderation.forms_identity import IdentityRequestForm
from moderation.guard import requires
from moderation.loading import load_case, load_or_404
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import Case, IdentityRequest, ReporterMode, RequestStatus
from portal.policy import Permission, can_see_case
from portal.services import identity
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails

#: Session key naming the request whose identity the next page shows, once.
IDENTITY_KEY = "console_identity"
#: Seconds the identity read waits for the page that shows it.
IDENTITY_SECONDS = 60


@console.post("/cases/<number>/identity")
@requires(Permission.REQUEST_IDENTITY)
@keeps_text_on_csrf_failure
def request_identity(number: str):
    """Ask a custodian to open a confidential reporter's identity, saying why."""
    case = load_case(number)
    form = g.identity_form = IdentityRequestForm()
    if g.get("csrf_failed") or not form.validate():
        return render_case(case, 400 if g.get("csrf_failed") else 422)
    try:
        identity.request_identity(case, current_user, form.motivation.data)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_case(case, 422)
    db.session.commit()
    flash(
        _("Your request is filed. A custodian decides on it; the decision shows here."), "success"
    )
    return redirect(url_for("console.case", number=case.number), 303)


@console.post("/identity/<int:request_id>/read")
@requires(Permission.REQUEST_IDENTITY)
def read_identity(request_id: int):
    """Read the identity under an approved request, on the next page only; it is audited."""
    approved = _load_request(request_id)
    number = approved.case.number
    try:
        identity.read_identity(approved, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        session[IDENTITY_KEY] = {"request": request_id, "until": time.time() + IDENTITY_SECONDS}
    return redirect(url_for("console.case", number=number), 303)


def _load_request(request_id: int) -> IdentityRequest:
    """Return a request whose case the account may open; else answer 404."""
    return load_or_404(
        IdentityRequest, request_id, lambda found: can_see_case(current_user, found.case)
    )


def identity_panel(case: Case) -> dict | None:
    """Return the values of the case page's sealed identity panel, for confidential cases."""
    if case.reporter_mode != ReporterMode.CONFIDENTIAL:
        return None
    requests = identity.requests_for(case)
    readable = identity.readable_request(current_user, case)
    form = g.get("identity_form")
    waiting = any(r.status == RequestStatus.PENDING for r in requests)
    if form is None and not (waiting or readable) and identity.may_request(current_user, case):
        form = IdentityRequestForm(formdata=None)
    return {
        "requests": requests,
        "readable": readable,
        "ends_at": identity.access_ends_at(readable) if readable else None,
        "form": form,
        "shown": _shown_identity(case),
    }


def _shown_identity(case: Case) -> ContactDetails | None:
    """Return the identity read by the POST just before, once, while the approval holds."""
    if request.method != "GET":
        return None
    flag = session.pop(IDENTITY_KEY, None)
    if not isinstance(flag, dict) or flag.get("until", 0) < time.time():
        return None
    read = db.session.get(IdentityRequest, flag.get("request") or 0)
    if read is None or read.case_id != case.id:
        return None
    try:
        return identity.shown_identity(read, current_user)
    except DomainError:
        return None


add_case_panel("moderation/_case_identity.html", identity_panel, column="side", order=20)
