"""Rows of generated cases: the case, its history, its conversation and its search tokens.

Each case walks the real transition table (``workflow.TRANSITIONS``) from "received" to a
status that suits its age, so the rows satisfy every CHECK constraint and every history
reads like one the console would have written: due dates follow the deadline rules, a case
about a cadre goes to the unit the recusal rules name, a protected case stays at the top,
and a few cases being handled ask for an extension.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal import receipts
from portal.loadgen import prose
from portal.loadgen.clocks import Clocks
from portal.loadgen.world import World
from portal.models import (
    SCORE_COLUMNS,
    ActorKind,
    CaseKind,
    CaseStatus,
    Channel,
    ClockStage,
    MessageDirection,
    RejectionReason,
    ReporterMode,
    RequestStatus,
)
from portal.services.search import case_tokens
from portal.services.workflow import INTERNAL_ACTIONS, TRANSITIONS

S = CaseStatus
KINDS = {CaseKind.OPINION: 35, CaseKind.REPORT: 40, CaseKind.RATING: 15, CaseKind.PRAISE: 10}
CHANNELS = dict(zip(Channel, (55, 15, 8, 5, 3, 4, 3, 3, 2, 2), strict=True))
MODES = {ReporterMode.ANONYMOUS: 60, ReporterMode.CONFIDENTIAL: 25, ReporterMode.NAMED: 15}
#: Where cases stand, by age in days: recent ones are open, old ones mostly closed.
STATUS_BY_AGE = [
    (3, {S.RECEIVED: 50, S.ACCEPTED: 22, S.ASSIGNED: 18, S.REJECTED: 6, S.MERGED: 4}),
    (15, {S.RECEIVED: 5, S.ACCEPTED: 10, S.ASSIGNED: 25, S.IN_PROGRESS: 30, S.ANSWERED: 15,
          S.REJECTED: 8, S.MERGED: 3, S.CLOSED: 4}),
    (60, {S.RECEIVED: 1, S.ACCEPTED: 2, S.ASSIGNED: 4, S.IN_PROGRESS: 8, S.ANSWERED: 20,
          S.CLOSED: 55, S.REJECTED: 7, S.MERGED: 3}),
    (None, {S.RECEIVED: 0.2, S.ACCEPTED: 0.3, S.ASSIGNED: 0.5, S.IN_PROGRESS: 1, S.ANSWERED: 2,
            S.CLOSED: 85, S.REJECTED: 8, S.MERGED: 3}),
]  # fmt: skip
PATHS = {
    S.RECEIVED: [],
    S.ACCEPTED: ["accept"],
    S.REJECTED: ["reject"],
    S.ASSIGNED: ["accept", "assign"],
    S.IN_PROGRESS: ["accept", "assign", "start"],
    S.ANSWERED: ["accept", "assign", "start", "answer"],
    S.CLOSED: ["accept", "assign", "start", "answer", "close"],
    S.MERGED: ["accept", "merge"],
}
#: The share of cases of each kind that name a cadre (the rest are about a unit).
NAMED = {CaseKind.REPORT: 0.3, CaseKind.RATING: 0.1, CaseKind.PRAISE: 0.3, CaseKind.OPINION: 0.02}
#: The share of cases opened after a reporter said they faced retaliation (protected).
PROTECTED_SHARE = 0.001
#: The share of cases being handled whose handler asks for more time; of those still in
#: progress, the share whose request still waits; of the decided ones, the share approved.
EXTENSION_SHARE, PENDING_SHARE, APPROVED_SHARE = 0.02, 0.4, 0.8


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Batch:
    """The rows of a batch of cases, ready for bulk inserts."""

    cases: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    search: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)


class CaseFactory:
    """Makes the rows of one case after another, numbering cases, events and messages."""

    def __init__(self, rng: random.Random, world: World, ids: dict, zone: ZoneInfo, pepper: str):
        self.rng, self.world, self.zone, self.pepper = rng, world, zone, pepper
        self.next_id = ids  # next id per table, and last number per year ("year:2026")
        self.masters: deque[tuple[int, str]] = deque(maxlen=500)
        self.now = datetime.now(UTC)
        self.clocks = Clocks()
        self.handlers = sorted({user for users in world.handlers.values() for user in users})

    def _take(self, key: str) -> int:
        self.next_id[key] = self.next_id.get(key, 0) + 1
        return self.next_id[key]

    def add_case(self, batch: Batch, received_on: date) -> None:
        """Append the rows of one case received on a day to the batch."""
        rng = self.rng
        kind = _pick(rng, KINDS)
        age = (self.now.astimezone(self.zone).date() - received_on).days
        status = _pick(rng, next(w for limit, w in STATUS_BY_AGE if limit is None or age < limit))
        protected = bool(self.masters) and rng.random() < PROTECTED_SHARE
        if protected:
            kind = CaseKind.REPORT
        if status == S.MERGED and (protected or not self.masters):
            status = S.ACCEPTED
        row = self._subject(kind, protected)
        row.update(self._content(kind, row, received_on))
        case_id = self._take("cases")
        number = f"{received_on.year}-{self._take(f'year:{received_on.year}'):06d}"
        start = datetime.combine(
            received_on, time(rng.randint(8, 20), rng.randint(0, 59)), self.zone
        )
        channel = Channel.WEB if protected else _pick(rng, CHANNELS)
        row.update(
            id=case_id,
            number=number,
            kind=kind,
            channel=channel,
            received_on=received_on,
            due_on=self.clocks.due(ClockStage.ACCEPT, kind, channel, received_on),
            receipt_hash=receipts.hash_receipt(secrets.token_hex(16), self.pepper),
            locale="en" if rng.random() < 0.03 else "zh_Hans",
            created_at=start.astimezone(UTC),
            is_protected=protected,
            **self._reporter(confidential=protected),
        )
        if protected:
            self._protect(row)
        self._walk(batch, row, status, start)
        batch.cases.append(row)
        batch.search.append({"case_id": case_id, "tokens": case_tokens(row["title"], row["body"])})
        if row["status"] not in (S.MERGED, S.REJECTED) and not protected:
            self.masters.append((case_id, number))

    def _subject(self, kind: CaseKind, protected: bool) -> dict:
        rng, world = self.rng, self.world
        if protected:  # opened at the top of the tree, about no one (feedback.py)
            return {"unit_id": world.root_id, "cadre_id": None, "post_id": None}
        if world.posts and rng.random() < NAMED[kind]:
            post_id, cadre_id, unit_id = rng.choice(world.posts)
            return {"unit_id": unit_id, "cadre_id": cadre_id, "post_id": post_id}
        unit = rng.choices(world.units, weights=world.unit_weights)[0]
        return {"unit_id": unit.id, "cadre_id": None, "post_id": None}

    def _content(self, kind: CaseKind, row: dict, received_on: date) -> dict:
        rng, world = self.rng, self.world
        codes = list(world.categories)
        code = rng.choice(codes) if codes else "other"
        scores = dict.fromkeys(SCORE_COLUMNS)
        if kind == CaseKind.RATING:
            scores = {column: rng.randint(1, 5) for column in SCORE_COLUMNS}
            title = f"评价：{world.unit(row['unit_id']).name}"
            body = "" if rng.random() < 0.5 else prose.praise_case(rng)[1]
        elif kind == CaseKind.PRAISE:
            title, body = prose.praise_case(rng)
        elif kind == CaseKind.REPORT or rng.random() < 0.5:
            title, body = prose.problem_case(rng, code)
        else:
            title, body = prose.opinion_case(rng)
        has_category = kind == CaseKind.REPORT or (kind == CaseKind.OPINION and rng.random() < 0.5)
        dated = kind in (CaseKind.REPORT, CaseKind.PRAISE) and rng.random() < 0.7
        return {
            "title": title,
            "body": body,
            "category_id": world.categories.get(code) if has_category else None,
            "event_date": received_on - timedelta(days=rng.randint(0, 30)) if dated else None,
            "event_place": prose.place(rng) if dated and rng.random() < 0.5 else None,
            **scores,
        }

    def _protect(self, row: dict) -> None:
        """Make a case the protected one a retaliation check-in opens (feedback.py)."""
        original = self.rng.choice(self.masters)[1]
        row.update(
            title=f"反映遭受打击报复（原受理编号 {original}）",
            body="反映人表示因反映问题遭受打击报复。",
            category_id=self.world.categories.get("other"),
        )

    def _reporter(self, confidential: bool = False) -> dict:
        mode = ReporterMode.CONFIDENTIAL if confidential else _pick(self.rng, MODES)
        sealed = (None, None)
        if mode != ReporterMode.ANONYMOUS and self.world.contacts:
            sealed = self.rng.choice(self.world.contacts)
        elif mode != ReporterMode.ANONYMOUS:
            mode = ReporterMode.ANONYMOUS
        return {"reporter_mode": mode, "contact_ciphertext": sealed[0], "contact_key": sealed[1]}

    def _walk(self, batch: Batch, row: dict, target: CaseStatus, start: datetime) -> None:
        """Move the case along the transition table to its target, writing its history."""
        rng = self.rng
        path = PATHS[target]
        if target == S.CLOSED and rng.random() < 0.1:
            path = ["accept", "close"]
        elif target in (S.REJECTED, S.MERGED) and rng.random() < 0.5:
            path = path[1:] if target == S.MERGED else ["accept", "reject"]
        row.update(
            status=S.RECEIVED, assigned_unit_id=None, handler_id=None, merged_into_id=None,
            rejection_reason=None, answered_at=None, closed_at=None,
        )  # fmt: skip
        moment = start
        self._event(batch, row, "submit", None, S.RECEIVED, moment, ActorKind.REPORTER)
        if rng.random() < 0.05:
            self._message(batch, row, MessageDirection.FROM_REPORTER, "补充：" + prose.person(rng))
            self._event(batch, row, "add_information", None, None, moment, ActorKind.REPORTER)
        span = max((self.now - start).total_seconds(), 60) / (len(path) + 1)
        changes = len(path)
        for action in path:
            moment += timedelta(seconds=rng.uniform(0.2, 1.0) * min(span, 4 * 86400))
            self._step(batch, row, action, moment)
            if action == "start" and rng.random() < EXTENSION_SHARE:
                later = moment + timedelta(seconds=0.1 * min(span, 4 * 86400))
                changes += self._extension(batch, row, later, still_open=target == S.IN_PROGRESS)
        row["version"] = 1 + changes
        row["updated_at"] = moment

    def _step(self, batch: Batch, row: dict, action: str, moment: datetime) -> None:
        rng, source = self.rng, row["status"]
        row["status"] = TRANSITIONS[(source, action)]
        note = None
        if action == "accept":  # the clock to answer starts on the day of acceptance
            accepted_on = moment.astimezone(self.zone).date()
            clock = (ClockStage.ANSWER, row["kind"], row["channel"])
            row["due_on"] = self.clocks.due(*clock, accepted_on)
        elif action == "assign":
            row["assigned_unit_id"] = assigned = self._handling_unit(row)
            candidates = self.world.handlers.get(assigned, [])
            if candidates and rng.random() < 0.7:
                row["handler_id"] = candidates[0] if rng.random() < 0.8 else rng.choice(candidates)
        elif action == "reject":
            row["rejection_reason"] = rng.choice(list(RejectionReason))
            note = prose.rejection(rng)
        elif action == "merge":
            master_id, note = rng.choice(self.masters)
            row["merged_into_id"] = master_id
        elif action == "answer":
            row["answered_at"] = moment
            unit = self.world.unit(row["assigned_unit_id"])
            self._message(batch, row, MessageDirection.TO_REPORTER, prose.answer(rng, unit.name))
            batch.messages[-1].update(author_id=row["handler_id"], created_at=moment)
        elif action == "close":
            row["closed_at"] = moment
        actor = row["handler_id"]
        self._event(batch, row, action, source, row["status"], moment, ActorKind.STAFF, actor, note)

    def _handling_unit(self, row: dict) -> int:
        """Return the unit a case is assigned to; never the accused cadre's own (policy.py)."""
        if row["is_protected"]:
            return self.world.root_id
        if row["cadre_id"] is not None:
            return self.world.cadre_handling[row["unit_id"]]
        unit = self.world.unit(row["unit_id"])
        return unit.parent_id if unit.parent_id and self.rng.random() < 0.2 else unit.id

    def _extension(self, batch: Batch, row: dict, moment: datetime, still_open: bool) -> int:
        """Add the handler's request for more time; return 1 if it moved the due date."""
        rng, requester = self.rng, row["handler_id"]
        near = self.world.handlers.get(row["assigned_unit_id"], [])
        deciders = [user for user in near if user != requester]
        deciders = deciders or [user for user in self.handlers if user != requester]
        if requester is None or not deciders:
            return 0
        days, decider = rng.randint(5, 20), rng.choice(deciders)
        extension = {
            "case_id": row["id"], "stage": ClockStage.ANSWER, "working_days": days,
            "reason": prose.extension_reason(rng), "requested_by_id": requester,
            "status": RequestStatus.PENDING, "decided_by_id": None, "decided_at": None,
            "decision_note": None, "previous_due_on": row["due_on"], "new_due_on": None,
            "created_at": moment,
        }  # fmt: skip
        batch.extensions.append(extension)
        if still_open and rng.random() < PENDING_SHARE:
            return 0
        decided_at = moment + timedelta(hours=rng.randint(1, 48))
        extension.update(decided_by_id=decider, decided_at=decided_at, status=RequestStatus.DENIED)
        if rng.random() >= APPROVED_SHARE:
            return 0
        row["due_on"] = self.clocks.add(row["due_on"], days)
        extension.update(status=RequestStatus.APPROVED, new_due_on=row["due_on"])
        self._event(batch, row, "extend", None, None, decided_at, ActorKind.STAFF, decider,
                    extension["reason"])  # fmt: skip
        return 1

    def _event(self, batch, row, action, source, target, moment, kind, actor=None, note=None):
        """Append one history event of the case."""
        batch.events.append(
            {
                "id": self._take("case_events"),
                "case_id": row["id"],
                "action": action,
                "from_status": source,
                "to_status": target,
                "actor_kind": kind,
                "is_public": action not in INTERNAL_ACTIONS,
                "note": note,
                "actor_id": actor,
                "created_at": moment,
            }
        )

    def _message(self, batch: Batch, row: dict, direction: MessageDirection, body: str) -> None:
        batch.messages.append(
            {
                "id": self._take("case_messages"),
                "case_id": row["id"],
                "direction": direction,
                "body": body,
                "author_id": None,
                "created_at": row["created_at"],
            }
        )
