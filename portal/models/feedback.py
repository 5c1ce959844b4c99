"""Closing the loop: the reporter's verdict on the handling, and the retaliation check-in."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import Case, LabelledEnum


class Satisfaction(LabelledEnum):
    """The three answers of every satisfaction question: 满意 / 基本满意 / 不满意."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.SATISFIED: _l("Satisfied"),
            cls.BASICALLY_SATISFIED: _l("Basically satisfied"),
            cls.DISSATISFIED: _l("Dissatisfied"),
        }


class HandlingFeedback(Base):
    """The reporter's verdict on one answer to their case."""

    __tablename__ = "handling_feedback"
    __table_args__ = (
        UniqueConstraint("case_id", "answer_number", name="uq_handling_feedback_case_answer"),
        CheckConstraint(
            "satisfaction <> 'dissatisfied' OR length(coalesce(reason, '')) > 0",
            name="dissatisfied_has_reason",
        ),
        CheckConstraint("answer_number >= 1", name="answer_number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: Which answer this verdict is on: 1 for the first, 2 after a reopening...
    answer_number: Mapped[int]
    satisfaction: Mapped[Satisfaction] = mapped_column(
        enum_type(Satisfaction, "handling_satisfaction")
    )
    reason: Mapped[str | None] = mapped_column(Text)
    #: True when this verdict reopened the case (only a first dissatisfied verdict does).
    reopened: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


class RetaliationCheckin(Base):
    """A confidential reporter's answer to "have you faced retaliation since you reported?"."""

    __tablename__ = "retaliation_checkins"
    __table_args__ = (
        CheckConstraint(
            "(faced_retaliation AND protected_case_id IS NOT NULL)"
            " OR (NOT faced_retaliation AND protected_case_id IS NULL)",
            name="yes_opens_a_case",
        ),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    faced_retaliation: Mapped[bool]
    #: The protected case opened for the discipline channel when the answer was yes.
    protected_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    protected_case: Mapped[Case | None] = relationship(foreign_keys=[protected_case_id])
