"""Cases, whatever their channel: the reporter's text, its subject, its conversation and history."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    bindparam,
    false,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.categories import Category
from portal.models.units import Cadre, Post, Unit

if TYPE_CHECKING:
    from portal.models.attachments import Attachment
    from portal.models.staff import User


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a translated label."""

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError


class CaseKind(LabelledEnum):
    """What the reporter raises."""

    OPINION = "opinion"
    REPORT = "report"
    RATING = "rating"
    PRAISE = "praise"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.OPINION: _l("Opinion or suggestion"),
            cls.REPORT: _l("Complaint or report"),
            cls.RATING: _l("Rating"),
            cls.PRAISE: _l("Praise"),
        }


class Channel(LabelledEnum):
    """The ten channels through which problems are found."""

    WEB = "web"
    HOTLINE = "hotline"
    LETTER = "letter"
    VISIT = "visit"
    SUGGESTION_BOX = "suggestion_box"
    QUESTIONNAIRE = "questionnaire"
    ONSITE_VISIT = "onsite_visit"
    SUPERVISOR = "supervisor"
    LEADER_REFERRAL = "leader_referral"
    AGENCY_REFERRAL = "agency_referral"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.WEB: _l("Web form"),
            cls.HOTLINE: _l("Supervision hotline"),
            cls.LETTER: _l("Letter"),
            cls.VISIT: _l("Visit"),
            cls.SUGGESTION_BOX: _l("Suggestion box"),
            cls.QUESTIONNAIRE: _l("Questionnaire"),
            cls.ONSITE_VISIT: _l("On-site visit"),
            cls.SUPERVISOR: _l("Image supervisor's finding"),
            cls.LEADER_REFERRAL: _l("Referral from a superior leader"),
            cls.AGENCY_REFERRAL: _l("Referral from law enforcement or discipline bodies"),
        }


class CaseStatus(LabelledEnum):
    """Where a case stands in its handling."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    MERGED = "merged"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.RECEIVED: _l("Received"),
            cls.ACCEPTED: _l("Accepted"),
            cls.REJECTED: _l("Not accepted"),
            cls.ASSIGNED: _l("Assigned for handling"),
            cls.IN_PROGRESS: _l("Being handled"),
            cls.ANSWERED: _l("Answered"),
            cls.CLOSED: _l("Closed"),
            cls.MERGED: _l("Merged with another case"),
        }


class ReporterMode(LabelledEnum):
    """How much of themselves the reporter reveals."""

    ANONYMOUS = "anonymous"
    CONFIDENTIAL = "confidential"
    NAMED = "named"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ANONYMOUS: _l("Anonymous"),
            cls.CONFIDENTIAL: _l("Confidential"),
            cls.NAMED: _l("Named"),
        }


class RejectionReason(LabelledEnum):
    """Why a case was not accepted; the reporter is told."""

    OUT_OF_SCOPE = "out_of_scope"
    SPAM = "spam"
    INSUFFICIENT_DETAIL = "insufficient_detail"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.OUT_OF_SCOPE: _l("Outside what this portal handles"),
            cls.SPAM: _l("Not a genuine case (spam or abuse)"),
            cls.INSUFFICIENT_DETAIL: _l("Not enough detail to act on"),
        }


class MessageDirection(enum.StrEnum):
    """Who wrote a message of the conversation with the reporter."""

    FROM_REPORTER = "from_reporter"
    TO_REPORTER = "to_reporter"


class ActorKind(enum.StrEnum):
    """Who caused an event in a case's history."""

    REPORTER = "reporter"
    STAFF = "staff"
    SYSTEM = "system"


#: The open cases, the condition of the partial indexes below.
#: Statuses of a case that still waits for someone.
OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.ACCEPTED,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_PROGRESS,
)
_OPEN = text("status IN (" + ", ".join(f"'{status.value}'" for status in OPEN_STATUSES) + ")")

SCORE_COLUMNS = ("score_fairness", "score_style", "score_efficiency", "score_integrity")


def _scores_match_kind() -> str:
    present = " AND ".join(f"{column} IS NOT NULL" for column in SCORE_COLUMNS)
    absent = " AND ".join(f"{column} IS NULL" for column in SCORE_COLUMNS)
    return f"(kind = 'rating' AND {present}) OR (kind <> 'rating' AND {absent})"


class CaseCounter(Base):
    """The last case number handed out in a year."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Case(Base):
    """One opinion, report, rating or praise, whatever the channel it came through."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        CheckConstraint("kind = 'rating' OR length(body) > 0", name="body_not_empty"),
        CheckConstraint("kind <> 'report' OR category_id IS NOT NULL", name="report_has_category"),
        CheckConstraint("post_id IS NULL OR cadre_id IS NOT NULL", name="post_needs_cadre"),
        CheckConstraint(_scores_match_kind(), name="scores_match_kind"),
        *(
            CheckConstraint(f"{column} BETWEEN 1 AND 5", name=f"{column}_range")
            for column in SCORE_COLUMNS
        ),
        CheckConstraint(
            "(reporter_mode = 'anonymous' AND contact_ciphertext IS NULL AND contact_key IS NULL)"
            " OR (reporter_mode <> 'anonymous' AND contact_ciphertext IS NOT NULL"
            " AND contact_key IS NOT NULL)",
            name="contact_matches_mode",
        ),
        CheckConstraint(
            "(status = 'merged' AND merged_into_id IS NOT NULL AND merged_into_id <> id)"
            " OR (status <> 'merged' AND merged_into_id IS NULL)",
            name="merged_has_master",
        ),
        CheckConstraint(
            "(status = 'rejected' AND rejection_reason IS NOT NULL)"
            " OR (status <> 'rejected' AND rejection_reason IS NULL)",
            name="rejected_has_reason",
        ),
        CheckConstraint(
            "status NOT IN ('assigned', 'in_progress', 'answered') OR assigned_unit_id IS NOT NULL",
            name="handled_is_assigned",
        ),
        CheckConstraint("status <> 'answered' OR answered_at IS NOT NULL", name="answered_at_set"),
        CheckConstraint("status <> 'closed' OR closed_at IS NOT NULL", name="closed_at_set"),
        ForeignKeyConstraint(
            ["post_id", "cadre_id"],
            ["posts.id", "posts.cadre_id"],
            name="fk_cases_post_id_cadre_id_posts",
        ),
        # The queue and its counts (docs/performance.md): a status's cases newest first, and
        # the open cases (a few percent of all) by due date and by handler.
        Index("ix_cases_status_id", "status", "id"),
        *(
            Index(f"ix_cases_open_{column}", column, sqlite_where=_OPEN, postgresql_where=_OPEN)
            for column in ("due_on", "handler_id")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public, readable and not secret: "2026-000123".
    number: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind, "case_kind"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    status: Mapped[CaseStatus] = mapped_column(
        enum_type(CaseStatus, "case_status"), default=CaseStatus.RECEIVED
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id"), index=True)
    #: The post the cadre held when the event happened.
    post_id: Mapped[int | None] = mapped_column()
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    event_date: Mapped[date | None]
    event_place: Mapped[str | None] = mapped_column(String(200))
    #: HMAC-SHA256 of the receipt under the server's pepper; the receipt itself is never kept.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reporter_mode: Mapped[ReporterMode] = mapped_column(enum_type(ReporterMode, "reporter_mode"))
    #: The reporter's contact details, encrypted with this case's own data key.
    contact_ciphertext: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: This case's data key, wrapped by the server's data keys.
    contact_key: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    score_fairness: Mapped[int | None] = mapped_column(SmallInteger)
    score_style: Mapped[int | None] = mapped_column(SmallInteger)
    score_efficiency: Mapped[int | None] = mapped_column(SmallInteger)
    score_integrity: Mapped[int | None] = mapped_column(SmallInteger)
    #: The day the case reached us: today for the web, the postmark or call date otherwise.
    received_on: Mapped[date]
    #: The unit that must act on the case.
    assigned_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: The staff member handling it, if one was named.
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The master case this one duplicates; its answer is this reporter's answer too.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_type(RejectionReason, "rejection_reason")
    )
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: The day by which the case must be answered; past it, an open case is overdue.
    due_on: Mapped[date | None] = mapped_column(index=True)
    #: A case opened from a retaliation check-in: seen only at the top of the tree.
    is_protected: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The reporter's language, for the answers they read.
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Optimistic lock: an UPDATE that finds another version changes nothing.
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    assigned_unit: Mapped[Unit | None] = relationship(foreign_keys=[assigned_unit_id])
    handler: Mapped[User | None] = relationship()
    merged_into: Mapped[Case | None] = relationship(remote_side=[id])
    cadre: Mapped[Cadre | None] = relationship()
    post: Mapped[Post | None] = relationship(
        primaryjoin="Case.post_id == Post.id", foreign_keys="Case.post_id", viewonly=True
    )
    category: Mapped[Category | None] = relationship()
    messages: Mapped[list[CaseMessage]] = relationship(
        back_populates="case", order_by="CaseMessage.id"
    )
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")
    notes: Mapped[list[CaseNote]] = relationship(back_populates="case", order_by="CaseNote.id")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.id"
    )

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @property
    def scores(self) -> dict[str, int | None]:
        """Return the rating's four scores by name."""
        return {column: getattr(self, column) for column in SCORE_COLUMNS}

    def __repr__(self) -> str:
        return f"<Case {self.number} {self.status}>"


class CaseMessage(Base):
    """A message of the conversation between the reporter and the staff handling the case."""

    __tablename__ = "case_messages"
    __table_args__ = (CheckConstraint("length(body) > 0", name="body_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[MessageDirection] = mapped_column(
        enum_type(MessageDirection, "message_direction")
    )
    body: Mapped[str] = mapped_column(Text)
    #: The staff member who wrote an answer; empty for the reporter's own messages.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="messages")


class CaseEvent(Base):
    """An entry of a case's append-only history."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: What happened: "submit", "accept", "add_information", ...
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[CaseStatus | None] = mapped_column(
        enum_type(CaseStatus, "event_from_status")
    )
    to_status: Mapped[CaseStatus | None] = mapped_column(enum_type(CaseStatus, "event_to_status"))
    actor_kind: Mapped[ActorKind] = mapped_column(enum_type(ActorKind, "actor_kind"))
    #: Shown on the reporter's track page.
    is_public: Mapped[bool] = mapped_column(default=True)
    #: A reason given with the event (a rejection's reason is public).
    note: Mapped[str | None] = mapped_column(Text)
    #: The staff member who acted, when one did.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class CaseNote(Base):
    """An internal note on a case: staff only, never shown to the reporter."""

    __tablename__ = "case_notes"
    __table_args__ = (CheckConstraint("length(body) > 0", name="body_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


def is_open() -> ColumnElement[bool]:
    """Select the open cases, with the statuses written into the SQL text.

    SQLite uses a partial index only when the query repeats the index's condition; bound
    parameters would hide the statuses from its planner (docs/performance.md).
    """
    statuses = bindparam("open_statuses", list(OPEN_STATUSES), expanding=True, literal_execute=True)
    return Case.status.in_(statuses)
