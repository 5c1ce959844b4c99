"""Closing the loop with the reporter (回访): their verdict on each answer, and the check-in.

Both come from the reporter's own track page, opened with the receipt, so no staff
permission applies. The first dissatisfied verdict on a case reopens it, once; later ones
are recorded, and the reporter is pointed to the other ways of being heard. A confidential
reporter is asked once, privately, some months after reporting whether they have faced
retaliation; a yes opens a protected case, seen only at the top of the tree, under the
reporter's same sealed identity. Nothing of the check-in is written to the original case,
whose handlers may be the very people the reporter fears.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    Channel,
    HandlingFeedback,
    MessageDirection,
    ReporterMode,
    RetaliationCheckin,
    Satisfaction,
    Unit,
)
from portal.services import audit, workflow
from portal.services.errors import DomainError
from portal.services.intake import Submission, submit_case

#: Statuses in which the reporter has an answer to judge.
ANSWERED_STATUSES = frozenset({CaseStatus.ANSWERED, CaseStatus.CLOSED})
#: The category of a protected case.
RETALIATION_CATEGORY = "other"
#: The text of a protected case when the reporter wrote none (staff read cases in Chinese).
RETALIATION_TEXT = "举报人在回访中表示，举报后遭受了打击报复，未填写具体情况。"


def answers_given(case: Case) -> int:
    """Count the answers the staff sent to the reporter of a case."""
    return sum(m.direction == MessageDirection.TO_REPORTER for m in case.messages)


def verdicts(case: Case) -> list[HandlingFeedback]:
    """Return the reporter's verdicts on a case, one per answer, oldest first."""
    query = select(HandlingFeedback).where(HandlingFeedback.case_id == case.id)
    return list(db.session.scalars(query.order_by(HandlingFeedback.answer_number)))


def answer_to_judge(case: Case) -> int | None:
    """Return the number of the answer the reporter has not judged yet, or None."""
    if case.status not in ANSWERED_STATUSES:
        return None
    number = answers_given(case)
    if number == 0 or any(v.answer_number == number for v in verdicts(case)):
        return None
    return number


def record_verdict(case: Case, satisfaction: Satisfaction, reason: str = "") -> HandlingFeedback:
    """Record the reporter's verdict on the latest answer; a first dissatisfied one reopens."""
    number = answer_to_judge(case)
    if number is None:
        raise DomainError(_l("There is no answer waiting for your verdict."))
    reason = reason.strip()
    dissatisfied = satisfaction == Satisfaction.DISSATISFIED
    if dissatisfied and not reason:
        raise DomainError(_l("Please tell us what you are dissatisfied with."), field="reason")
    reopens = dissatisfied and not any(
        v.satisfaction == Satisfaction.DISSATISFIED for v in verdicts(case)
    )
    verdict = HandlingFeedback(
        case_id=case.id,
        answer_number=number,
        satisfaction=satisfaction,
        reason=reason or None,
        reopened=reopens,
    )
    _add_once(verdict, _l("Your verdict on this answer is recorded already."))
    if reopens:
        workflow.reporter_reopen_case(case, reason)
    details = {"answer": number, "satisfaction": satisfaction.value, "reopened": reopens}
    audit.record(
        "feedback.verdict",
        actor_label="reporter",
        object_type="case",
        object_id=case.number,
        details=details,
    )
    return verdict


def checkin_of(case: Case) -> RetaliationCheckin | None:
    """Return the reporter's answer to the retaliation check-in, if they gave one."""
    return db.session.get(RetaliationCheckin, case.id)


def checkin_from(case: Case) -> date | None:
    """Return the day from which a confidential reporter is asked about retaliation."""
    if case.reporter_mode != ReporterMode.CONFIDENTIAL or case.is_protected:
        return None
    return case.received_on + timedelta(days=current_app.config["RETALIATION_CHECKIN_DAYS"])


def checkin_due(case: Case, today: date | None = None) -> bool:
    """Tell whether the track page asks its reporter the retaliation question now."""
    since = checkin_from(case)
    return since is not None and (today or local_today()) >= since and checkin_of(case) is None


def record_checkin(case: Case, faced: bool, description: str = "") -> RetaliationCheckin:
    """Record the check-in's answer; a yes opens a protected case for the discipline channel."""
    if not checkin_due(case):
        raise DomainError(_l("This question has been answered already."))
    protected = open_protected_case(case, description) if faced else None
    checkin = RetaliationCheckin(case_id=case.id, faced_retaliation=faced, protected_case=protected)
    _add_once(checkin, _l("This question has been answered already."))
    # The answer stays out of the trail: it is read with the original case's number, and a
    # yes is on record as the protected case's own submission.
    audit.record(
        "feedback.checkin", actor_label="reporter", object_type="case", object_id=case.number
    )
    return checkin


def open_protected_case(case: Case, description: str = "") -> Case:
    """Open a protected case at the top of the tree, sealed and about the original's cadre."""
    root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    category = db.session.scalar(select(Category).where(Category.code == RETALIATION_CATEGORY))
    submission = Submission(
        kind=CaseKind.REPORT,
        unit_id=root.id if root else None,
        title=f"反映遭受打击报复（原受理编号 {case.number}）",
        body=description.strip() or RETALIATION_TEXT,
        channel=Channel.WEB,
        category_id=category.id if category else None,
        reporter_mode=ReporterMode.CONFIDENTIAL,
        sealed_contact=(case.contact_ciphertext, case.contact_key),
        protected=True,
        locale=case.locale,
    )
    # Its receipt is never shown: the reporter follows it on the original case's page.
    protected, _receipt = submit_case(submission)
    # The accused goes along, so the recusal that hides the original hides this one too. The
    # intake takes only a cadre of the case's own unit, and this case stays at the top.
    # Part of its opening, not a later change: updated_at stays as the intake set it.
    db.session.execute(
        update(Case)
        .where(Case.id == protected.id)
        .values(cadre_id=case.cadre_id, post_id=case.post_id, updated_at=Case.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(protected, ["cadre", "cadre_id", "post_id", "updated_at"])
    return protected


def _add_once(row: HandlingFeedback | RetaliationCheckin, message: str) -> None:
    """Add a row that may exist only once; a second sending of the form is refused."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as error:
        raise DomainError(message) from error
