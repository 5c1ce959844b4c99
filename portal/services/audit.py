"""The audit trail: every security-relevant act, appended to a hash chain.

Each event stores the hash of the one before and a hash of its own contents, and its
position (``seq``) is given by the writer, so an edited row, an inserted row and a deleted
row all break the chain. Appending is serialised: PostgreSQL takes a transaction-level
advisory lock, SQLite's write transactions are already serialised (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from flask import has_request_context
from sqlalchemy import select

from portal.extensions import db
from portal.models import GENESIS_HASH, AuditEvent, User, utcnow
from portal.security import hashed_client_address

#: Key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x5EA1_0A0D


def record(
    action: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the audit trail and flush it."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(db.func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        seq=last.seq + 1 if last else 1,
        created_at=utcnow(),
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else (actor_label or "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        address=hashed_client_address() if has_request_context() else None,
        details=canonical_json(details or {}),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


def canonical_json(value: Any) -> str:
    """Serialise a value the same way every time (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(event: AuditEvent) -> str:
    """Return the hash that seals an event's contents and its place in the chain."""
    contents = [
        event.seq,
        event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor,
        event.action,
        event.object_type,
        event.object_id,
        event.address,
        event.details,
        event.prev_hash,
    ]
    return hashlib.sha256(canonical_json(contents).encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    """A place where the chain is broken, and what that means."""

    seq: int
    kind: str  # "edited", "inserted", "deleted"
    message: str


def verify_chain(batch_size: int = 1000) -> Iterator[ChainProblem]:
    """Walk the whole trail and yield every break: edited, inserted or deleted rows."""
    expected_seq, expected_prev = 1, GENESIS_HASH
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    for event in db.session.scalars(query):
        if event.seq != expected_seq:
            yield ChainProblem(
                expected_seq,
                "deleted",
                f"events {expected_seq} to {event.seq - 1} are missing (deleted)",
            )
        elif event.prev_hash != expected_prev:
            yield ChainProblem(
                event.seq, "inserted", f"event {event.seq} does not follow the event before it"
            )
        if event_hash(event) != event.hash:
            yield ChainProblem(
                event.seq, "edited", f"event {event.seq} was changed after it was written"
            )
        expected_seq, expected_prev = event.seq + 1, event.hash


def chain_head() -> AuditEvent | None:
    """Return the newest event, whose hash vouches for the whole chain before it."""
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
