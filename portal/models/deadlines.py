"""Working-day clocks: the rules that set a case's deadlines, and extensions of them."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import Case, CaseKind, Channel, LabelledEnum
from portal.models.identity import RequestStatus
from portal.models.staff import User


class ClockStage(LabelledEnum):
    """The stage of handling a deadline applies to."""

    ACCEPT = "accept"
    ANSWER = "answer"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.ACCEPT: _l("Decide whether to accept"), cls.ANSWER: _l("Answer the reporter")}


class DeadlineRule(Base):
    """How many working days a stage may take, for a kind and/or channel (empty = any).

    The most specific rule wins: kind and channel, then kind, then channel, then the default.
    """

    __tablename__ = "deadline_rules"
    __table_args__ = (CheckConstraint("working_days BETWEEN 1 AND 250", name="working_days_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[ClockStage] = mapped_column(enum_type(ClockStage, "clock_stage"))
    kind: Mapped[CaseKind | None] = mapped_column(enum_type(CaseKind, "rule_case_kind"))
    channel: Mapped[Channel | None] = mapped_column(enum_type(Channel, "rule_channel"))
    working_days: Mapped[int]

    @property
    def specificity(self) -> int:
        """Return how specific the rule is: kind counts more than channel."""
        return (2 if self.kind else 0) + (1 if self.channel else 0)


class CaseExtension(Base):
    """A request to extend a case's current deadline, decided by a superior."""

    __tablename__ = "case_extensions"
    __table_args__ = (
        CheckConstraint("working_days BETWEEN 1 AND 60", name="working_days_range"),
        CheckConstraint("length(reason) > 0", name="reason_not_empty"),
        CheckConstraint(
            "(status = 'pending' AND decided_by_id IS NULL AND decided_at IS NULL)"
            " OR (status <> 'pending' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decision_matches_status",
        ),
        CheckConstraint("decided_by_id <> requested_by_id", name="four_eyes"),
        CheckConstraint(
            "(status = 'approved') = (new_due_on IS NOT NULL)", name="approved_has_new_date"
        ),
        # At most one extension per case waits for a decision at a time.
        Index(
            "uq_case_extensions_pending_case",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stage: Mapped[ClockStage] = mapped_column(enum_type(ClockStage, "extension_stage"))
    working_days: Mapped[int]
    #: Why more time is needed; disclosed to the reporter when approved.
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, "extension_status"), default=RequestStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    previous_due_on: Mapped[date]
    new_due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
