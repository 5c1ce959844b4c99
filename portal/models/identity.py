"""Sealed identities: a confidential reporter's details open only through an approved request."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import Case, LabelledEnum
from portal.models.staff import User
from portal.models.units import Unit


class RequestStatus(LabelledEnum):
    """Where a request that needs someone else's decision stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PENDING: _l("Waiting for a decision"),
            cls.APPROVED: _l("Approved"),
            cls.DENIED: _l("Denied"),
        }


class IdentityRequest(Base):
    """A handler's motivated request to read a confidential reporter's identity."""

    __tablename__ = "identity_requests"
    __table_args__ = (
        CheckConstraint("length(motivation) > 0", name="motivation_not_empty"),
        CheckConstraint(
            "(status = 'pending' AND decided_by_id IS NULL AND decided_at IS NULL)"
            " OR (status <> 'pending' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decision_matches_status",
        ),
        CheckConstraint(
            "status <> 'denied' OR length(coalesce(decision_reason, '')) > 0",
            name="denial_has_reason",
        ),
        CheckConstraint("decided_by_id <> requested_by_id", name="four_eyes"),
        CheckConstraint("opened_at IS NULL OR status = 'approved'", name="opened_only_if_approved"),
        # At most one request per case waits for a custodian at a time.
        Index(
            "uq_identity_requests_pending_case",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The requester's unit at the time: the reporter is told which unit read their identity.
    requester_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    motivation: Mapped[str] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, "identity_request_status"), default=RequestStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    #: When the identity was first read under this approval.
    opened_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    requester_unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
