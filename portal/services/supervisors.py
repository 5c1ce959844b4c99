"""Image supervisors (形象监督员): their appointment, conflicts, findings, comments and cases.

A supervisor acts only during their term, within their account's unit subtree, and never
sees the cases of a unit they declared a conflict with (``portal.policy``). They read cases
redacted (``portal.services.redaction``) and cannot search them: a search for a phone number
would tell them whose case it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseMessage,
    CaseNote,
    CaseStatus,
    Channel,
    MessageDirection,
    ReporterMode,
    Role,
    SupervisorConflict,
    SupervisorKind,
    SupervisorProfile,
    Unit,
    User,
    is_open,
)
from portal.policy import (
    Permission,
    can,
    can_supervise_case,
    conflict_unit_ids,
    supervised_cases,
    unit_in_scope,
)
from portal.services import audit
from portal.services.cases import NOTE_MAX
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails, Submission, submit_case
from portal.services.redaction import reporter_redactor
from portal.services.units import unit_tree
from portal.services.workflow import PermissionDenied

PAGE_SIZE = 50
#: What an image supervisor records: what they saw, good or bad (ratings come from the public).
FINDING_KINDS = (CaseKind.REPORT, CaseKind.OPINION, CaseKind.PRAISE)
FROM_REPORTER = MessageDirection.FROM_REPORTER
NOT_ALLOWED = _l("You are not allowed to do this on this case.")
#: The longest affiliation the appointment stores (the column's length).
AFFILIATION_MAX = 200


def appoint_supervisor(
    admin: User,
    supervisor: User,
    kind: SupervisorKind,
    term: tuple[date, date],
    affiliation: str = "",
) -> SupervisorProfile:
    """Give an image supervisor's account its appointment, or change it (a longer term)."""
    _check_appoints(admin, supervisor)
    affiliation = affiliation.strip()
    if len(affiliation) > AFFILIATION_MAX:
        raise DomainError(_l("Please write at most 200 characters."), field="affiliation")
    if term[1] < term[0]:
        raise DomainError(_l("The term cannot end before it starts."), field="term_ends")
    profile = db.session.get(SupervisorProfile, supervisor.id)
    before = _appointment(profile) if profile is not None else None
    profile = profile or SupervisorProfile(user_id=supervisor.id)
    profile.kind, profile.affiliation = kind, affiliation
    profile.term_starts, profile.term_ends = term
    if before == _appointment(profile):
        return profile
    db.session.add(profile)
    db.session.flush()
    db.session.expire(supervisor, ["supervisor_profile"])
    audit.record(
        "supervisor.appoint",
        actor=admin,
        object_type="user",
        object_id=supervisor.id,
        details={"kind": kind.value, "from": term[0], "to": term[1], "before": before},
    )
    return profile


def end_appointment(admin: User, supervisor: User) -> bool:
    """End a supervisor's term yesterday, so that from today they can do nothing.

    A term that had not begun before today is removed; return False if none was running.
    """
    _check_appoints(admin, supervisor)
    profile = db.session.get(SupervisorProfile, supervisor.id)
    yesterday = local_today() - timedelta(days=1)
    if profile is None or profile.term_ends <= yesterday:
        return False
    before, removed = _appointment(profile), profile.term_starts > yesterday
    if removed:
        db.session.delete(profile)
    else:
        profile.term_ends = yesterday
    db.session.flush()
    db.session.expire(supervisor, ["supervisor_profile"])
    audit.record(
        "supervisor.appointment_ended",
        actor=admin,
        object_type="user",
        object_id=supervisor.id,
        details={"before": before, "to": None if removed else yesterday},
    )
    return True


def _check_appoints(admin: User, supervisor: User) -> None:
    """Refuse an appointment outside the administrator's subtree, or of another role."""
    if not (can(admin, Permission.MANAGE_USERS) and unit_in_scope(admin, supervisor.unit)):
        raise PermissionDenied(_l("You are not allowed to do this."))
    if supervisor.role != Role.SUPERVISOR:
        raise DomainError(_l("Only an image supervisor's account has a term."))


def _appointment(profile: SupervisorProfile) -> dict:
    """Return what an appointment says, for the audit trail."""
    return {
        "kind": profile.kind.value,
        "affiliation": profile.affiliation,
        "from": profile.term_starts,
        "to": profile.term_ends,
    }


def declare_conflict(supervisor: User, unit: Unit, reason: str) -> SupervisorConflict:
    """Record a supervisor's conflict of interest with a unit; its cases disappear for them."""
    if not can(supervisor, Permission.SUPERVISE):
        raise PermissionDenied(_l("You are not allowed to do this."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Please say what ties you to this unit."), field="reason")
    if not unit_in_scope(supervisor, unit):
        raise DomainError(_l("Please choose a unit of your jurisdiction."), field="unit")
    if unit.id in conflict_unit_ids(supervisor):
        raise DomainError(_l("You declared a conflict with this unit already."), field="unit")
    conflict = SupervisorConflict(user_id=supervisor.id, unit_id=unit.id, reason=reason)
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        "supervisor.conflict",
        actor=supervisor,
        object_type="unit",
        object_id=unit.id,
        details={"conflict": conflict.id},
    )
    return conflict


def declared_conflicts(supervisor: User) -> list[SupervisorConflict]:
    """Return the conflicts of interest a supervisor declared, in the order declared."""
    return list(
        db.session.scalars(
            select(SupervisorConflict)
            .options(joinedload(SupervisorConflict.unit))
            .where(SupervisorConflict.user_id == supervisor.id)
            .order_by(SupervisorConflict.id)
        )
    )


def withdraw_conflict(supervisor: User, unit: Unit) -> bool:
    """Withdraw a supervisor's declared conflict with a unit; its cases show to them again.

    Return False if there was none. The reason is not kept, as it is not when declared.
    """
    if not can(supervisor, Permission.SUPERVISE):
        raise PermissionDenied(_l("You are not allowed to do this."))
    conflict = db.session.scalar(
        select(SupervisorConflict).where(
            SupervisorConflict.user_id == supervisor.id, SupervisorConflict.unit_id == unit.id
        )
    )
    if conflict is None:
        return False
    audit.record(
        "supervisor.conflict_withdrawn",
        actor=supervisor,
        object_type="unit",
        object_id=unit.id,
        details={"conflict": conflict.id, "declared_at": conflict.declared_at},
    )
    db.session.delete(conflict)
    db.session.flush()
    return True


def finding_units(supervisor: User) -> list[Unit]:
    """Return the units a supervisor may record findings about: their jurisdiction, in order."""
    conflicts = set(conflict_unit_ids(supervisor))
    return [
        unit
        for unit in unit_tree(public_only=False)
        if unit_in_scope(supervisor, unit) and unit.id not in conflicts
    ]


def record_finding(supervisor: User, submission: Submission) -> Case:
    """Record what a supervisor observed as a case of the image supervisors' channel."""
    if not can(supervisor, Permission.SUPERVISE):
        raise PermissionDenied(_l("You are not allowed to do this."))
    if submission.kind not in FINDING_KINDS:
        raise DomainError(_l("Please choose the kind of finding."), field="kind")
    if submission.unit_id not in {unit.id for unit in finding_units(supervisor)}:
        raise DomainError(_l("Please choose a unit of your jurisdiction."), field="unit_id")
    # The supervisor is known as the one who recorded it, through their account: no sealed
    # contact details, and no receipt to keep (their workspace shows the case).
    finding = replace(
        submission,
        channel=Channel.SUPERVISOR,
        reporter_mode=ReporterMode.ANONYMOUS,
        contact=ContactDetails(),
    )
    case, _receipt = submit_case(finding, recorded_by=supervisor)
    return case


def add_comment(case: Case, supervisor: User, body: str) -> CaseNote:
    """Add an image supervisor's comment to a case: staff read it, the reporter never does."""
    if not can_supervise_case(supervisor, case):
        raise PermissionDenied(NOT_ALLOWED)
    body = body.strip()
    if not body:
        raise DomainError(_l("Please write the comment."), field="body")
    if len(body) > NOTE_MAX:
        raise DomainError(_l("A comment can have at most 5000 characters."), field="body")
    note = CaseNote(case_id=case.id, author_id=supervisor.id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(
        "supervision.comment",
        actor=supervisor,
        object_type="case",
        object_id=case.number,
        details={"note": note.id},
    )
    return note


@dataclass(frozen=True)
class SupervisionFilter:
    """What the supervisor's list is narrowed to."""

    status: CaseStatus | None = None
    kind: CaseKind | None = None


@dataclass
class SupervisionPage:
    """One page of cases, newest first, with their redacted titles and the next cursors."""

    cases: list[Case]
    titles: dict[int, str] = field(default_factory=dict)
    after: int | None = None
    before: int | None = None


def supervision_page(
    supervisor: User,
    narrowed: SupervisionFilter,
    after: int | None = None,
    before: int | None = None,
) -> SupervisionPage:
    """Return a page of the cases a supervisor may see, cut by keyset on the case id."""
    query = select(Case).where(supervised_cases(supervisor))
    for column, value in ((Case.status, narrowed.status), (Case.kind, narrowed.kind)):
        if value is not None:
            query = query.where(column == value)
    query = query.options(
        undefer(Case.contact_ciphertext),
        undefer(Case.contact_key),
        selectinload(Case.unit),
        selectinload(Case.category),
    )
    if before is not None:
        query = query.where(Case.id > before).order_by(Case.id.asc())
    else:
        query = query.where(Case.id < after) if after is not None else query
        query = query.order_by(Case.id.desc())
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    if before is not None:
        rows.reverse()
    newer, older = (more, True) if before is not None else (after is not None, more)
    page = SupervisionPage(rows, {case.id: reporter_redactor(case)(case.title) for case in rows})
    if rows:
        page.after = rows[-1].id if older else None
        page.before = rows[0].id if newer else None
    return page


def supervised_case(supervisor: User, number: str) -> Case | None:
    """Return a case by number if the supervisor may see it, redacted; else None."""
    case = db.session.scalar(select(Case).where(Case.number == number.strip()))
    return case if case is not None and can_supervise_case(supervisor, case) else None


@dataclass(frozen=True)
class RedactedText:
    """A text of a case as a supervisor reads it, with who wrote it and when."""

    at: datetime
    text: str
    from_reporter: bool = False
    author: str = ""


@dataclass(frozen=True)
class RedactedCase:
    """The reporter's and the staff's texts of a case, with the reporter's details blanked."""

    title: str
    body: str
    place: str
    timeline: list[tuple[CaseEvent, str]]
    messages: list[RedactedText]
    comments: list[RedactedText]


def _timeline_note(event: CaseEvent, redact: Callable[[str | None], str]) -> str:
    """Return an event's note as a supervisor reads it: a merge names no master case.

    The master may lie outside the supervisor's reach (a conflict, recusal); its number
    would tell them that it exists.
    """
    return "" if event.action == "merge" else redact(event.note)


def redacted_case(case: Case) -> RedactedCase:
    """Return a case's texts for an image supervisor: the public history, answers, comments."""
    redact = reporter_redactor(case)
    messages: list[CaseMessage] = sorted(case.messages, key=lambda m: (m.created_at, m.id))
    comments = db.session.scalars(
        select(CaseNote)
        .join(User, User.id == CaseNote.author_id)
        .where(CaseNote.case_id == case.id, User.role == Role.SUPERVISOR)
        .order_by(CaseNote.id)
    )
    return RedactedCase(
        title=redact(case.title),
        body=redact(case.body),
        place=redact(case.event_place),
        timeline=[
            (event, _timeline_note(event, redact)) for event in case.events if event.is_public
        ],
        messages=[
            RedactedText(m.created_at, redact(m.body), m.direction == FROM_REPORTER)
            for m in messages
        ],
        comments=[
            RedactedText(n.created_at, redact(n.body), author=n.author.display_name)
            for n in comments
        ],
    )


@dataclass(frozen=True)
class SupervisorSummary:
    """What an image supervisor's first page says: their term and the work in sight."""

    profile: SupervisorProfile | None
    serving: bool
    open_cases: int


def supervisor_summary(supervisor: User) -> SupervisorSummary:
    """Return a supervisor's term and how many open cases their jurisdiction holds."""
    profile = supervisor.supervisor_profile
    serving = profile is not None and profile.serves_on(local_today())
    count = 0
    if serving:
        count = db.session.scalar(
            select(func.count(Case.id)).where(supervised_cases(supervisor), is_open())
        )
    return SupervisorSummary(profile, serving, count)
