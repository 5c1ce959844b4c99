"""Helpers for tests of satisfaction rounds: an item with a published result, a round, votes."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from portal.extensions import db
from portal.models import (
    Case,
    ItemState,
    Measure,
    PublicationKind,
    PublishedVersion,
    RectificationItem,
    RectificationRound,
    ReviewRound,
    Satisfaction,
    Unit,
    User,
    Vote,
    VoterGroup,
    utcnow,
)
from portal.services.items import fingerprint, published_content
from portal.services.reviews import Schedule, open_review, schedule_review


def item_with_result(
    unit: Unit, author: User, cases: list[Case] = (), title: str = "社保窗口排队时间过长"
) -> RectificationItem:
    """Add an item whose round 1 has a published commitment and result."""
    item = RectificationItem(
        unit=unit,
        title=title,
        problem_statement="<p>群众反映社保窗口上午只开一个，排队两个多小时。</p>",
        created_by=author,
        state=ItemState.RESULT_PUBLISHED,
        cases=list(cases),
    )
    round_ = RectificationRound(
        number=1, commitment="<p>增开窗口，推行预约办理。</p>", deadline=date(2026, 12, 31)
    )
    round_.measures.append(
        Measure(text="上午增开两个社保窗口", owner_unit=unit, due_on=date(2026, 11, 30))
    )
    round_.result = "<p>已增开两个窗口。</p>"
    item.rounds.append(round_)
    db.session.add(item)
    db.session.flush()
    publish(round_, author)
    return item


def publish(round_: RectificationRound, author: User) -> None:
    """Publish a round's commitment and result as version 1 each, fingerprinted."""
    now = utcnow()
    for kind in PublicationKind:
        content = published_content(round_, kind)
        setattr(round_, f"{kind.value}_published_at", now)
        setattr(round_, f"{kind.value}_fingerprint", fingerprint(content))
        db.session.add(
            PublishedVersion(
                round_id=round_.id,
                kind=kind,
                number=1,
                content=content,
                fingerprint=fingerprint(content),
                published_by_id=author.id,
            )
        )
    db.session.flush()


def publish_result_of_round_two(item: RectificationItem) -> None:
    """Bring an item sent back to rectify again to a published result in round 2."""
    second = item.current_round
    second.commitment, second.result = "<p>再次整改。</p>", "<p>已全部整改。</p>"
    second.deadline = date(2027, 3, 31)
    second.measures.append(
        Measure(text="推行网上预约", owner_unit=item.unit, due_on=date(2027, 2, 28))
    )
    db.session.flush()
    publish(second, item.created_by)
    item.state = ItemState.RESULT_PUBLISHED
    db.session.flush()


def schedule(item: RectificationItem, actor: User, **overrides) -> ReviewRound:
    """Schedule a round opening in an hour and closing in a week (quorum 5, 80 %)."""
    now = utcnow()
    values = {
        "opens_at": now + timedelta(hours=1),
        "closes_at": now + timedelta(days=7),
        "quorum": 5,
        "threshold_percent": 80,
        "public_voting": False,
    }
    values.update(overrides)
    return schedule_review(item, actor, item.version, Schedule(**values))


def open_round(item: RectificationItem, actor: User, **overrides) -> ReviewRound:
    """Schedule a round and open it at once."""
    review = schedule(item, actor, **overrides)
    open_review(review, actor)
    return review


def add_votes(review: ReviewRound, group: VoterGroup, *choices: Satisfaction) -> None:
    """Insert votes straight into a round (for counting; casting has tests of its own)."""
    db.session.add_all(
        Vote(id=secrets.token_hex(16), review_id=review.id, voter_group=group, choice=choice)
        for choice in choices
    )
    db.session.flush()


def votes(satisfied: int = 0, basically: int = 0, dissatisfied: int = 0) -> list[Satisfaction]:
    """Return that many choices of each option."""
    return (
        [Satisfaction.SATISFIED] * satisfied
        + [Satisfaction.BASICALLY_SATISFIED] * basically
        + [Satisfaction.DISSATISFIED] * dissatisfied
    )
