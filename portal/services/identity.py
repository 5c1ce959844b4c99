"""Sealed identities: a confidential reporter's details open only through an approved request.

A handler files a motivated request; a custodian, never the requester (four eyes), approves
or denies it with a reason the handler reads. After an approval only the requester may read
the identity, for ``IDENTITY_ACCESS_DAYS``, and every reading is audited. The first reading
tells the reporter, on their track page, when and by which unit their identity was opened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (
    ActorKind,
    Case,
    CaseEvent,
    IdentityRequest,
    ReporterMode,
    RequestStatus,
    User,
    utcnow,
)
from portal.policy import (
    Permission,
    can,
    can_see_case,
    decidable_cases,
    may_decide_identity,
)
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails, contact_details
from portal.services.workflow import PermissionDenied

TEXT_MAX = 2000
#: How many waiting requests the custodian's page lists, oldest first.
PENDING_LIMIT = 100

ALREADY_PENDING = _l("A request for this reporter's identity already waits for a custodian.")


def may_request(user: User, case: Case) -> bool:
    """Tell whether the account may ask to open the identity of a case's reporter."""
    return (
        case.reporter_mode == ReporterMode.CONFIDENTIAL
        and can(user, Permission.REQUEST_IDENTITY)
        and can_see_case(user, case)
    )


def requests_for(case: Case) -> list[IdentityRequest]:
    """Return a case's identity requests, newest first, with who asked and who decided."""
    query = (
        select(IdentityRequest)
        .options(
            joinedload(IdentityRequest.requested_by),
            joinedload(IdentityRequest.requester_unit),
            joinedload(IdentityRequest.decided_by),
        )
        .where(IdentityRequest.case_id == case.id)
        .order_by(IdentityRequest.id.desc())
    )
    return list(db.session.scalars(query))


def request_identity(case: Case, actor: User, motivation: str) -> IdentityRequest:
    """File a motivated request to read a confidential reporter's identity, and audit it."""
    if not (can(actor, Permission.REQUEST_IDENTITY) and can_see_case(actor, case)):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    if case.reporter_mode != ReporterMode.CONFIDENTIAL:
        raise DomainError(_l("Only a confidential reporter's identity is sealed."))
    motivation = _checked_text(
        motivation, "motivation", _l("Please say why you need the reporter's identity.")
    )
    if readable_request(actor, case) is not None:
        raise DomainError(_l("Your approved request is still open: read the identity with it."))
    if any(request.status == RequestStatus.PENDING for request in requests_for(case)):
        raise DomainError(ALREADY_PENDING)
    request = IdentityRequest(
        case_id=case.id,
        requested_by_id=actor.id,
        requester_unit_id=actor.unit_id,
        motivation=motivation,
    )
    # One request waits per case (a partial unique index): a second one, even sent at the
    # same moment from another browser, is refused rather than failing.
    savepoint = db.session.begin_nested()
    try:
        db.session.add(request)
        db.session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        raise DomainError(ALREADY_PENDING) from error
    savepoint.commit()
    _audit("identity.request", actor, case, request)
    return request


def decide_request(request: IdentityRequest, custodian: User, approve: bool, reason: str) -> None:
    """Approve or deny a waiting request; a denial says why, and the handler reads it."""
    if not may_decide_identity(custodian, request.case):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    if custodian.id == request.requested_by_id:
        raise DomainError(_l("Someone else must decide on your own request."))
    reason = reason.strip()
    if not approve:
        reason = _checked_text(reason, "reason", _l("Please say why the request is denied."))
    elif len(reason) > TEXT_MAX:
        raise DomainError(_l("Please write at most 2000 characters."), field="reason")
    # A conditional UPDATE: of two custodians deciding at once, one decides, one is told.
    decided = db.session.execute(
        update(IdentityRequest)
        .where(IdentityRequest.id == request.id, IdentityRequest.status == RequestStatus.PENDING)
        .values(
            status=RequestStatus.APPROVED if approve else RequestStatus.DENIED,
            decided_by_id=custodian.id,
            decision_reason=reason or None,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise DomainError(_l("This request was decided already."))
    db.session.refresh(request)
    _audit("identity.approve" if approve else "identity.deny", custodian, request.case, request)


def access_ends_at(request: IdentityRequest) -> datetime | None:
    """Return when an approval stops letting its requester read the identity."""
    if request.status != RequestStatus.APPROVED or request.decided_at is None:
        return None
    return request.decided_at + timedelta(days=current_app.config["IDENTITY_ACCESS_DAYS"])


def readable_request(user: User, case: Case) -> IdentityRequest | None:
    """Return the account's approved request on a case whose reading window is still open."""
    days = current_app.config["IDENTITY_ACCESS_DAYS"]
    return db.session.scalar(
        select(IdentityRequest)
        .where(
            IdentityRequest.case_id == case.id,
            IdentityRequest.requested_by_id == user.id,
            IdentityRequest.status == RequestStatus.APPROVED,
            IdentityRequest.decided_at > utcnow() - timedelta(days=days),
        )
        .order_by(IdentityRequest.id.desc())
        .limit(1)
    )


def read_identity(request: IdentityRequest, actor: User) -> ContactDetails:
    """Open the identity under an approved request, and audit the reading.

    The first reading under the approval puts a public event in the case's history, which
    tells the reporter when their identity was opened and by which unit.
    """
    details = shown_identity(request, actor)
    first = db.session.execute(
        update(IdentityRequest)
        .where(IdentityRequest.id == request.id, IdentityRequest.opened_at.is_(None))
        .values(opened_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    case = request.case
    if first.rowcount == 1:
        case.events.append(
            CaseEvent(
                action="identity_opened",
                actor_kind=ActorKind.STAFF,
                actor_id=actor.id,
                is_public=True,
                note=request.requester_unit.display_name(case.locale),
            )
        )
        db.session.flush()
    _audit("identity.read", actor, case, request, first=first.rowcount == 1)
    return details


def shown_identity(request: IdentityRequest, actor: User) -> ContactDetails:
    """Return the identity for the page right after an audited reading, checking it again."""
    case = request.case
    if not (can(actor, Permission.REQUEST_IDENTITY) and can_see_case(actor, case)):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    if request.requested_by_id != actor.id:
        raise DomainError(_l("Only the person who asked may read the identity."))
    ends = access_ends_at(request)
    if ends is None:
        raise DomainError(_l("This request is not approved."))
    if ends <= utcnow():
        raise DomainError(_l("The approval has lapsed. File a new request if you still need it."))
    details = contact_details(case)
    if details is None:
        raise DomainError(_l("This reporter left no identity."))
    return details


def pending_requests(custodian: User) -> list[IdentityRequest]:
    """Return the waiting requests a custodian may decide, oldest first, with their cases."""
    query = (
        select(IdentityRequest)
        .join(Case, Case.id == IdentityRequest.case_id)
        .options(
            joinedload(IdentityRequest.case).joinedload(Case.unit),
            joinedload(IdentityRequest.requested_by),
            joinedload(IdentityRequest.requester_unit),
        )
        .where(IdentityRequest.status == RequestStatus.PENDING, decidable_cases(custodian))
        .order_by(IdentityRequest.id)
        .limit(PENDING_LIMIT)
    )
    return list(db.session.scalars(query))


def count_pending(custodian: User) -> int:
    """Count the waiting requests a custodian may decide."""
    return db.session.scalar(
        select(func.count(IdentityRequest.id))
        .join(Case, Case.id == IdentityRequest.case_id)
        .where(IdentityRequest.status == RequestStatus.PENDING, decidable_cases(custodian))
    )


def recent_decisions(custodian: User, limit: int = 20) -> list[IdentityRequest]:
    """Return the custodian's own latest decisions, newest first."""
    query = (
        select(IdentityRequest)
        .options(joinedload(IdentityRequest.case), joinedload(IdentityRequest.requested_by))
        .where(IdentityRequest.decided_by_id == custodian.id)
        .order_by(IdentityRequest.decided_at.desc(), IdentityRequest.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def _checked_text(text: str, field: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(missing, field=field)
    if len(text) > TEXT_MAX:
        raise DomainError(_l("Please write at most 2000 characters."), field=field)
    return text


def _audit(action: str, actor: User, case: Case, request: IdentityRequest, **details) -> None:
    # The motivation and the reason stay out of the trail, as notes do: they may quote
    # what the reporter wrote.
    audit.record(
        action,
        actor=actor,
        object_type="case",
        object_id=case.number,
        details={"request": request.id, **details},
    )
