"""Satisfaction rounds (满意度测评): ballot codes, votes, and the 80 % rule."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import LabelledEnum
from portal.models.feedback import Satisfaction
from portal.models.rectification import RectificationRound


class ReviewStatus(LabelledEnum):
    """Whether a satisfaction round takes votes."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.SCHEDULED: _l("Not yet open"),
            cls.OPEN: _l("Open for votes"),
            cls.CLOSED: _l("Voting closed"),
        }


class ReviewOutcome(LabelledEnum):
    """What a closed round decided."""

    ACCEPTED = "accepted"
    BELOW_THRESHOLD = "below_threshold"
    BELOW_QUORUM = "below_quorum"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ACCEPTED: _l("Result accepted"),
            cls.BELOW_THRESHOLD: _l("Below the threshold: rectify again"),
            cls.BELOW_QUORUM: _l("Too few votes: rectify again"),
        }


class VoterGroup(LabelledEnum):
    """Who cast a vote: representatives of the people, reporters, or the general public."""

    DEPUTY = "deputy"
    CPPCC_MEMBER = "cppcc_member"
    EMPLOYEE_REPRESENTATIVE = "employee_representative"
    IMAGE_SUPERVISOR = "image_supervisor"
    REPORTER = "reporter"
    PUBLIC = "public"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.DEPUTY: _l("People's Congress deputies"),
            cls.CPPCC_MEMBER: _l("CPPCC members"),
            cls.EMPLOYEE_REPRESENTATIVE: _l("Employee representatives"),
            cls.IMAGE_SUPERVISOR: _l("Image supervisors"),
            cls.REPORTER: _l("Reporters of the linked cases"),
            cls.PUBLIC: _l("General public"),
        }


#: Groups whose members vote with a printed one-time ballot code.
REPRESENTATIVE_GROUPS = (
    VoterGroup.DEPUTY,
    VoterGroup.CPPCC_MEMBER,
    VoterGroup.EMPLOYEE_REPRESENTATIVE,
    VoterGroup.IMAGE_SUPERVISOR,
)


class ReviewRound(Base):
    """The public vote on one rectification round's result."""

    __tablename__ = "review_rounds"
    __table_args__ = (
        CheckConstraint("quorum >= 1", name="quorum_positive"),
        CheckConstraint("threshold_percent BETWEEN 1 AND 100", name="threshold_range"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL AND closed_at IS NOT NULL)",
            name="closed_has_outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"), unique=True)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_type(ReviewStatus, "review_status"), default=ReviewStatus.SCHEDULED
    )
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: Fewest valid votes (representatives and reporters) for the round to count.
    quorum: Mapped[int]
    #: Satisfied + basically satisfied must reach this share of the valid votes.
    threshold_percent: Mapped[int] = mapped_column(default=80)
    #: Whether the general public may vote too (counted apart, not in the rate).
    public_voting: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[ReviewOutcome | None] = mapped_column(enum_type(ReviewOutcome, "outcome"))
    closed_at: Mapped[datetime | None]

    round: Mapped[RectificationRound] = relationship(back_populates="review")


class BallotCode(Base):
    """A one-time code printed for one representative; only its keyed hash is kept."""

    __tablename__ = "ballot_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    voter_group: Mapped[VoterGroup] = mapped_column(enum_type(VoterGroup, "ballot_group"))
    #: The printed batch the code came in.
    batch: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BallotUse(Base):
    """A voting right that was used: a ballot code or a linked case's receipt.

    It is kept apart from the vote it allowed, so that no row ties a choice to a voter; the
    unique constraints make a second vote with the same right fail, even at the same instant.
    """

    __tablename__ = "ballot_uses"
    __table_args__ = (
        UniqueConstraint("review_id", "case_id", name="uq_ballot_uses_review_case"),
        CheckConstraint("(ballot_code_id IS NULL) <> (case_id IS NULL)", name="one_right_per_use"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id"), index=True)
    ballot_code_id: Mapped[int | None] = mapped_column(ForeignKey("ballot_codes.id"), unique=True)
    #: The linked case whose receipt was used.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    used_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(Base):
    """One choice, counted in its group; it names no voter, no code, no receipt and no time."""

    __tablename__ = "votes"

    #: Random, so that the order of votes says nothing about the order of the uses.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id"), index=True)
    voter_group: Mapped[VoterGroup] = mapped_column(enum_type(VoterGroup, "vote_group"))
    choice: Mapped[Satisfaction] = mapped_column(enum_type(Satisfaction, "vote_choice"))
