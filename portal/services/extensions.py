"""Extensions (延期): more working days for a case's deadline, asked for and decided above.

Whoever handles a case may ask; a superior decides: an account that may decide extensions
whose unit lies strictly above the requester's, or an administrator whose scope holds the
requester's unit, and never the requester (the table's CHECK refuses it too). An approved
extension moves the due date on from the current one and is disclosed to the reporter.
Changing the due date is not a move of the workflow, but it is audited like one.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import (
    ActorKind,
    Case,
    CaseEvent,
    CaseExtension,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from portal.policy import Permission, can, can_see_case, unit_in_scope, visible_cases
from portal.services import audit, deadlines
from portal.services.errors import DomainError
from portal.services.workflow import PermissionDenied, StaleCase
from portal.workdays import calendar

MOST_DAYS = 60
REASON_MAX = 2000
ALREADY_PENDING = _l("An extension of this case already waits for a decision.")


def request_extension(case: Case, actor: User, working_days: int, reason: str) -> CaseExtension:
    """Ask for more working days on an open case's current deadline."""
    if not (can(actor, Permission.REQUEST_EXTENSION) and can_see_case(actor, case)):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    stage = deadlines.stage_of(case.status)
    if stage is None or case.due_on is None:
        raise DomainError(_l("Only an open case can have its deadline extended."))
    if not 1 <= working_days <= MOST_DAYS:
        raise DomainError(_l("Ask for 1 to 60 working days."), field="working_days")
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Please say why more time is needed."), field="reason")
    if pending_extension(case) is not None:
        raise DomainError(ALREADY_PENDING)
    extension = CaseExtension(
        case=case,
        stage=stage,
        working_days=working_days,
        reason=reason[:REASON_MAX],
        requested_by=actor,
        previous_due_on=case.due_on,
    )
    # One request waits per case (a partial unique index): a second one sent at the same
    # moment is refused like the one that finds it waiting, rather than failing.
    savepoint = db.session.begin_nested()
    try:
        db.session.add(extension)
        db.session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        raise DomainError(ALREADY_PENDING) from error
    savepoint.commit()
    _audit("extension.request", actor, extension, working_days=working_days)
    return extension


def may_decide(user: User, extension: CaseExtension) -> bool:
    """Tell whether the account may decide an extension: a superior of its requester."""
    requester_unit = extension.requested_by.unit
    if user.id == extension.requested_by_id or not can(user, Permission.DECIDE_EXTENSION):
        return False
    above = requester_unit.path.startswith(user.unit.path) and requester_unit.id != user.unit_id
    admin = user.role == Role.ADMIN and unit_in_scope(user, requester_unit)
    return (above or admin) and can_see_case(user, extension.case)


def approve_extension(extension: CaseExtension, decider: User, note: str = "") -> None:
    """Approve an extension: the due date moves on, and the reporter reads why."""
    case = _decidable(extension, decider)
    if deadlines.stage_of(case.status) != extension.stage:
        raise DomainError(
            _l("The case has moved on since this was asked for; it can only be denied now.")
        )
    new_due_on = calendar().add_working_days(case.due_on, extension.working_days)
    _decide(extension, decider, RequestStatus.APPROVED, note, new_due_on)
    case.due_on = new_due_on
    try:
        # The version check runs now: a case changed meanwhile is not extended blindly.
        db.session.flush()
    except StaleDataError as error:
        raise StaleCase(case) from error
    case.events.append(
        CaseEvent(
            action="extend",
            actor_kind=ActorKind.STAFF,
            actor_id=decider.id,
            note=extension.reason,
        )
    )
    db.session.flush()
    _audit(
        "extension.approve",
        decider,
        extension,
        **{"from": extension.previous_due_on, "to": extension.new_due_on},
    )


def deny_extension(extension: CaseExtension, decider: User, note: str = "") -> None:
    """Deny an extension; the deadline stays as it is."""
    _decidable(extension, decider)
    _decide(extension, decider, RequestStatus.DENIED, note)
    _audit("extension.deny", decider, extension)


def pending_extension(case: Case) -> CaseExtension | None:
    """Return the extension of a case that waits for a decision, if any."""
    query = select(CaseExtension).where(
        CaseExtension.case_id == case.id, CaseExtension.status == RequestStatus.PENDING
    )
    return db.session.scalar(query.limit(1))


def case_extensions(case: Case) -> list[CaseExtension]:
    """Return every extension asked for on a case, oldest first."""
    query = (
        select(CaseExtension)
        .options(joinedload(CaseExtension.requested_by), joinedload(CaseExtension.decided_by))
        .where(CaseExtension.case_id == case.id)
        .order_by(CaseExtension.id)
    )
    return list(db.session.scalars(query))


def approved_extensions(case: Case) -> list[CaseExtension]:
    """Return the approved extensions of a case, which its reporter reads."""
    return [e for e in case_extensions(case) if e.status == RequestStatus.APPROVED]


def extensions_to_decide(user: User) -> list[CaseExtension]:
    """Return the pending extensions, within the account's scope, that it may decide."""
    query = (
        select(CaseExtension)
        .join(CaseExtension.case)
        .options(
            joinedload(CaseExtension.case),
            joinedload(CaseExtension.requested_by).joinedload(User.unit),
        )
        .where(CaseExtension.status == RequestStatus.PENDING, visible_cases(user))
        .order_by(CaseExtension.id)
    )
    # Pending requests are few; the rule of who is above whom reads best in Python.
    return [e for e in db.session.scalars(query) if may_decide(user, e)]


def _decidable(extension: CaseExtension, decider: User) -> Case:
    if not may_decide(decider, extension):
        raise PermissionDenied(
            _l(
                "Only a superior of the person who asked, "
                "or an administrator above them, can decide this."
            )
        )
    if extension.status != RequestStatus.PENDING:
        raise DomainError(_l("This extension has been decided already."))
    return extension.case


def _decide(
    extension: CaseExtension,
    decider: User,
    status: RequestStatus,
    note: str,
    new_due_on: date | None = None,
) -> None:
    """Record the decision, unless someone decided first: an UPDATE that finds it pending."""
    decided = db.session.execute(
        update(CaseExtension)
        .where(CaseExtension.id == extension.id, CaseExtension.status == RequestStatus.PENDING)
        .values(
            status=status,
            decided_by_id=decider.id,
            decided_at=utcnow(),
            decision_note=note.strip()[:REASON_MAX] or None,
            new_due_on=new_due_on,
        )
    )
    if decided.rowcount != 1:
        raise DomainError(_l("This extension has been decided already."))
    db.session.refresh(extension)


def _audit(action: str, actor: User, extension: CaseExtension, **details) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="case",
        object_id=extension.case.number,
        details={"extension": extension.id, "stage": extension.stage.value, **details},
    )
