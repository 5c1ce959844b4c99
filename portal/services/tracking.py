"""Tracking: a reporter finds their case with its number and receipt."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal import receipts
from portal.extensions import db
from portal.models import Case, CaseEvent, CaseMessage, MessageDirection

#: Compared against when no case has the number, so that both answers take the same time.
_NO_CASE_HASH = "0" * 64


def find_tracked_case(number: str, receipt: str) -> Case | None:
    """Return the case whose number and receipt match, or None: one answer for every miss."""
    compact = receipts.normalize_receipt(receipt)
    pepper = current_app.config["RECEIPT_PEPPER"]
    candidate = receipts.hash_receipt(compact or "", pepper)
    case = db.session.scalar(select(Case).where(Case.number == number.strip()))
    stored = case.receipt_hash if case is not None else _NO_CASE_HASH
    if receipts.hashes_match(stored, candidate) and compact is not None and case is not None:
        return case
    return None


def find_case_by_receipt(receipt: str) -> Case | None:
    """Return the case a receipt belongs to, or None (ballots are cast with a receipt alone)."""
    compact = receipts.normalize_receipt(receipt)
    if compact is None:
        return None
    digest = receipts.hash_receipt(compact, current_app.config["RECEIPT_PEPPER"])
    return db.session.scalar(select(Case).where(Case.receipt_hash == digest))


def public_timeline(case: Case) -> list[CaseEvent]:
    """Return the events of a case that its reporter sees."""
    return [event for event in case.events if event.is_public]


def reporter_messages(case: Case) -> list[CaseMessage]:
    """Return the conversation the reporter sees: their own, plus the master's answers.

    A duplicate merged into a master case gets the master's answers, and those of the case
    the master was merged into in turn, so every reporter of the same problem reads the same
    reply under their own receipt.
    """
    messages = list(case.messages)
    # A master merged later into another case passes the answers of the new master down.
    seen = {case.id}
    master = case.merged_into
    while master is not None and master.id not in seen:
        seen.add(master.id)
        messages += [
            message
            for message in master.messages
            if message.direction == MessageDirection.TO_REPORTER
        ]
        master = master.merged_into
    return sorted(messages, key=lambda message: (message.created_at, message.id))
