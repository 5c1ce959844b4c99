"""Rectification under way: starting it, milestones of progress, the result, supervisors' words.

Milestones are the unit's own progress reports (a text, how far along it is, and evidence
files cleaned by :mod:`portal.services.evidence`), public as soon as they are posted and
never changed after. The result is drafted here and published with a second person's
approval (:mod:`portal.services.item_publication`). Image supervisors of the unit's area,
unless they declared a conflict with it, assess a round independently; the public reads
their assessment beside the unit's own report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.exc import IntegrityError

from portal import evidence_files
from portal.extensions import db
from portal.models import (
    Attachment,
    ItemState,
    Milestone,
    PublicationKind,
    RectificationItem,
    SupervisorAssessment,
    User,
)
from portal.policy import Permission, can, conflict_unit_ids
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.evidence import CleanFile
from portal.services.item_texts import public_html, public_text
from portal.services.items import item_in_scope, transition_item, visible_items
from portal.services.rectification import (
    NOT_ALLOWED,
    may_draft,
    pending_request,
    record_change,
    touch,
)

MILESTONE_MAX = 2_000
ASSESSMENT_MAX = 5_000
#: States in which the result may change: its draft, then a correction until the review.
RESULT_EDITABLE = frozenset({ItemState.IN_RECTIFICATION, ItemState.RESULT_PUBLISHED})
#: States in which supervisors assess the current round: the work, then its result.
ASSESSABLE = frozenset(
    {ItemState.IN_RECTIFICATION, ItemState.RESULT_PUBLISHED, ItemState.UNDER_REVIEW}
)


def start_rectification(item: RectificationItem, actor: User, version: int) -> bool:
    """Begin the work the published commitment promised; False if it had begun."""
    return transition_item(item, "start_rectification", actor, version)


def add_milestone(
    item: RectificationItem,
    actor: User,
    version: int,
    text: str,
    percent: int | None,
    files: Sequence[CleanFile] = (),
) -> Milestone:
    """Report a step of progress, public at once, with its evidence files (cleaned)."""
    if not may_draft(actor, item):
        raise DomainError(NOT_ALLOWED)
    if item.state != ItemState.IN_RECTIFICATION:
        raise DomainError(_l("Progress is reported while the item is in rectification."))
    text = public_text(text, "progress", MILESTONE_MAX)
    if percent is None or not 0 <= percent <= 100:
        raise DomainError(_l("Give a percentage from 0 to 100."), field="percent")
    touch(item, version)
    milestone = Milestone(text=text, percent=percent, created_by_id=actor.id)
    item.current_round.milestones.append(milestone)
    db.session.flush()
    stored = [_evidence(milestone, file, actor) for file in files]
    db.session.add_all(stored)
    db.session.flush()
    evidence = [{"file": a.id, "sha256": a.sha256} for a in stored]
    details = {"milestone": milestone.id, "percent": percent, "files": evidence}
    record_change(item, actor, "item.milestone", **details)
    return milestone


def milestone_files(milestones: Sequence[Milestone]) -> dict[int, list[Attachment]]:
    """Return the evidence files of milestones by milestone id, oldest first."""
    query = select(Attachment).where(Attachment.milestone_id.in_([m.id for m in milestones]))
    files: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in db.session.scalars(query.order_by(Attachment.id)):
        files[attachment.milestone_id].append(attachment)
    return files


def _evidence(milestone: Milestone, file: CleanFile, actor: User) -> Attachment:
    """Store a cleaned file as the public evidence of a milestone."""
    return Attachment(
        milestone_id=milestone.id,
        uploaded_by_id=actor.id,
        kind=file.kind,
        display_name=file.display_name,
        storage_name=evidence_files.store(file.data),
        size=file.size,
        sha256=file.sha256,
    )


def update_result(item: RectificationItem, actor: User, version: int, result: str) -> bool:
    """Write the unit's report of what it did in this round; False when nothing changed."""
    if not may_draft(actor, item):
        raise DomainError(NOT_ALLOWED)
    if not result_editable(item):
        raise DomainError(_l("The result cannot change now."))
    cleaned = public_html(result, "result")
    round_ = item.current_round
    if round_.result == cleaned:
        return False
    touch(item, version)
    round_.result = cleaned
    record_change(item, actor, "item.edit_result")
    return True


def result_editable(item: RectificationItem) -> bool:
    """Tell whether the current round's result may change now (by someone allowed to)."""
    return item.state in RESULT_EDITABLE and not pending_request(
        item.current_round, PublicationKind.RESULT
    )


def may_assess(user: User, item: RectificationItem) -> bool:
    """Tell whether an image supervisor may assess an item: in their area, no conflict."""
    return (
        can(user, Permission.SUPERVISE)
        and item_in_scope(user, item)
        and item.unit_id not in conflict_unit_ids(user)
    )


def add_assessment(item: RectificationItem, supervisor: User, text: str) -> SupervisorAssessment:
    """Record an image supervisor's own assessment of the current round, once per round."""
    if not may_assess(supervisor, item):
        raise DomainError(NOT_ALLOWED)
    if item.state not in ASSESSABLE:
        raise DomainError(_l("This item is not open for assessment now."))
    text = public_text(text, "text", ASSESSMENT_MAX)
    round_ = item.current_round
    assessment = SupervisorAssessment(round_id=round_.id, supervisor_id=supervisor.id, text=text)
    try:
        # A double click sent twice at once: the second meets the unique constraint.
        with db.session.begin_nested():
            db.session.add(assessment)
    except IntegrityError as error:
        raise DomainError(_l("You have assessed this round already.")) from error
    audit.record(
        "item.assess",
        actor=supervisor,
        object_type="item",
        object_id=item.id,
        details={"round": round_.number, "assessment": assessment.id},
    )
    return assessment


def has_assessed(supervisor: User, item: RectificationItem) -> bool:
    """Tell whether a supervisor assessed the item's current round already."""
    return any(a.supervisor_id == supervisor.id for a in item.current_round.assessments)


def assessable_items(user: User) -> list[RectificationItem]:
    """Return the items an image supervisor may assess now, newest first."""
    query = (
        select(RectificationItem)
        .where(visible_items(user), RectificationItem.state.in_(sorted(ASSESSABLE)))
        .where(_outside_conflicts(user))
        .order_by(RectificationItem.id.desc())
    )
    return list(db.session.scalars(query))


def _outside_conflicts(user: User) -> ColumnElement[bool]:
    """Select the items whose unit lies outside every unit the supervisor is in conflict with."""
    conflicts = conflict_unit_ids(user)
    return RectificationItem.unit_id.not_in(conflicts) if conflicts else true()
