"""A case as the console works on it: its file, internal notes, the reporter's contact details.

Internal notes and the reading of contact details are staff-only acts, each written to the
audit trail; nothing here is ever shown to the reporter.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Case, CaseEvent, CaseMessage, CaseNote, ReporterMode, Role, Unit, User
from portal.policy import (
    ROLE_PERMISSIONS,
    Permission,
    can,
    can_see_case,
    is_barred,
    may_handle,
    unit_in_scope,
    visible_cases,
)
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails, contact_details
from portal.services.units import unit_tree
from portal.services.workflow import PermissionDenied

NOTE_MAX = 5000


@dataclass(frozen=True)
class CaseFile:
    """Everything the case page shows besides the case's own columns."""

    events: list[CaseEvent]
    messages: list[CaseMessage]
    notes: list[CaseNote]
    #: Cases merged into this one as duplicates.
    duplicates: list[Case]
    #: The case this one was merged into, when the viewer may open it.
    master: Case | None = None
    #: This case was merged into one the viewer may not open: its number is not shown.
    master_hidden: bool = False

    @property
    def last_event_id(self) -> int:
        """Return the id of the newest event, which a form says its author had seen."""
        return self.events[-1].id if self.events else 0


def case_file(case: Case, viewer: User | None = None) -> CaseFile:
    """Load a case's history, conversation, notes and duplicates, with their authors.

    Duplicates the viewer may not see (recusal) are left out of the list, and a master case
    they may not see is not named.
    """
    session = db.session
    events = session.scalars(
        select(CaseEvent)
        .options(joinedload(CaseEvent.actor))
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    ).all()
    messages = session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case.id).order_by(CaseMessage.id)
    ).all()
    notes = session.scalars(
        select(CaseNote)
        .options(joinedload(CaseNote.author))
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.id)
    ).all()
    merged = select(Case).where(Case.merged_into_id == case.id).order_by(Case.id)
    if viewer is not None:
        merged = merged.where(visible_cases(viewer))
    duplicates = session.scalars(merged).all()
    master = case.merged_into
    master_hidden = master is not None and viewer is not None and not can_see_case(viewer, master)
    return CaseFile(
        list(events),
        list(messages),
        list(notes),
        list(duplicates),
        master=None if master_hidden else master,
        master_hidden=master_hidden,
    )


def find_case(number: str) -> Case | None:
    """Return the case with a number, or None."""
    return db.session.scalar(select(Case).where(Case.number == number.strip()))


def add_note(case: Case, author: User, body: str) -> CaseNote:
    """Add an internal note to a case (staff only, never shown to the reporter) and audit it."""
    if not (can(author, Permission.WRITE_NOTES) and can_see_case(author, case)):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    body = body.strip()
    if not body:
        raise DomainError(_l("Please write the note."), field="body")
    if len(body) > NOTE_MAX:
        raise DomainError(_l("A note can have at most 5000 characters."), field="body")
    note = CaseNote(case_id=case.id, author_id=author.id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(
        "case.note",
        actor=author,
        object_type="case",
        object_id=case.number,
        details={"note": note.id},
    )
    return note


def reveal_contact(case: Case, actor: User) -> ContactDetails | None:
    """Open a named reporter's contact details for a staff member; the reading is audited.

    A confidential reporter's details open only through an approved identity request
    (``portal.services.identity``).
    """
    if not (can(actor, Permission.VIEW_CONTACT) and can_see_case(actor, case)):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    if case.reporter_mode == ReporterMode.CONFIDENTIAL:
        raise DomainError(
            _l(
                "A confidential reporter's identity is sealed: ask a custodian to open it, "
                "in the “Sealed identity” section."
            )
        )
    details = contact_details(case)
    if details is None:
        return None
    audit.record(
        "contact.view",
        actor=actor,
        object_type="case",
        object_id=case.number,
        details={"mode": case.reporter_mode.value},
    )
    return details


def assignable_units(user: User, case: Case | None = None) -> list[Unit]:
    """Return the units the account may assign cases to (its subtree), in tree order.

    Given a case, only the units recusal lets handle it (``portal.policy.may_handle``).
    """
    return [
        unit
        for unit in unit_tree(public_only=False)
        if unit_in_scope(user, unit) and (case is None or may_handle(case, unit))
    ]


#: Roles whose accounts may handle cases.
HANDLING_ROLES = [role for role in Role if Permission.HANDLE in ROLE_PERMISSIONS[role]]


def possible_handlers(user: User, case: Case | None = None) -> list[User]:
    """Return the active accounts that could handle cases the account assigns.

    Those inside the account's subtree, or above it (whose own scope covers it); given a
    case, without those recusal or protection bars from it. Whether a handler fits the
    chosen unit is checked when assigning.
    """
    accounts = db.session.scalars(
        select(User)
        .options(joinedload(User.unit))
        .where(User.is_active, User.role.in_(HANDLING_ROLES))
        .order_by(User.display_name, User.id)
    ).all()
    root = user.unit.path
    return [
        a
        for a in accounts
        if (a.unit.path.startswith(root) or root.startswith(a.unit.path))
        and (case is None or not is_barred(a, case))
    ]
