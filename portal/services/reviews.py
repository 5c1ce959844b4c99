"""Satisfaction rounds (满意度测评): scheduled, opened and closed through one small table.

A round is scheduled for an item's current rectification round once its result is public;
until it opens, its times, quorum, threshold and public vote may be changed (rescheduled). It
opens (by staff, or by date through ``flask reviews tick``) and closes the same ways. Opening
puts the item under review; closing counts the votes and accepts the item, or sends it back
to rectify again in round n+1 (the item's own table opens that round). Every move locks the
round's row, checks the table, writes an audit row and flushes; the same state is a no-op,
so a click and the tick closing a round at the same moment close it once.

Moves by date are made by the system (``actor`` None; the audit rows name "system" and say
``"by": "date"``); staff moves are checked against the account's right and scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (
    ItemState,
    RectificationItem,
    RectificationRound,
    ReviewOutcome,
    ReviewRound,
    ReviewStatus,
    User,
    utcnow,
)
from portal.policy import Permission, can
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.items import StaleItem, item_in_scope, transition_item, visible_items
from portal.services.tally import tally

R = ReviewStatus

#: (status, action) -> new status. The whole life of a satisfaction round.
REVIEW_TRANSITIONS: dict[tuple[ReviewStatus, str], ReviewStatus] = {
    (R.SCHEDULED, "reschedule"): R.SCHEDULED,
    (R.SCHEDULED, "open"): R.OPEN,
    (R.OPEN, "close"): R.CLOSED,
}
#: Who made a move: a member of staff, or the date (the tick command).
BY_STAFF, BY_DATE = "staff", "date"


class InvalidReviewTransition(DomainError):
    """The round's life has no such move from its current status."""


@dataclass(frozen=True)
class Schedule:
    """When a round takes votes, how many it needs, and who may vote."""

    opens_at: datetime
    closes_at: datetime
    quorum: int
    threshold_percent: int
    public_voting: bool = False


def current_review(item: RectificationItem) -> ReviewRound | None:
    """Return the satisfaction round of the item's current rectification round, if any."""
    return item.current_round.review


def accepts_votes(review: ReviewRound | None) -> bool:
    """Tell whether a round takes votes now: open, and its closing time not yet come."""
    # The closing time counts even before the tick has closed the round.
    return review is not None and review.status == ReviewStatus.OPEN and utcnow() < review.closes_at


def schedule_review(
    item: RectificationItem, actor: User, version: int, schedule: Schedule
) -> ReviewRound:
    """Schedule the satisfaction round of an item whose result is published."""
    check_manager(actor, item)
    if item.version != version:
        raise StaleItem(item)
    if item.state != ItemState.RESULT_PUBLISHED or current_review(item) is not None:
        raise DomainError(
            _l("A satisfaction round is scheduled once the round's result is published.")
        )
    _check_schedule(schedule)
    review = ReviewRound(
        round=item.current_round,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        quorum=schedule.quorum,
        threshold_percent=schedule.threshold_percent,
        public_voting=schedule.public_voting,
    )
    db.session.add(review)
    db.session.flush()
    audit.record(
        "review.schedule",
        actor=actor,
        object_type="review",
        object_id=review.id,
        details={"item": item.id, "round": item.round_number, **_schedule_details(schedule)},
    )
    return review


def reschedule_review(review: ReviewRound, actor: User, schedule: Schedule) -> bool:
    """Change a scheduled round's times and rules before it opens; False if nothing changed.

    Once the round is open its rules stay as the voters found them.
    """
    # Not _may_move: a round already "scheduled" is where rescheduling starts, not a repeat.
    check_manager(actor, review.round.item)
    lock_review(review)
    if (review.status, "reschedule") not in REVIEW_TRANSITIONS:
        raise InvalidReviewTransition(
            _l("Voting has begun in this round: its schedule and rules can no longer change.")
        )
    _check_schedule(schedule)
    before = _schedule_of(review)
    if before == schedule:
        return False
    review.opens_at, review.closes_at = schedule.opens_at, schedule.closes_at
    review.quorum, review.threshold_percent = schedule.quorum, schedule.threshold_percent
    review.public_voting = schedule.public_voting
    _moved(
        review,
        "reschedule",
        actor,
        BY_STAFF,
        before=_schedule_details(before),
        after=_schedule_details(schedule),
    )
    return True


def _schedule_of(review: ReviewRound) -> Schedule:
    return Schedule(
        opens_at=review.opens_at,
        closes_at=review.closes_at,
        quorum=review.quorum,
        threshold_percent=review.threshold_percent,
        public_voting=review.public_voting,
    )


def _schedule_details(schedule: Schedule) -> dict:
    """Return a schedule as the audit trail records it."""
    return {
        "opens_at": schedule.opens_at.isoformat(),
        "closes_at": schedule.closes_at.isoformat(),
        "quorum": schedule.quorum,
        "threshold_percent": schedule.threshold_percent,
        "public_voting": schedule.public_voting,
    }


def open_review(review: ReviewRound, actor: User | None, by: str = BY_STAFF) -> bool:
    """Open a round for votes and put its item under review; False if already open."""
    if not _may_move(review, "open", actor):
        return False
    # Opened early by staff: the public record shows when voting really began.
    review.opens_at = min(review.opens_at, utcnow())
    _moved(review, "open", actor, by)
    item = review.round.item
    transition_item(item, "open_review", actor, item.version, {"review": review.id, "by": by})
    return True


def close_review(review: ReviewRound, actor: User | None, by: str = BY_STAFF) -> bool:
    """Close a round, count it, and accept the item or send it back; False if closed."""
    if not _may_move(review, "close", actor):
        return False
    counted = tally(review)
    review.outcome, review.closed_at = counted.outcome, utcnow()
    _moved(
        review,
        "close",
        actor,
        by,
        outcome=counted.outcome.value,
        valid=counted.valid,
        favourable=counted.favourable,
        public=counted.public_total,
    )
    item = review.round.item
    action = "accept" if counted.outcome == ReviewOutcome.ACCEPTED else "rectify_again"
    transition_item(item, action, actor, item.version, {"review": review.id, "by": by})
    return True


def ready_items(user: User) -> list[RectificationItem]:
    """Return the items in the account's scope whose published result awaits its round."""
    reviewed = select(ReviewRound.round_id)
    query = (
        select(RectificationItem)
        .join(
            RectificationRound,
            (RectificationRound.item_id == RectificationItem.id)
            & (RectificationRound.number == RectificationItem.round_number),
        )
        .where(
            visible_items(user),
            RectificationItem.state == ItemState.RESULT_PUBLISHED,
            RectificationRound.id.not_in(reviewed),
        )
    )
    return list(db.session.scalars(query.order_by(RectificationItem.id)))


def scoped_reviews(user: User, limit: int = 50) -> list[ReviewRound]:
    """Return the rounds of the items in the account's scope: running first, then newest."""
    query = (
        select(ReviewRound)
        .join(RectificationRound, RectificationRound.id == ReviewRound.round_id)
        .join(RectificationItem, RectificationItem.id == RectificationRound.item_id)
        .where(visible_items(user))
        .options(joinedload(ReviewRound.round).joinedload(RectificationRound.item))
        .order_by((ReviewRound.status == R.CLOSED), ReviewRound.closes_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def due_to_open(now: datetime) -> list[int]:
    """Return the ids of the scheduled rounds whose opening time has come."""
    query = select(ReviewRound.id).where(
        ReviewRound.status == R.SCHEDULED, ReviewRound.opens_at <= now
    )
    return list(db.session.scalars(query.order_by(ReviewRound.id)))


def due_to_close(now: datetime) -> list[int]:
    """Return the ids of the open rounds whose closing time has come."""
    query = select(ReviewRound.id).where(ReviewRound.status == R.OPEN, ReviewRound.closes_at <= now)
    return list(db.session.scalars(query.order_by(ReviewRound.id)))


def lock_review(review: ReviewRound, shared: bool = False) -> None:
    """Lock a round's row and read it afresh, so that a vote and its close never cross.

    A vote takes the shared lock, a move the exclusive one: a close waits for the votes
    being cast to commit and counts them, and a vote waiting behind a close sees it closed.
    SQLite needs none of it, since its write transactions run one at a time.
    """
    query = (
        select(ReviewRound)
        .where(ReviewRound.id == review.id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    )
    db.session.execute(query)


def _may_move(review: ReviewRound, action: str, actor: User | None) -> bool:
    """Lock the round and check the move: False when it was made already, raise if unknown."""
    if actor is not None:
        check_manager(actor, review.round.item)
    lock_review(review)
    if (review.status, action) in REVIEW_TRANSITIONS:
        return True
    if review.status in {t for (_s, a), t in REVIEW_TRANSITIONS.items() if a == action}:
        return False
    raise InvalidReviewTransition(
        _l(
            "A satisfaction round that is “%(status)s” cannot move this way.",
            status=review.status.label,
        )
    )


def _moved(review: ReviewRound, action: str, actor: User | None, by: str, **details) -> None:
    """Set the round's new status and write the audit row of the move."""
    source = review.status
    review.status = REVIEW_TRANSITIONS[(source, action)]
    audit.record(
        f"review.{action}",
        actor=actor,
        actor_label="system",
        object_type="review",
        object_id=review.id,
        details={
            "from": source.value,
            "to": review.status.value,
            "item": review.round.item_id,
            "round": review.round.number,
            "by": by,
            **details,
        },
    )


def check_manager(actor: User, item: RectificationItem) -> None:
    """Refuse an account that may not run the satisfaction rounds of an item."""
    if not (can(actor, Permission.MANAGE_ITEMS) and item_in_scope(actor, item)):
        raise DomainError(_l("You are not allowed to run satisfaction rounds of this item."))


def _check_schedule(schedule: Schedule) -> None:
    if schedule.closes_at <= schedule.opens_at:
        raise DomainError(_l("The round must close after it opens."), field="closes_at")
    if schedule.closes_at <= utcnow():
        raise DomainError(_l("The closing time has passed already."), field="closes_at")
    if schedule.quorum < 1:
        raise DomainError(_l("The quorum is at least one vote."), field="quorum")
    if not 1 <= schedule.threshold_percent <= 100:
        raise DomainError(_l("The threshold lies between 1 and 100 %."), field="threshold_percent")
