"""Tallies of satisfaction rounds: counts per option and voter group, the rate, the verdict.

The rate counts the valid votes only, those of the representatives of the people and of the
reporters of the linked cases; the general public's votes are shown apart and never change
the verdict. Integers decide, favourable * 100 >= threshold * valid, so that 79.9 % fails
and 80.0 % passes; the rate is shown floored to one decimal, so that the figure shown never
reads as a pass when the verdict is a failure.

No one's choice may show. A tally is published only once the round is closed; while it
runs, staff see how many votes each group cast, never for what (watching the counts move
would tell them how the person who just voted chose). A published row never holds fewer
than ``MIN_PUBLISHED_VOTES`` votes: smaller groups are counted together, and a round with
fewer valid votes than that publishes its verdict and number of votes, not the counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    REPRESENTATIVE_GROUPS,
    RectificationItem,
    RectificationRound,
    ReviewOutcome,
    ReviewRound,
    ReviewStatus,
    Satisfaction,
    Vote,
    VoterGroup,
)

#: The answers that count for the unit.
FAVOURABLE = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
#: The groups whose votes make the rate and the quorum, in the order the tally shows them.
VALID_GROUPS = (*REPRESENTATIVE_GROUPS, VoterGroup.REPORTER)
#: Fewest votes a published row may count, so that no row gives away a person's choice.
MIN_PUBLISHED_VOTES = 5


def decide(valid: int, favourable: int, quorum: int, threshold_percent: int) -> ReviewOutcome:
    """Return a round's verdict: the quorum first, then the threshold, in integers."""
    if valid < quorum:
        return ReviewOutcome.BELOW_QUORUM
    if favourable * 100 < threshold_percent * valid:
        return ReviewOutcome.BELOW_THRESHOLD
    return ReviewOutcome.ACCEPTED


@dataclass(frozen=True)
class TallyRow:
    """A row of a published tally: one group of voters, or the small groups together."""

    #: The group, or None for the groups counted together.
    group: VoterGroup | None
    by_option: dict[Satisfaction, int]

    @property
    def total(self) -> int:
        """Return the votes of the row."""
        return sum(self.by_option.values())


@dataclass(frozen=True)
class Tally:
    """The counts of one round per voter group and option, and what they decide."""

    quorum: int
    threshold_percent: int
    #: group -> option -> votes; every group and option is there, zeros included.
    counts: dict[VoterGroup, dict[Satisfaction, int]] = field(default_factory=dict)

    def group_total(self, group: VoterGroup) -> int:
        """Return the votes of one group."""
        return sum(self.counts[group].values())

    @property
    def valid_by_option(self) -> dict[Satisfaction, int]:
        """Return the valid votes per option (the public's left out)."""
        return {
            option: sum(self.counts[g][option] for g in VALID_GROUPS) for option in Satisfaction
        }

    @property
    def valid(self) -> int:
        """Return the number of valid votes: representatives and reporters."""
        return sum(self.valid_by_option.values())

    @property
    def favourable(self) -> int:
        """Return the valid votes that are satisfied or basically satisfied."""
        return sum(self.valid_by_option[option] for option in FAVOURABLE)

    @property
    def rate(self) -> Decimal | None:
        """Return the favourable share of the valid votes in percent, floored to 0.1."""
        if not self.valid:
            return None
        return Decimal(self.favourable * 1000 // self.valid) / 10

    @property
    def public_by_option(self) -> dict[Satisfaction, int]:
        """Return the general public's votes per option, counted apart."""
        return self.counts[VoterGroup.PUBLIC]

    @property
    def public_total(self) -> int:
        """Return the general public's votes, counted apart."""
        return self.group_total(VoterGroup.PUBLIC)

    @property
    def quorum_reached(self) -> bool:
        """Tell whether enough valid votes were cast."""
        return self.valid >= self.quorum

    @property
    def outcome(self) -> ReviewOutcome:
        """Return the verdict these counts give."""
        return decide(self.valid, self.favourable, self.quorum, self.threshold_percent)

    @property
    def publishable(self) -> bool:
        """Tell whether the counts per answer may be published without showing a choice."""
        return self.valid >= MIN_PUBLISHED_VOTES

    def published_rows(self) -> list[TallyRow]:
        """Return the valid groups' rows as published: groups too small to stand alone are
        counted together, adding the next smallest group until the shared row is big enough.
        """
        groups = sorted((g for g in VALID_GROUPS if self.group_total(g)), key=self.group_total)
        together: list[VoterGroup] = []
        while groups and (
            self.group_total(groups[0]) < MIN_PUBLISHED_VOTES
            or 0 < sum(map(self.group_total, together)) < MIN_PUBLISHED_VOTES
        ):
            together.append(groups.pop(0))
        rows = [TallyRow(g, self.counts[g]) for g in VALID_GROUPS if g in groups]
        if together:
            summed = {o: sum(self.counts[g][o] for g in together) for o in Satisfaction}
            rows.append(TallyRow(None, summed))
        return rows

    @property
    def public_publishable(self) -> bool:
        """Tell whether the general public's counts per answer may be published."""
        return self.public_total >= MIN_PUBLISHED_VOTES


@dataclass(frozen=True)
class RoundReview:
    """A rectification round's satisfaction round, with its tally where it may be shown."""

    number: int
    review: ReviewRound
    tally: Tally | None


def tally(review: ReviewRound) -> Tally:
    """Count the votes of a round."""
    return _tallies([review])[review.id]


def round_review(round_: RectificationRound, live: bool = False) -> RoundReview | None:
    """Return a rectification round's satisfaction round, tallied once closed (or live)."""
    review = round_.review
    if review is None:
        return None
    shown = live or review.status == ReviewStatus.CLOSED
    return RoundReview(round_.number, review, tally(review) if shown else None)


def item_reviews(item: RectificationItem, live: bool = False) -> list[RoundReview]:
    """Return the satisfaction rounds of an item, newest first, tallied once closed (or live)."""
    reviews = [r.review for r in reversed(item.rounds) if r.review is not None]
    shown = [r for r in reviews if live or r.status == ReviewStatus.CLOSED]
    tallies = _tallies(shown)
    return [RoundReview(r.round.number, r, tallies.get(r.id)) for r in reviews]


def _tallies(reviews: list[ReviewRound]) -> dict[int, Tally]:
    """Count the votes of several rounds in one query."""
    if not reviews:
        return {}
    counts: dict[int, dict] = defaultdict(
        lambda: {group: dict.fromkeys(Satisfaction, 0) for group in VoterGroup}
    )
    query = (
        select(Vote.review_id, Vote.voter_group, Vote.choice, func.count())
        .where(Vote.review_id.in_([r.id for r in reviews]))
        .group_by(Vote.review_id, Vote.voter_group, Vote.choice)
    )
    for review_id, group, choice, number in db.session.execute(query):
        counts[review_id][group][choice] = number
    return {r.id: Tally(r.quorum, r.threshold_percent, counts[r.id]) for r in reviews}
