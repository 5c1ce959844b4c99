"""A tracked case as its reporter reads it: the public history and the conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.case_events import CASE_EVENT_LABELS
from portal.models import Case, CaseEvent, CaseMessage, CaseStatus, MessageDirection
from portal.services.intake import FINISHED_STATUSES
from portal.services.tracking import public_timeline, reporter_messages

#: Actions whose note is written for the reporter: why a case was refused, reopened, extended;
#: which unit opened their identity.
PUBLIC_NOTE_ACTIONS = frozenset(
    {"reject", "reopen", "reporter_reopen", "extend", "identity_opened"}
)


@dataclass(frozen=True)
class TimelineEntry:
    """One step of a case's public history."""

    at: datetime
    label: str
    #: The reason given with the step, when the reporter is meant to read it.
    reason: str | None


@dataclass(frozen=True)
class Refusal:
    """Why a case was not accepted: the reason chosen and the words that explain it."""

    reason: str
    explanation: str | None


def timeline(case: Case) -> list[TimelineEntry]:
    """Return the steps of the case its reporter may see, oldest first."""
    return [
        TimelineEntry(event.created_at, _event_label(event), _public_note(event))
        for event in public_timeline(case)
    ]


def refusal(case: Case) -> Refusal | None:
    """Return why the case was not accepted, while it stands refused."""
    if case.status != CaseStatus.REJECTED or case.rejection_reason is None:
        return None
    notes = [event.note for event in public_timeline(case) if event.action == "reject"]
    return Refusal(case.rejection_reason.label, notes[-1] if notes else None)


def conversation(case: Case) -> list[CaseMessage]:
    """Return the staff's replies (a merged case's master's too) and the reporter's additions."""
    return reporter_messages(case)


def from_staff(message: CaseMessage) -> bool:
    """Tell whether a message was written by the staff to the reporter."""
    return message.direction == MessageDirection.TO_REPORTER


def takes_information(case: Case) -> bool:
    """Tell whether the reporter can still add to the case."""
    return case.status not in FINISHED_STATUSES


def _event_label(event: CaseEvent) -> str:
    if event.action in CASE_EVENT_LABELS:
        return str(CASE_EVENT_LABELS[event.action].public)
    # History is never rewritten: an action no longer written still reads as what it did.
    if event.to_status is not None:
        return event.to_status.label
    return str(_l("The case was updated"))


def _public_note(event: CaseEvent) -> str | None:
    return event.note if event.action in PUBLIC_NOTE_ACTIONS and event.note else None
