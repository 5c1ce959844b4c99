"""Rectification items: made from cases in the console, their commitment drafted by the unit.

An item names the responsible unit and the problem in words fit for the public: staff write
them, and phone numbers, e-mail addresses and ID-card numbers are refused. The commitment of
its current round (a summary, a deadline, and measures with an owner unit and a due date) is
drafted by the unit's officers or the organization department, and goes public only when a
second person approves it (:mod:`portal.services.item_publication`). After publication the
same fields, the title and deadline among them, hold the correction being prepared; the
public reads approved versions only. The category, which no published version holds, is
fixed once the item is public.

Every change checks the actor's permission and scope and the item version they saw, bumps
that version, writes an audit row and flushes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Case,
    Category,
    ItemState,
    Measure,
    PublicationKind,
    PublicationRequest,
    RectificationItem,
    RectificationRound,
    RequestStatus,
    Unit,
    User,
    utcnow,
)
from portal.policy import Permission, can, can_see_case, unit_in_scope
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.item_texts import public_html, public_text
from portal.services.items import ITEM_TRANSITIONS, StaleItem, is_public, item_in_scope

TITLE_MAX = 200
MEASURE_MAX = 2_000
CASES_MAX = 50
CASE_NUMBER = re.compile(r"\d{4}-\d{6,9}")

NOT_ALLOWED = _l("You are not allowed to do this on this item.")
#: States in which the current round's commitment may change: the draft, then a correction
#: of the published commitment until the result is published.
COMMITMENT_EDITABLE = frozenset(
    {ItemState.DRAFT, ItemState.COMMITMENT_PUBLISHED, ItemState.IN_RECTIFICATION}
)
#: Every audit action written about an item; its console history is read by these.
AUDITED_ACTIONS = tuple(
    sorted(
        {f"item.{action}" for _state, action in ITEM_TRANSITIONS}
        | {
            "item.create",
            "item.link_cases",
            "item.edit",
            "item.add_measure",
            "item.edit_measure",
            "item.remove_measure",
            "item.milestone",
            "item.edit_result",
            "item.assess",
            "item.request_publication",
            "item.deny_publication",
            "item.correct_commitment",
            "item.correct_result",
        }
    )
)


def create_item(
    actor: User,
    unit: Unit | None,
    title: str,
    problem_statement: str,
    cases: list[Case],
    category: Category | None = None,
) -> RectificationItem:
    """Make a rectification item of a common problem found in cases, with its first round."""
    if unit is None:
        raise DomainError(_l("Please choose the responsible unit."), field="unit_id")
    if not (can(actor, Permission.MANAGE_ITEMS) and unit_in_scope(actor, unit)):
        raise DomainError(NOT_ALLOWED)
    item = RectificationItem(
        unit=unit,
        category=category,
        title=public_text(title, "title", TITLE_MAX),
        problem_statement=public_html(problem_statement, "problem_statement"),
        created_by=actor,
        cases=_visible(actor, cases),
    )
    item.rounds.append(RectificationRound(number=1))
    db.session.add(item)
    db.session.flush()
    record_change(item, actor, "item.create", unit=unit.id, cases=[c.number for c in item.cases])
    return item


def cases_by_number(actor: User, text: str) -> list[Case]:
    """Return the cases whose numbers a text lists, refusing any the actor cannot see."""
    numbers = list(dict.fromkeys(CASE_NUMBER.findall(text or "")))
    if not numbers:
        raise DomainError(_l("Please give the numbers of the cases."), field="cases")
    if len(numbers) > CASES_MAX:
        raise DomainError(_l("Give at most 50 cases at a time."), field="cases")
    found = {c.number: c for c in db.session.scalars(select(Case).where(Case.number.in_(numbers)))}
    # A case out of scope reads like one that does not exist: its number tells nothing.
    missing = [n for n in numbers if n not in found or not can_see_case(actor, found[n])]
    if missing:
        raise DomainError(
            _l("There is no case with these numbers: %(numbers)s.", numbers=", ".join(missing)),
            field="cases",
        )
    return [found[n] for n in numbers]


def link_cases(item: RectificationItem, actor: User, version: int, cases: list[Case]) -> int:
    """Link more cases to an item; their reporters then follow it too. Return how many."""
    if not (can(actor, Permission.MANAGE_ITEMS) and item_in_scope(actor, item)):
        raise DomainError(NOT_ALLOWED)
    new = [case for case in _visible(actor, cases) if case not in item.cases]
    if not new:
        return 0
    touch(item, version)
    item.cases.extend(new)
    record_change(item, actor, "item.link_cases", cases=[case.number for case in new])
    return len(new)


def update_draft(
    item: RectificationItem,
    actor: User,
    version: int,
    *,
    title: str,
    problem_statement: str,
    commitment: str,
    deadline: date | None,
    category: Category | None,
) -> bool:
    """Change the title, problem, commitment summary, deadline or category; False if none.

    Once published, these are a correction the public sees only when it is approved; the
    category, which is not part of the approved text, no longer changes then.
    """
    _check_editable(item, actor)
    round_ = item.current_round
    values = {
        (item, "title"): public_text(title, "title", TITLE_MAX),
        (item, "problem_statement"): public_html(problem_statement, "problem_statement"),
        (item, "category_id"): category.id if category else None,
        (round_, "commitment"): public_html(commitment, "commitment", required=False),
        (round_, "deadline"): deadline,
    }
    changed = {key: value for key, value in values.items() if getattr(*key) != value}
    if (item, "category_id") in changed and is_public(item):
        raise DomainError(
            _l("The category cannot change once the item is public."), field="category_id"
        )
    if (round_, "deadline") in changed and deadline is not None:
        _check_future(deadline, "deadline")
    if not changed:
        return False
    touch(item, version)
    for (target, name), value in changed.items():
        setattr(target, name, value)
    record_change(item, actor, "item.edit", fields=sorted(name for _target, name in changed))
    return True


def add_measure(
    item: RectificationItem, actor: User, version: int, text: str, owner: Unit | None, due_on: date
) -> Measure:
    """Add a measure to the current round's commitment."""
    _check_editable(item, actor)
    text, owner = _measure_values(actor, text, owner)
    _check_future(due_on, "due_on")
    round_ = item.current_round
    order = max((m.sort_order for m in round_.measures), default=0) + 1
    touch(item, version)
    measure = Measure(text=text, owner_unit=owner, due_on=due_on, sort_order=order)
    round_.measures.append(measure)
    db.session.flush()
    record_change(item, actor, "item.add_measure", measure=measure.id)
    return measure


def update_measure(
    measure: Measure, actor: User, version: int, text: str, owner: Unit | None, due_on: date
) -> bool:
    """Change a measure of the current round; False when nothing changed."""
    item = _measure_item(measure, actor)
    text, owner = _measure_values(actor, text, owner)
    values = {"text": text, "owner_unit_id": owner.id, "due_on": due_on}
    changed = {name: value for name, value in values.items() if getattr(measure, name) != value}
    if "due_on" in changed:
        _check_future(due_on, "due_on")
    if not changed:
        return False
    touch(item, version)
    for name, value in changed.items():
        setattr(measure, name, value)
    record_change(item, actor, "item.edit_measure", measure=measure.id, fields=sorted(changed))
    return True


def remove_measure(measure: Measure, actor: User, version: int) -> None:
    """Remove a measure from the current round's commitment."""
    item = _measure_item(measure, actor)
    touch(item, version)
    item.current_round.measures.remove(measure)
    db.session.delete(measure)
    record_change(item, actor, "item.remove_measure", measure=measure.id)


def commitment_editable(item: RectificationItem) -> bool:
    """Tell whether the current round's commitment may change now (by someone allowed to)."""
    return item.state in COMMITMENT_EDITABLE and not pending_request(
        item.current_round, PublicationKind.COMMITMENT
    )


def pending_request(round_: RectificationRound, kind: PublicationKind) -> PublicationRequest | None:
    """Return the request waiting for approval to publish a round's commitment or result."""
    query = select(PublicationRequest).where(
        PublicationRequest.round_id == round_.id,
        PublicationRequest.kind == kind,
        PublicationRequest.status == RequestStatus.PENDING,
    )
    return db.session.scalar(query)


def may_draft(actor: User, item: RectificationItem) -> bool:
    """Tell whether an account may draft an item's commitment, progress and result."""
    return can(actor, Permission.DRAFT_ITEMS) and item_in_scope(actor, item)


def item_history(item: RectificationItem) -> list[AuditEvent]:
    """Return the audit events about an item, oldest first: its history in the console."""
    query = select(AuditEvent).where(
        AuditEvent.action.in_(AUDITED_ACTIONS),
        AuditEvent.object_type == "item",
        AuditEvent.object_id == str(item.id),
    )
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def touch(item: RectificationItem, version: int) -> None:
    """Check the version the actor saw and mark the item changed, which bumps the version."""
    if item.version != version:
        raise StaleItem(item)
    item.updated_at = utcnow()


def record_change(item: RectificationItem, actor: User, action: str, **details) -> None:
    """Flush a change of an item (a conflict raises StaleItem) and write its audit row."""
    try:
        db.session.flush()
    except StaleDataError as error:  # another worker committed first; the edge rolls back
        raise StaleItem(item) from error
    audit.record(
        action,
        actor=actor,
        object_type="item",
        object_id=item.id,
        details={"round": item.round_number, **details},
    )


def _visible(actor: User, cases: Iterable[Case]) -> list[Case]:
    chosen = list(dict.fromkeys(cases))
    if not chosen:
        raise DomainError(_l("Please give the numbers of the cases."), field="cases")
    if not all(can_see_case(actor, case) for case in chosen):
        raise DomainError(NOT_ALLOWED, field="cases")
    return chosen


def _check_editable(item: RectificationItem, actor: User) -> None:
    if not may_draft(actor, item):
        raise DomainError(NOT_ALLOWED)
    if item.state not in COMMITMENT_EDITABLE:
        raise DomainError(
            _l("The commitment of this round can no longer change: its result is published.")
        )
    if pending_request(item.current_round, PublicationKind.COMMITMENT):
        raise DomainError(
            _l("The commitment waits for approval: it cannot change until that is decided.")
        )


def _measure_item(measure: Measure, actor: User) -> RectificationItem:
    item = measure.round.item
    _check_editable(item, actor)
    if measure.round.number != item.round_number:
        raise DomainError(_l("Only the measures of the current round can change."))
    return item


def _measure_values(actor: User, text: str, owner: Unit | None) -> tuple[str, Unit]:
    text = public_text(text, "text", MEASURE_MAX)
    if owner is None:
        raise DomainError(_l("Please choose the unit that carries out the measure."), "owner_id")
    if not unit_in_scope(actor, owner):
        raise DomainError(_l("Choose a unit within your own scope."), field="owner_id")
    return text, owner


def _check_future(day: date, field: str) -> None:
    if day < local_today():
        raise DomainError(_l("This date has passed. Please choose a later one."), field=field)
