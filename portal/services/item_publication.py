"""Publishing a round's commitment and result: asked for by one person, approved by another.

The unit's officers (or the organization department) ask; a second person with the right to
approve, whose scope covers the unit, approves or denies. That person works in the
organization department: their unit is one, or they are scoped at the top of the tree, where
the municipal organization department's staff sit to see the whole city. Nobody decides on a
text they asked for or wrote themselves in that round (:func:`authors`).

Approval fingerprints the content (:func:`portal.services.items.published_content`), keeps
it as a numbered version and, the first time, moves the item along its table. A published
text is corrected the same way: each approved correction appends a version with its
fingerprint and a public change note. The public reads the newest approved version, never
the fields being edited.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    AuditEvent,
    ItemState,
    PublicationKind,
    PublicationRequest,
    PublishedVersion,
    RectificationItem,
    RectificationRound,
    RequestStatus,
    UnitKind,
    User,
    utcnow,
)
from portal.policy import Permission, at_top, can
from portal.services.errors import DomainError
from portal.services.item_texts import public_text
from portal.services.item_versions import has_changes, versions
from portal.services.items import (
    fingerprint,
    item_in_scope,
    published_content,
    transition_item,
    visible_items,
)
from portal.services.rectification import (
    NOT_ALLOWED,
    may_draft,
    pending_request,
    record_change,
    touch,
)

K = PublicationKind
NOTE_MAX = 2_000
#: The audit actions that change the published text of a kind, and for "item.edit" the
#: fields that do (the category is not published).
TEXT_EDITS = {
    K.COMMITMENT: {"item.add_measure", "item.edit_measure", "item.remove_measure"},
    K.RESULT: {"item.edit_result"},
}
TEXT_FIELDS = {
    K.COMMITMENT: {"title", "problem_statement", "commitment", "deadline"},
    K.RESULT: {"title"},
}
#: The item's move when a kind is published for the first time in a round.
FIRST_PUBLICATION = {K.COMMITMENT: "publish_commitment", K.RESULT: "publish_result"}
#: The state an item must be in for a kind's first publication, and for its corrections.
FIRST_STATES = {K.COMMITMENT: {ItemState.DRAFT}, K.RESULT: {ItemState.IN_RECTIFICATION}}
CORRECTION_STATES = {
    K.COMMITMENT: {ItemState.COMMITMENT_PUBLISHED, ItemState.IN_RECTIFICATION},
    K.RESULT: {ItemState.RESULT_PUBLISHED},
}


def request_publication(
    item: RectificationItem, actor: User, version: int, kind: PublicationKind
) -> PublicationRequest:
    """Ask a second person to publish the current round's commitment or result."""
    if not may_draft(actor, item):
        raise DomainError(NOT_ALLOWED)
    round_ = item.current_round
    if pending_request(round_, kind):
        raise DomainError(_l("A request to publish this is already waiting for approval."))
    first = _first(round_, kind)
    _check_publishable(item, round_, kind, first)
    touch(item, version)
    request = PublicationRequest(round=round_, kind=kind, requested_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    content = published_content(round_, kind)
    record_change(
        item,
        actor,
        "item.request_publication",
        request=request.id,
        kind=kind.value,
        correction=not first,
        fingerprint=fingerprint(content),
    )
    return request


def approve_publication(
    request: PublicationRequest, approver: User, version: int, change_note: str = ""
) -> PublishedVersion:
    """Publish what was asked for, as a second person: fingerprint it and keep the version."""
    item, round_, kind = _decidable(request, approver)
    first = _first(round_, kind)
    _check_publishable(item, round_, kind, first)
    note = "" if first else public_text(change_note, "change_note", NOTE_MAX)
    content = published_content(round_, kind)
    digest = fingerprint(content)
    if first:
        details = {"request": request.id, "fingerprint": digest}
        transition_item(item, FIRST_PUBLICATION[kind], approver, version, details)
    else:
        touch(item, version)
    now = utcnow()
    if first:
        setattr(round_, f"{kind.value}_published_at", now)
    setattr(round_, f"{kind.value}_fingerprint", digest)
    published = PublishedVersion(
        round_id=round_.id,
        kind=kind,
        number=len(versions(round_, kind)) + 1,
        content=content,
        fingerprint=digest,
        change_note=note,
        published_by_id=approver.id,
        published_at=now,
    )
    db.session.add(published)
    _decide(request, approver, RequestStatus.APPROVED, note or None, now)
    if first:
        db.session.flush()
    else:
        details = {"request": request.id, "version": published.number, "fingerprint": digest}
        record_change(item, approver, f"item.correct_{kind.value}", **details)
    return published


def deny_publication(request: PublicationRequest, approver: User, version: int, note: str) -> None:
    """Refuse a publication, saying why; the unit may change the text and ask again."""
    item, _round, kind = _decidable(request, approver)
    note = (note or "").strip()
    if not note:
        raise DomainError(_l("Please say why the publication is refused."), field="note")
    if len(note) > NOTE_MAX:
        raise DomainError(_l("Use at most %(max)d characters.", max=NOTE_MAX), field="note")
    touch(item, version)
    _decide(request, approver, RequestStatus.DENIED, note, utcnow())
    record_change(item, approver, "item.deny_publication", request=request.id, kind=kind.value)


def pending_requests(user: User) -> list[PublicationRequest]:
    """Return the requests waiting for approval on the items in the account's scope."""
    if not in_organization_department(user):
        return []
    query = (
        select(PublicationRequest)
        .join(PublicationRequest.round)
        .join(RectificationRound.item)
        .options(joinedload(PublicationRequest.round).joinedload(RectificationRound.item))
        .where(PublicationRequest.status == RequestStatus.PENDING, visible_items(user))
        .order_by(PublicationRequest.created_at, PublicationRequest.id)
    )
    return list(db.session.scalars(query))


def item_requests(item: RectificationItem) -> list[PublicationRequest]:
    """Return every publication request of an item, newest first."""
    query = (
        select(PublicationRequest)
        .join(PublicationRequest.round)
        .where(RectificationRound.item_id == item.id)
        .order_by(PublicationRequest.id.desc())
    )
    return list(db.session.scalars(query))


def is_correction(request: PublicationRequest) -> bool:
    """Tell whether a request corrects a text published before."""
    return not _first(request.round, request.kind)


def in_organization_department(user: User) -> bool:
    """Tell whether an account works in an organization department, where approvals are made."""
    return user.unit.kind == UnitKind.ORGANIZATION_DEPARTMENT or at_top(user)


def authors(request: PublicationRequest) -> set[int]:
    """Return the ids of the accounts who wrote the requested text in its round.

    Read from the audit trail, which every edit appends to and whose chain shows a deletion.
    """
    round_, kind = request.round, request.kind
    query = select(AuditEvent.actor_id, AuditEvent.action, AuditEvent.details).where(
        AuditEvent.object_type == "item",
        AuditEvent.object_id == str(round_.item_id),
        AuditEvent.action.in_(TEXT_EDITS[kind] | {"item.edit"}),
        AuditEvent.actor_id.is_not(None),
    )
    found: set[int] = set()
    for actor_id, action, raw in db.session.execute(query):
        details = json.loads(raw)
        if details.get("round") != round_.number:
            continue
        if action != "item.edit" or TEXT_FIELDS[kind] & set(details.get("fields", ())):
            found.add(actor_id)
    return found


def refusal(request: PublicationRequest, user: User) -> str | None:
    """Return why an account may not approve or deny a request, or None if it may."""
    try:
        _decidable(request, user)
    except DomainError as error:
        return str(error.message)
    return None


def _first(round_: RectificationRound, kind: PublicationKind) -> bool:
    return getattr(round_, f"{kind.value}_published_at") is None


def _check_publishable(
    item: RectificationItem, round_: RectificationRound, kind: PublicationKind, first: bool
) -> None:
    """Refuse a publication the item's state or the text does not allow."""
    if round_.number != item.round_number:
        raise DomainError(_l("Only the current round can be published."))
    if item.state not in (FIRST_STATES if first else CORRECTION_STATES)[kind]:
        raise DomainError(
            _l("An item that is “%(state)s” cannot publish this.", state=item.state.label)
        )
    if not first and not has_changes(round_, kind):
        raise DomainError(_l("Nothing changed since the published version."))
    if kind == K.RESULT and not round_.result:
        raise DomainError(_l("Please write the result first."), field="result")
    if kind == K.COMMITMENT:
        _check_commitment(round_, first)


def _check_commitment(round_: RectificationRound, first: bool) -> None:
    if not round_.measures:
        raise DomainError(_l("A commitment needs at least one measure."))
    if round_.deadline is None:
        raise DomainError(_l("A commitment needs a deadline."), field="deadline")
    if first and round_.deadline < local_today():
        raise DomainError(_l("The deadline has passed. Please set a new one."), field="deadline")
    if any(measure.due_on > round_.deadline for measure in round_.measures):
        raise DomainError(_l("Every measure must be due by the deadline of the commitment."))


def _decidable(
    request: PublicationRequest, approver: User
) -> tuple[RectificationItem, RectificationRound, PublicationKind]:
    item = request.round.item
    if not (can(approver, Permission.APPROVE_PUBLICATION) and item_in_scope(approver, item)):
        raise DomainError(NOT_ALLOWED)
    if not in_organization_department(approver):
        raise DomainError(
            _l("Publications are approved in the organization department: ask someone there.")
        )
    if request.requested_by_id == approver.id:
        raise DomainError(_l("You asked for this publication: another person must decide on it."))
    if approver.id in authors(request):
        raise DomainError(
            _l("You wrote part of this text in this round: another person must decide on it.")
        )
    if request.status != RequestStatus.PENDING:
        raise DomainError(_l("This request was decided already."))
    return item, request.round, request.kind


def _decide(
    request: PublicationRequest,
    approver: User,
    status: RequestStatus,
    note: str | None,
    now: datetime,
) -> None:
    request.status, request.decided_by_id = status, approver.id
    request.decided_at, request.decision_note = now, note
