"""Rectification items: their one transition table, and fingerprints of what is published.

An item goes draft -> commitment published -> in rectification -> result published ->
under public review -> accepted; a review that falls short sends it back to draft for round
n+1, every earlier round staying public. Every move goes through :func:`transition_item`,
which checks the table, the actor's permission and scope and the version they saw, writes
an audit row and flushes. The same state is a no-op; an unknown move raises.
"""

from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm.exc import StaleDataError

from portal.extensions import db
from portal.models import (
    ItemState,
    PublicationKind,
    RectificationItem,
    RectificationRound,
    Unit,
    User,
)
from portal.policy import Permission, can, unit_in_scope
from portal.services import audit
from portal.services.errors import DomainError

I = ItemState  # noqa: E741  (the table reads better with a one-letter state)

#: (state, action) -> new state. The whole life of an item.
ITEM_TRANSITIONS: dict[tuple[ItemState, str], ItemState] = {
    (I.DRAFT, "publish_commitment"): I.COMMITMENT_PUBLISHED,
    (I.COMMITMENT_PUBLISHED, "start_rectification"): I.IN_RECTIFICATION,
    (I.IN_RECTIFICATION, "publish_result"): I.RESULT_PUBLISHED,
    (I.RESULT_PUBLISHED, "open_review"): I.UNDER_REVIEW,
    (I.UNDER_REVIEW, "accept"): I.ACCEPTED,
    (I.UNDER_REVIEW, "rectify_again"): I.DRAFT,
}

#: The permission each action needs. Publishing happens when a second person approves.
ITEM_ACTION_PERMISSIONS: dict[str, Permission] = {
    "publish_commitment": Permission.APPROVE_PUBLICATION,
    "start_rectification": Permission.DRAFT_ITEMS,
    "publish_result": Permission.APPROVE_PUBLICATION,
    "open_review": Permission.MANAGE_ITEMS,
    "accept": Permission.MANAGE_ITEMS,
    "rectify_again": Permission.MANAGE_ITEMS,
}

#: The moves the calendar makes by itself, when a satisfaction round opens or closes on time.
DATE_ACTIONS = frozenset({"open_review", "accept", "rectify_again"})

#: States in which the public sees an item (a first draft is not public yet).
PUBLIC_STATES = frozenset(ItemState) - {I.DRAFT}


class InvalidItemTransition(DomainError):
    """The item's life has no such move from its current state."""


class StaleItem(DomainError):
    """Someone else changed the item since the actor opened it; nothing was overwritten."""

    def __init__(self, item: RectificationItem) -> None:
        super().__init__(
            _l("This item changed since you opened it. Review the changes and try again.")
        )
        self.item = item


def item_in_scope(user: User, item: RectificationItem) -> bool:
    """Tell whether an item's responsible unit lies in the account's subtree."""
    return unit_in_scope(user, item.unit)


def visible_items(user: User) -> ColumnElement[bool]:
    """Return the SQL condition selecting the items in the account's scope."""
    if user.unit.parent_id is None:
        return true()
    subtree = select(Unit.id).where(Unit.path.startswith(user.unit.path, autoescape=True))
    return RectificationItem.unit_id.in_(subtree)


def is_public(item: RectificationItem) -> bool:
    """Tell whether the public may see an item: once a commitment was ever published."""
    return item.state in PUBLIC_STATES or item.round_number > 1


def public_items() -> ColumnElement[bool]:
    """Return the SQL condition selecting the items the public may see (see :func:`is_public`)."""
    return or_(
        RectificationItem.state.in_(sorted(PUBLIC_STATES)), RectificationItem.round_number > 1
    )


def transition_item(
    item: RectificationItem,
    action: str,
    actor: User | None,
    version: int,
    details: dict | None = None,
) -> bool:
    """Move an item along the table; return False when it was already there.

    ``actor`` None is the system, which may only make the moves of the calendar.
    """
    if item.version != version:
        raise StaleItem(item)
    if actor is None:
        if action not in DATE_ACTIONS:
            raise DomainError(_l("You are not allowed to do this on this item."))
    elif not (can(actor, ITEM_ACTION_PERMISSIONS[action]) and item_in_scope(actor, item)):
        raise DomainError(_l("You are not allowed to do this on this item."))
    target = ITEM_TRANSITIONS.get((item.state, action))
    if target is None:
        if {t for (_s, a), t in ITEM_TRANSITIONS.items() if a == action} == {item.state}:
            return False
        raise InvalidItemTransition(
            _l("An item that is “%(state)s” cannot move this way.", state=item.state.label)
        )
    source = item.state
    item.state = target
    if action == "rectify_again":
        _open_next_round(item)
    audit.record(
        f"item.{action}",
        actor=actor,
        actor_label="system",
        object_type="item",
        object_id=item.id,
        details={
            "from": source.value,
            "to": target.value,
            "round": item.round_number,
            **(details or {}),
        },
    )
    try:
        db.session.flush()
    except StaleDataError as error:  # another worker committed first; the edge rolls back
        raise StaleItem(item) from error
    return True


def _open_next_round(item: RectificationItem) -> None:
    """Start round n+1 with an empty commitment; the earlier rounds stay as they were."""
    item.round_number += 1
    item.rounds.append(RectificationRound(number=item.round_number))


def fingerprint(content: str) -> str:
    """Return the SHA-256 of published content, so that any later change shows."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def published_content(round_: RectificationRound, kind: PublicationKind) -> str:
    """Return the canonical text of a round's commitment or result, as it is fingerprinted."""
    item = round_.item
    content: dict = {
        "item": item.id,
        "round": round_.number,
        "kind": kind.value,
        "unit": item.unit.name,
        "unit_id": item.unit_id,
        "title": item.title,
    }
    if kind == PublicationKind.COMMITMENT:
        content |= {
            "problem": item.problem_statement,
            "commitment": round_.commitment,
            "deadline": round_.deadline.isoformat() if round_.deadline else None,
            "measures": [
                {
                    "text": m.text,
                    "owner": m.owner_unit.name,
                    "owner_id": m.owner_unit_id,
                    "due": m.due_on.isoformat(),
                }
                for m in round_.measures
            ],
        }
    else:
        content |= {"result": round_.result}
    return audit.canonical_json(content)
