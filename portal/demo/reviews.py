"""The demo's satisfaction rounds: one item accepted, one sent back for round 2, one under way.

Every step goes through the services: the round is scheduled, opened and closed by the
city's handler, the representatives vote with codes printed for them, the reporters of the
linked cases with their receipts. Only the round's dates are moved into the past afterwards,
so that the board reads like a city some weeks into the two openness.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.demo.accounts import DemoStaff
from portal.extensions import db
from portal.models import (
    Case,
    ItemState,
    RectificationItem,
    ReviewRound,
    Role,
    Satisfaction,
    User,
    VoterGroup,
    utcnow,
)
from portal.services.ballots import Right, RightKind, cast_vote, generate_ballots
from portal.services.reviews import Schedule, close_review, open_review, schedule_review

G, S = VoterGroup, Satisfaction
#: (satisfied, basically satisfied, dissatisfied) per group. 25 of 29 valid votes: 86.2 %.
ACCEPTED_VOTES = {
    G.DEPUTY: (5, 2, 1),
    G.CPPCC_MEMBER: (4, 1, 1),
    G.EMPLOYEE_REPRESENTATIVE: (3, 3, 1),
    G.IMAGE_SUPERVISOR: (2, 2, 1),
    G.REPORTER: (2, 1, 0),
    G.PUBLIC: (6, 3, 2),
}
#: 11 of 25 valid votes: 44.0 %, so the unit rectifies again.
FAILED_VOTES = {
    G.DEPUTY: (2, 2, 4),
    G.CPPCC_MEMBER: (1, 2, 3),
    G.EMPLOYEE_REPRESENTATIVE: (2, 1, 3),
    G.IMAGE_SUPERVISOR: (1, 0, 2),
    G.REPORTER: (0, 0, 2),
}
#: The round under way, some days in: 9 votes so far.
RUNNING_VOTES = {
    G.DEPUTY: (3, 1, 0),
    G.CPPCC_MEMBER: (2, 1, 1),
    G.REPORTER: (0, 1, 0),
}
#: Codes printed per group of representatives for every round (more than are used).
PRINTED = {G.DEPUTY: 10, G.CPPCC_MEMBER: 8, G.EMPLOYEE_REPRESENTATIVE: 8, G.IMAGE_SUPERVISOR: 6}
#: Unused codes of the running round printed by seed-demo, to try the vote page with.
SHOWN_CODES = 3


@dataclass(frozen=True)
class DemoReviews:
    """The running round, and ballot codes of it nobody has used, to try the vote with."""

    item: RectificationItem | None
    unused_codes: list[str]


def build_reviews(
    staff: DemoStaff, submitted: list[tuple[Case, str]], items: dict[str, RectificationItem]
) -> DemoReviews:
    """Review the demo items whose result is published: accept one, fail one, run one."""
    actor, now = staff.users[Role.HANDLER], utcnow()
    receipts = {case.id: receipt for case, receipt in submitted}
    ready = {k: i for k, i in items.items() if i.state == ItemState.RESULT_PUBLISHED}
    for key, plan, weeks_ago in (
        ("accepted", ACCEPTED_VOTES, 6),
        ("second_round", FAILED_VOTES, 4),
    ):
        if key in ready:
            review, _unused = _run(ready[key], actor, receipts, plan, public=key == "accepted")
            close_review(review, actor)
            opened = now - timedelta(weeks=weeks_ago)
            _backdate(review, opened, opened + timedelta(days=14))
    running = ready.get("under_review")
    if running is None:
        return DemoReviews(None, [])
    review, unused = _run(running, actor, receipts, RUNNING_VOTES)
    _backdate(review, now - timedelta(days=4), now + timedelta(days=10))
    return DemoReviews(running, unused[:SHOWN_CODES])


def review_details(reviews: DemoReviews) -> list[str]:
    """Return the lines seed-demo prints about the running round."""
    if reviews.item is None:
        return []
    return [
        f"Vote on item {reviews.item.id} at /items/{reviews.item.id}/vote with one of these"
        " unused deputies' ballot codes (shown only here):",
        *(f"  {code}" for code in reviews.unused_codes),
    ]


def _run(
    item: RectificationItem,
    actor: User,
    receipts: dict[int, str],
    plan: dict[VoterGroup, tuple[int, int, int]],
    public: bool = False,
) -> tuple[ReviewRound, list[str]]:
    """Open a round on the item and cast the planned votes; return it and unused deputy codes."""
    opens = utcnow() + timedelta(days=1)
    schedule = Schedule(opens, opens + timedelta(days=14), 20, 80, public_voting=public)
    review = schedule_review(item, actor, item.version, schedule)
    open_review(review, actor)
    unused: list[str] = []
    for group, printed in PRINTED.items():
        codes = generate_ballots(review, group, printed, actor).codes
        choices = _choices(plan.get(group))
        for code, choice in zip(codes, choices, strict=False):
            cast_vote(review, choice.value, Right(RightKind.CODE, code))
        if group == G.DEPUTY:
            unused = codes[len(choices) :]
    linked = [receipts[case.id] for case in item.cases if case.id in receipts]
    for receipt, choice in zip(linked, _choices(plan.get(G.REPORTER)), strict=False):
        cast_vote(review, choice.value, Right(RightKind.RECEIPT, receipt))
    for choice in _choices(plan.get(G.PUBLIC)):
        cast_vote(review, choice.value, Right(RightKind.PUBLIC))
    return review, unused


def _choices(counts: tuple[int, int, int] | None) -> list[Satisfaction]:
    satisfied, basically, dissatisfied = counts or (0, 0, 0)
    return (
        [S.SATISFIED] * satisfied
        + [S.BASICALLY_SATISFIED] * basically
        + [S.DISSATISFIED] * dissatisfied
    )


def _backdate(review: ReviewRound, opens: datetime, closes: datetime) -> None:
    """Move a round's dates into the past: the services stamp the present moment."""
    review.opens_at, review.closes_at = opens, closes
    if review.closed_at is not None:
        review.closed_at = closes
    db.session.flush()
