"""The case workflow: one transition table, and the verbs that move a case through it.

Every change of status goes through :func:`_apply`, which checks the table, the actor's
permission and scope, and the version the actor saw; writes the case's history event and
an audit event; and flushes. A move the table does not know raises InvalidTransition; a
move to the status the case already has is a no-op (a double click changes nothing).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import (
    OPEN_STATUSES,
    ActorKind,
    Case,
    CaseEvent,
    CaseMessage,
    CaseStatus,
    MessageDirection,
    RejectionReason,
    Unit,
    User,
    utcnow,
)
from portal.policy import Permission, can, can_see_case, is_barred, may_handle, unit_in_scope
from portal.services import audit, deadlines
from portal.services.errors import DomainError

S = CaseStatus

#: (status, action) -> new status. The whole workflow; nothing else moves a case.
TRANSITIONS: dict[tuple[CaseStatus, str], CaseStatus] = {
    (S.RECEIVED, "accept"): S.ACCEPTED,
    (S.RECEIVED, "reject"): S.REJECTED,
    (S.ACCEPTED, "reject"): S.REJECTED,
    (S.ACCEPTED, "assign"): S.ASSIGNED,
    (S.ASSIGNED, "reassign"): S.ASSIGNED,
    (S.IN_PROGRESS, "reassign"): S.ASSIGNED,
    (S.ASSIGNED, "start"): S.IN_PROGRESS,
    (S.IN_PROGRESS, "answer"): S.ANSWERED,
    (S.ANSWERED, "close"): S.CLOSED,
    (S.ACCEPTED, "close"): S.CLOSED,
    (S.ANSWERED, "reopen"): S.IN_PROGRESS,
    (S.CLOSED, "reopen"): S.ACCEPTED,
    (S.REJECTED, "reopen"): S.RECEIVED,
    (S.ANSWERED, "reporter_reopen"): S.IN_PROGRESS,
    (S.CLOSED, "reporter_reopen"): S.IN_PROGRESS,
    **{(status, "merge"): S.MERGED for status in OPEN_STATUSES},
}

#: The permission each action needs.
ACTION_PERMISSIONS: dict[str, Permission] = {
    "accept": Permission.TRIAGE,
    "reject": Permission.TRIAGE,
    "assign": Permission.TRIAGE,
    "reassign": Permission.TRIAGE,
    "merge": Permission.TRIAGE,
    "reopen": Permission.TRIAGE,
    "start": Permission.HANDLE,
    "answer": Permission.HANDLE,
    "close": Permission.HANDLE,
}

#: Actions whose history event the reporter does not see.
INTERNAL_ACTIONS = frozenset({"reassign"})
#: Actions the reporter takes from their own track page: no staff permission applies.
REPORTER_ACTIONS = frozenset({"reporter_reopen"})


class InvalidTransition(DomainError):
    """The workflow has no such move from the case's current status."""


class PermissionDenied(DomainError):
    """The actor's role or scope does not allow the move."""


class StaleCase(DomainError):
    """Someone else changed the case since the actor opened it; nothing was overwritten."""

    def __init__(self, case: Case) -> None:
        super().__init__(
            _l("This case changed since you opened it. Review the changes below and try again.")
        )
        self.case = case


def allowed_actions(case: Case, user: User) -> list[str]:
    """Return the actions the user may take on the case now, in the table's order."""
    return [
        action
        for (status, action) in TRANSITIONS
        if status == case.status
        and action in ACTION_PERMISSIONS
        and can(user, ACTION_PERMISSIONS[action])
    ]


def accept_case(case: Case, actor: User, version: int) -> bool:
    """Accept a received case for handling; the clock to answer it starts today."""
    return _apply(case, "accept", actor, version, due_on=_restarted_clock(case, "accept"))


def reject_case(
    case: Case, actor: User, version: int, reason: RejectionReason, explanation: str | None = ""
) -> bool:
    """Decline a case; the reason and the explanation (optional) are shown to the reporter."""
    note = (explanation or "").strip() or None
    return _apply(case, "reject", actor, version, note=note, rejection_reason=reason)


def assign_case(
    case: Case, actor: User, version: int, unit: Unit, handler: User | None = None
) -> bool:
    """Give a case to the unit that must act on it, and optionally to one handler there."""
    _check_assignee(case, actor, unit, handler)
    action = "assign" if case.status == S.ACCEPTED else "reassign"
    changed = _apply(
        case,
        action,
        actor,
        version,
        assigned_unit=unit,
        handler=handler,
        audit_details={"unit": unit.id, "handler": handler.id if handler else None},
    )
    return changed


def start_case(case: Case, actor: User, version: int) -> bool:
    """Mark an assigned case as being handled."""
    return _apply(case, "start", actor, version)


def answer_case(case: Case, actor: User, version: int, answer: str) -> bool:
    """Send the answer to the reporter (and to the reporters of merged duplicates)."""
    answer = answer.strip()
    if not answer:
        raise DomainError(_l("Please write the answer to the reporter."), field="answer")
    if case.version != version:
        raise StaleCase(case)  # someone answered or moved it meanwhile: their answer stands
    if case.status == S.ANSWERED:
        return False
    changed = _apply(case, "answer", actor, version, answered_at=utcnow())
    case.messages.append(
        CaseMessage(direction=MessageDirection.TO_REPORTER, body=answer, author_id=actor.id)
    )
    db.session.flush()
    return changed


def close_case(case: Case, actor: User, version: int) -> bool:
    """Close a case whose handling is finished."""
    return _apply(case, "close", actor, version, closed_at=utcnow())


def reopen_case(case: Case, actor: User, version: int, reason: str) -> bool:
    """Reopen a finished case; the reason is shown to the reporter."""
    if not reason.strip():
        raise DomainError(_l("Please say why the case is reopened."), field="reason")
    return _apply(
        case,
        "reopen",
        actor,
        version,
        note=reason.strip(),
        closed_at=None,
        rejection_reason=None,
        due_on=_restarted_clock(case, "reopen"),
    )


def reporter_reopen_case(case: Case, reason: str) -> bool:
    """Reopen an answered case because its reporter is dissatisfied; staff read their reason."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Please tell us what you are dissatisfied with."), field="reason")
    return _apply(
        case,
        "reporter_reopen",
        None,
        case.version,
        note=reason,
        closed_at=None,
        due_on=_restarted_clock(case, "reporter_reopen"),
    )


def merge_case(case: Case, actor: User, version: int, master: Case) -> bool:
    """Merge a duplicate into a master case; its reporter will read the master's answer."""
    # Visibility first, in the words used for a number that does not exist: a case kept
    # from the actor must not be told apart from a missing one by its status.
    if not can_see_case(actor, master):
        raise DomainError(_l("There is no case with that number."), field="master")
    if master.id == case.id or master.status in (S.MERGED, S.REJECTED):
        raise DomainError(_l("A case can only be merged into another open case."), field="master")
    return _apply(case, "merge", actor, version, note=master.number, merged_into=master)


def _apply(
    case: Case,
    action: str,
    actor: User | None,
    version: int,
    note: str | None = None,
    audit_details: dict | None = None,
    **changes,
) -> bool:
    """Move a case along the table; return False when it was already there.

    ``actor`` is None for the reporter, who reaches only their own case.
    """
    if case.version != version:
        raise StaleCase(case)
    if not _may(actor, action, case):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    target = TRANSITIONS.get((case.status, action))
    if target is None:
        if _target_of(action) == case.status:
            return False
        raise InvalidTransition(
            _l(
                "A case that is “%(status)s” cannot be %(action)s.",
                status=case.status.label,
                action=action_label(action),
            )
        )
    source = case.status
    case.status = target
    for name, value in changes.items():
        setattr(case, name, value)
    try:
        # The version check runs now: later queries would autoflush it outside this mapping.
        db.session.flush()
    except StaleDataError as error:
        raise StaleCase(case) from error
    case.events.append(
        CaseEvent(
            action=action,
            from_status=source,
            to_status=target,
            actor_kind=ActorKind.STAFF if actor else ActorKind.REPORTER,
            actor_id=actor.id if actor else None,
            is_public=action not in INTERNAL_ACTIONS,
            note=note,
        )
    )
    audit.record(
        f"case.{action}",
        actor=actor,
        actor_label="reporter",
        object_type="case",
        object_id=case.number,
        details={"from": source.value, "to": target.value, **(audit_details or {})},
    )
    try:
        db.session.flush()
    except StaleDataError as error:  # another worker committed first; the edge rolls back
        raise StaleCase(case) from error
    return True


def _may(actor: User | None, action: str, case: Case) -> bool:
    if actor is None:
        return action in REPORTER_ACTIONS
    permission = ACTION_PERMISSIONS.get(action)
    return permission is not None and can(actor, permission) and can_see_case(actor, case)


def _restarted_clock(case: Case, action: str) -> date | None:
    """Return the due date a move gives the case: the clock of its new status starts today."""
    target = TRANSITIONS.get((case.status, action))
    return deadlines.restarted_due_on(case, target) if target else case.due_on


def _target_of(action: str) -> CaseStatus | None:
    targets = {target for (_status, name), target in TRANSITIONS.items() if name == action}
    return targets.pop() if len(targets) == 1 else None


def _check_assignee(case: Case, actor: User, unit: Unit, handler: User | None) -> None:
    if not unit_in_scope(actor, unit):
        raise PermissionDenied(_l("You can only assign cases to units you oversee."), field="unit")
    if not may_handle(case, unit):
        raise DomainError(
            _l(
                "Recusal: a case about a cadre is never handled inside the cadre's own unit, "
                "and a protected case stays at the top. Assign it to the organization "
                "department above."
            ),
            field="unit",
        )
    if handler is not None and not (
        can(handler, Permission.HANDLE) and unit_in_scope(handler, unit)
    ):
        raise DomainError(_l("This person cannot handle cases of that unit."), field="handler")
    if handler is not None and is_barred(handler, case):
        raise DomainError(_l("Recusal: this person may not handle this case."), field="handler")


def action_label(action: str) -> str:
    """Return the translated name of an action, as buttons and messages say it."""
    labels = {
        "accept": _l("accepted"),
        "reject": _l("rejected"),
        "assign": _l("assigned"),
        "reassign": _l("reassigned"),
        "start": _l("started"),
        "answer": _l("answered"),
        "close": _l("closed"),
        "reopen": _l("reopened"),
        "reporter_reopen": _l("reopened by its reporter"),
        "merge": _l("merged"),
    }
    return str(labels[action])
