"""The audit trail: append-only and hash-chained, so any edit, insertion or deletion shows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    """One security-relevant act: a transition, a view of a reporter's details, a login..."""

    __tablename__ = "audit_events"

    #: Position in the chain, 1, 2, 3...: given by the writer, so a gap shows a deletion.
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Who acted, as they were named then: a username, "reporter", "anonymous" or "system".
    actor: Mapped[str] = mapped_column(String(80))
    #: What happened, dotted: "case.accept", "contact.view", "auth.login_failed"...
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    #: HMAC of the client address (never the address itself).
    address: Mapped[str | None] = mapped_column(String(32))
    #: Canonical JSON of the act's particulars.
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
