"""Rectification items and the "two openness": commitments and results made in public."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import Case, LabelledEnum
from portal.models.categories import Category
from portal.models.identity import RequestStatus
from portal.models.staff import User
from portal.models.units import Unit

if TYPE_CHECKING:
    from portal.models.reviews import ReviewRound


class ItemState(LabelledEnum):
    """Where a rectification item stands; a failed review sends it back to DRAFT, round n+1."""

    DRAFT = "draft"
    COMMITMENT_PUBLISHED = "commitment_published"
    IN_RECTIFICATION = "in_rectification"
    RESULT_PUBLISHED = "result_published"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.DRAFT: _l("Commitment being drafted"),
            cls.COMMITMENT_PUBLISHED: _l("Commitment published"),
            cls.IN_RECTIFICATION: _l("In rectification"),
            cls.RESULT_PUBLISHED: _l("Result published"),
            cls.UNDER_REVIEW: _l("Under public review"),
            cls.ACCEPTED: _l("Accepted by the public"),
        }


class PublicationKind(LabelledEnum):
    """What a unit publishes in a round: first its commitment, then its result."""

    COMMITMENT = "commitment"
    RESULT = "result"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.COMMITMENT: _l("Commitment"), cls.RESULT: _l("Result")}


class RectificationItem(Base):
    """A common problem found in cases, which the responsible unit must fix in public."""

    __tablename__ = "rectification_items"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("round_number >= 1", name="round_number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit that must rectify; it signs the commitment, never a person.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(String(200))
    #: The public statement of the problem (staff rich text, sanitized; no personal data).
    problem_statement: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ItemState] = mapped_column(
        enum_type(ItemState, "item_state"), default=ItemState.DRAFT, index=True
    )
    #: The current round: 1, then 2 after a failed review, and so on.
    round_number: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()
    category: Mapped[Category | None] = relationship()
    created_by: Mapped[User] = relationship()
    cases: Mapped[list[Case]] = relationship(secondary="item_cases", order_by="Case.id")
    rounds: Mapped[list[RectificationRound]] = relationship(
        back_populates="item", order_by="RectificationRound.number"
    )

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @property
    def current_round(self) -> RectificationRound:
        """Return the round under way."""
        return next(r for r in self.rounds if r.number == self.round_number)


class ItemCase(Base):
    """A case linked to a rectification item; its reporter follows the item with their receipt."""

    __tablename__ = "item_cases"

    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)


class RectificationRound(Base):
    """One round of an item: a commitment, its progress, its result and the public's verdict."""

    __tablename__ = "rectification_rounds"
    __table_args__ = (
        UniqueConstraint("item_id", "number", name="uq_rectification_rounds_item_number"),
        CheckConstraint(
            "(commitment_published_at IS NULL) = (commitment_fingerprint IS NULL)",
            name="commitment_fingerprint_when_published",
        ),
        CheckConstraint(
            "(result_published_at IS NULL) = (result_fingerprint IS NULL)",
            name="result_fingerprint_when_published",
        ),
        CheckConstraint(
            "result_published_at IS NULL OR commitment_published_at IS NOT NULL",
            name="result_after_commitment",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id"), index=True)
    number: Mapped[int]
    #: The commitment's summary (staff rich text, sanitized); its measures are rows below.
    commitment: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None]
    commitment_published_at: Mapped[datetime | None]
    #: SHA-256 of the commitment as published, shown publicly so later edits are detectable.
    commitment_fingerprint: Mapped[str | None] = mapped_column(String(64))
    #: The unit's own report of what it did (staff rich text, sanitized).
    result: Mapped[str] = mapped_column(Text, default="")
    result_published_at: Mapped[datetime | None]
    result_fingerprint: Mapped[str | None] = mapped_column(String(64))

    item: Mapped[RectificationItem] = relationship(back_populates="rounds")
    measures: Mapped[list[Measure]] = relationship(
        back_populates="round", order_by="Measure.sort_order, Measure.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="round", order_by="Milestone.id"
    )
    assessments: Mapped[list[SupervisorAssessment]] = relationship(
        back_populates="round", order_by="SupervisorAssessment.id"
    )
    review: Mapped[ReviewRound | None] = relationship(back_populates="round")


class Measure(Base):
    """One promised measure: what will be done, by which unit, by when."""

    __tablename__ = "measures"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    due_on: Mapped[date]
    sort_order: Mapped[int] = mapped_column(default=0)

    round: Mapped[RectificationRound] = relationship(back_populates="measures")
    owner_unit: Mapped[Unit] = relationship()


class Milestone(Base):
    """A step of progress reported by the unit, with its evidence and how far along it is."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    percent: Mapped[int] = mapped_column(SmallInteger)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[RectificationRound] = relationship(back_populates="milestones")


class SupervisorAssessment(Base):
    """An image supervisor's independent assessment of a round's evidence, shown beside it."""

    __tablename__ = "supervisor_assessments"
    __table_args__ = (
        UniqueConstraint("round_id", "supervisor_id", name="uq_supervisor_assessments_round"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[RectificationRound] = relationship(back_populates="assessments")
    supervisor: Mapped[User] = relationship()


class PublicationRequest(Base):
    """A unit's request to publish its commitment or result; a second person must approve."""

    __tablename__ = "publication_requests"
    __table_args__ = (
        CheckConstraint(
            "(status = 'pending' AND decided_by_id IS NULL AND decided_at IS NULL)"
            " OR (status <> 'pending' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decision_matches_status",
        ),
        CheckConstraint("decided_by_id <> requested_by_id", name="four_eyes"),
        Index(
            "uq_publication_requests_pending",
            "round_id",
            "kind",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"), index=True)
    kind: Mapped[PublicationKind] = mapped_column(enum_type(PublicationKind, "publication_kind"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, "publication_status"), default=RequestStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[RectificationRound] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class PublishedVersion(Base):
    """A version of a published commitment or result: the public history of later edits."""

    __tablename__ = "published_versions"
    __table_args__ = (
        UniqueConstraint("round_id", "kind", "number", name="uq_published_versions_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rectification_rounds.id"), index=True)
    kind: Mapped[PublicationKind] = mapped_column(enum_type(PublicationKind, "version_kind"))
    number: Mapped[int]
    #: Canonical JSON of what was published (texts, measures, deadline, signing unit).
    content: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: Why the published text was changed (empty for the first version).
    change_note: Mapped[str] = mapped_column(Text, default="")
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
