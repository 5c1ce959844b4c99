"""The public reads an item's title and deadline as approved, never as the unit is editing them."""

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask_babel import force_locale
from pypdf import PdfReader

from portal.clock import local_today
from portal.extensions import db
from portal.models import ItemState, RectificationItem
from portal.services import rectification
from portal.services.errors import DomainError
from portal.services.item_board import is_overdue
from portal.services.items import transition_item
from tests.factories import category
from tests.items import K, build_desk, desk_ids, item_at, publish, staff_of
from tests.public import english, open_case

APPROVED = "窗口办事排队时间长"
UNAPPROVED = "悄悄改过的标题"
CITY = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def published(app, client) -> dict:
    """Commit an item whose commitment is published and under way; return its ids."""
    with app.app_context():
        desk = build_desk()
        item = item_at(desk, ItemState.IN_RECTIFICATION, APPROVED)
        db.session.commit()
        ids = {"item": item.id, "deadline": item.current_round.deadline, **desk_ids(desk)}
    english(client)
    return ids


def edit(app, ids: dict, category_code: str | None = None, **fields) -> None:
    """Change the item's draft as its unit's officer, without asking anyone, and commit."""
    with app.app_context(), force_locale("en"):
        item = db.session.get(RectificationItem, ids["item"])
        values = {
            "title": item.title,
            "problem_statement": item.problem_statement,
            "commitment": item.current_round.commitment,
            "deadline": item.current_round.deadline,
            "category": category(category_code) if category_code else item.category,
        }
        rectification.update_draft(item, staff_of(ids).officer, item.version, **(values | fields))
        db.session.commit()


def shown_item(app, ids: dict) -> tuple[str, str]:
    """Return the item's title and category code as they are stored now."""
    with app.app_context():
        item = db.session.get(RectificationItem, ids["item"])
        return item.title, item.category.code


def approve(app, ids: dict) -> None:
    """Ask for and approve the correction of the commitment, and commit."""
    with app.app_context():
        item = db.session.get(RectificationItem, ids["item"])
        publish(staff_of(ids), item, K.COMMITMENT, note="更正。")
        db.session.commit()


def on(time_machine, day: date) -> None:
    """Freeze the clock at ten in the morning of a day in the city."""
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=CITY), tick=False)


def page(client, path: str, **query) -> str:
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def deadline_on_card(day: date) -> str:
    return f"Deadline: {format_date(day, 'long', locale='en')}"


def test_an_unapproved_title_stays_off_every_public_page(app, client, published):
    edit(app, published, title=UNAPPROVED)
    open_case(client, published["case"], published["receipt"])

    for path in (f"/items/{published['item']}", "/items", "/", "/track/case"):
        shown = page(client, path)
        assert APPROVED in shown and UNAPPROVED not in shown, path
    assert f"<h1>{APPROVED}</h1>" in page(client, f"/items/{published['item']}")


def test_an_unapproved_deadline_stays_off_the_board(app, client, published):
    later = published["deadline"] + timedelta(days=60)

    edit(app, published, deadline=later)

    board = page(client, "/items")
    assert deadline_on_card(published["deadline"]) in board
    assert deadline_on_card(later) not in board


def test_pushing_the_deadline_back_unapproved_keeps_the_item_overdue(
    app, client, published, time_machine
):
    on(time_machine, published["deadline"] + timedelta(days=1))
    later = published["deadline"] + timedelta(days=60)

    edit(app, published, deadline=later)

    board = page(client, "/items", overdue="y")
    assert APPROVED in board and "Past the deadline" in board
    item_page = page(client, f"/items/{published['item']}")
    assert "The deadline of this round's commitment has passed" in item_page
    with app.app_context():
        assert is_overdue(db.session.get(RectificationItem, published["item"]), local_today())


def test_an_approved_later_deadline_takes_the_item_off_the_overdue_list(
    app, client, published, time_machine
):
    on(time_machine, published["deadline"] + timedelta(days=1))
    later = published["deadline"] + timedelta(days=60)
    edit(app, published, deadline=later)

    approve(app, published)

    assert APPROVED not in page(client, "/items", overdue="y")
    assert deadline_on_card(later) in page(client, "/items")


def test_the_deadline_being_edited_alone_never_makes_an_item_overdue(app, client, published):
    with app.app_context():
        item = db.session.get(RectificationItem, published["item"])
        item.current_round.deadline = local_today() - timedelta(days=1)
        db.session.commit()

    assert "No rectification item matches" in page(client, "/items", overdue="y")
    item_page = page(client, f"/items/{published['item']}")
    assert "The deadline of this round's commitment has passed" not in item_page


def test_an_approved_correction_of_the_title_reaches_the_public(app, client, published):
    edit(app, published, title=UNAPPROVED)

    approve(app, published)

    for path in (f"/items/{published['item']}", "/items", "/"):
        shown = page(client, path)
        assert UNAPPROVED in shown and APPROVED not in shown, path


def test_while_a_new_round_is_drafted_the_last_approved_title_stays(app, client):
    with app.app_context():
        desk = build_desk()
        item = item_at(desk, ItemState.UNDER_REVIEW, APPROVED)
        transition_item(item, "rectify_again", desk.handler, item.version)
        db.session.commit()
        ids = {"item": item.id, **desk_ids(desk)}
    english(client)

    edit(app, ids, title=UNAPPROVED)

    for path in (f"/items/{ids['item']}", "/items"):
        shown = page(client, path)
        assert APPROVED in shown and UNAPPROVED not in shown, path


def test_the_notice_names_the_item_by_its_approved_title(app, client, published):
    edit(app, published, title=UNAPPROVED)

    response = client.get(f"/items/{published['item']}/notice.pdf")

    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    assert APPROVED in text and UNAPPROVED not in text


def test_the_category_cannot_change_once_the_item_is_public(app, published):
    with pytest.raises(DomainError) as refusal:
        edit(app, published, category_code="gambling")

    assert refusal.value.field == "category_id"
    assert "cannot change once the item is public" in str(refusal.value.message)
    assert shown_item(app, published) == (APPROVED, "service_efficiency")


def test_a_draft_may_still_change_its_category_and_title(app):
    with app.app_context():
        desk = build_desk()
        item = item_at(desk, ItemState.DRAFT, APPROVED)
        db.session.commit()
        ids = {"item": item.id, **desk_ids(desk)}

    edit(app, ids, category_code="gambling", title=UNAPPROVED)

    assert shown_item(app, ids) == (UNAPPROVED, "gambling")


def test_the_version_history_and_vote_pages_name_the_item_as_approved(app, client, published):
    edit(app, published, title=UNAPPROVED)

    for path in (f"/items/{published['item']}/versions", f"/items/{published['item']}/vote"):
        response = client.get(path)
        shown = response.get_data(as_text=True)
        assert APPROVED in shown, path
        assert UNAPPROVED not in shown, path


def test_the_public_item_page_does_not_count_the_linked_cases(app, client, published):
    assert "Raised in" not in page(client, f"/items/{published['item']}")
