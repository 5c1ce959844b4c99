"""Helpers for tests of rectification items: a desk of staff, items taken to a stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from portal.clock import local_today
from portal.extensions import db
from portal.models import Case, ItemState, PublicationKind, RectificationItem, Role, User
from portal.services import item_progress, item_publication, rectification
from portal.services.items import transition_item
from tests.factories import City, add_user, build_city, category, make_case

K = PublicationKind
DEADLINE_DAYS = 30


@dataclass
class Desk:
    """A city, a bureau's officer, two organization department handlers, a case and its receipt."""

    city: City
    handler: User
    approver: User
    officer: User
    case: Case
    receipt: str


def build_desk() -> Desk:
    """Build the city, its staff and a case about the bureau (flushed)."""
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    approver = add_user(Role.HANDLER, city.committee, "approver")
    officer = add_user(Role.OFFICER, city.bureau, "officer")
    case, receipt = make_case(city.bureau)
    return Desk(city, handler, approver, officer, case, receipt)


def new_item(desk: Desk, title: str = "窗口办事排队时间长", **fields) -> RectificationItem:
    """Make an item (about the bureau unless a unit is given) from the desk's case."""
    unit = fields.pop("unit", None) or desk.city.bureau
    values = {
        "problem_statement": "<p>多名群众反映，办事窗口排队时间过长。</p>",
        "cases": [desk.case],
        "category": category("service_efficiency"),
    }
    values.update(fields)
    return rectification.create_item(desk.handler, unit, title, **values)


def draft_commitment(desk: Desk, item: RectificationItem, measure: str = "工作日增开两个窗口"):
    """Write the commitment of the item's current round, one measure by its unit, as the officer."""
    deadline = local_today() + timedelta(days=DEADLINE_DAYS)
    rectification.update_draft(
        item,
        desk.officer,
        item.version,
        title=item.title,
        problem_statement=item.problem_statement,
        commitment="<p>增开窗口，推行预约办理。</p>",
        deadline=deadline,
        category=item.category,
    )
    rectification.add_measure(item, desk.officer, item.version, measure, item.unit, deadline)


def publish(desk: Desk, item: RectificationItem, kind: PublicationKind, note: str = ""):
    """Ask as the officer, approve as the second handler."""
    asked = item_publication.request_publication(item, desk.officer, item.version, kind)
    return item_publication.approve_publication(asked, desk.approver, item.version, note)


def item_at(
    desk: Desk, state: ItemState, title: str = "窗口办事排队时间长", **fields
) -> RectificationItem:
    """Take a new item through the table to a state (a review's outcome forced, not voted)."""
    item = new_item(desk, title, **fields)
    steps = [
        (ItemState.COMMITMENT_PUBLISHED, lambda: publish(desk, item, K.COMMITMENT)),
        (ItemState.IN_RECTIFICATION, lambda: _start(desk, item)),
        (ItemState.RESULT_PUBLISHED, lambda: _result(desk, item)),
        (ItemState.UNDER_REVIEW, lambda: _move(desk, item, "open_review")),
        (ItemState.ACCEPTED, lambda: _move(desk, item, "accept")),
    ]
    draft_commitment(desk, item)
    for reached, step in steps:
        if item.state == state:
            break
        step()
        assert item.state == reached
    return item


def _start(desk: Desk, item: RectificationItem) -> None:
    item_progress.start_rectification(item, desk.officer, item.version)
    item_progress.add_milestone(item, desk.officer, item.version, "已增开一个窗口。", 50)


def _result(desk: Desk, item: RectificationItem) -> None:
    item_progress.update_result(item, desk.officer, item.version, "<p>窗口已由四个增至六个。</p>")
    publish(desk, item, K.RESULT)


def _move(desk: Desk, item: RectificationItem, action: str) -> None:
    transition_item(item, action, desk.handler, item.version)


def staff_of(desk_ids: dict) -> Desk:
    """Return a desk's staff again, in a new context (the city and case are left out)."""
    users = {key: db.session.get(User, desk_ids[key]) for key in ("handler", "approver", "officer")}
    return Desk(None, users["handler"], users["approver"], users["officer"], None, "")  # type: ignore[arg-type]


def seed_desk(app: Flask) -> dict:
    """Commit a desk and return the ids tests need outside an app context."""
    with app.app_context():
        desk = build_desk()
        db.session.commit()
        return desk_ids(desk)


def desk_ids(desk: Desk) -> dict:
    """Return the ids of a desk's units, staff and case."""
    return {
        "bureau": desk.city.bureau.id,
        "district": desk.city.district.id,
        "committee": desk.city.committee.id,
        "handler": desk.handler.id,
        "approver": desk.approver.id,
        "officer": desk.officer.id,
        "case": desk.case.number,
        "receipt": desk.receipt,
    }
