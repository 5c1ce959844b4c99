"""Bad input on the console and the track form: control characters and unreadable hidden values.

A NUL must never reach the database (PostgreSQL refuses it in text with a 500), and a bidi
override or a bell must never be stored to be shown later. A hidden value that is missing or
malformed cannot be corrected by the one who sent it, so the form says it could not be read.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    Case,
    CaseMessage,
    CaseNote,
    CaseStatus,
    MessageDirection,
    RectificationItem,
    Role,
    User,
)
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case
from tests.items import build_desk, new_item

EN = {"Accept-Language": "en"}
REMOVED = "We removed invisible control characters from this text."
UNREADABLE = "This form could not be read. Please reload the page and try again."


@pytest.fixture
def desk(app, client):
    """Sign a city-wide handler in; give them a case just received."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        case, receipt = make_case(city.bureau)
        db.session.commit()
        sign_in(client, handler)
        return SimpleNamespace(number=case.number, receipt=receipt, district=city.district.id)


def _case(number: str) -> Case:
    return db.session.scalar(select(Case).where(Case.number == number))


def _act(app, client, number: str, action: str, **data):
    """Post an action with the version and last event the page would carry."""
    with app.app_context():
        case = _case(number)
        fields = {"version": case.version, "seen_event_id": case.events[-1].id, **data}
    return client.post(f"/console/cases/{number}/{action}", data=fields, headers=EN)


def _count(app, model, *criteria) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def test_a_nul_in_the_answer_is_refused_and_nothing_is_stored(app, client, desk):
    for action, data in (("accept", {}), ("assign", {"unit": desk.district}), ("start", {})):
        assert _act(app, client, desk.number, action, **data).status_code == 303

    response = _act(app, client, desk.number, "answer", answer="已增加\x00两个窗口。")

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert REMOVED in html
    assert "已增加两个窗口。</textarea>" in html
    answers = _count(app, CaseMessage, CaseMessage.direction == MessageDirection.TO_REPORTER)
    assert answers == 0
    with app.app_context():
        assert _case(desk.number).status == CaseStatus.IN_PROGRESS


def test_a_bidi_override_in_a_note_is_removed_and_reported(app, client, desk):
    response = client.post(
        f"/console/cases/{desk.number}/notes", data={"body": "举报人\u202e情绪激动"}, headers=EN
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert REMOVED in html
    assert "举报人情绪激动</textarea>" in html
    assert _count(app, CaseNote) == 0


def test_a_nul_in_the_username_is_refused_on_the_sign_in_page(app, client):
    with app.app_context():
        add_user(Role.HANDLER, build_city().committee, "handler")
        db.session.commit()

    response = client.post(
        "/console/login", data={"username": "handler\x00", "password": "whatever"}, headers=EN
    )

    assert response.status_code == 422
    assert REMOVED in response.get_data(as_text=True)
    with app.app_context():
        actors = list(db.session.scalars(select(AuditEvent.actor)))
    assert not any("\x00" in actor for actor in actors)


def test_an_action_posted_without_its_version_says_the_form_could_not_be_read(app, client, desk):
    response = client.post(f"/console/cases/{desk.number}/accept", headers=EN)

    assert response.status_code == 422
    assert UNREADABLE in response.get_data(as_text=True)
    with app.app_context():
        assert _case(desk.number).status == CaseStatus.RECEIVED


def test_an_item_change_with_a_malformed_version_says_the_form_could_not_be_read(app, client):
    with app.app_context():
        item_desk = build_desk()
        item = new_item(item_desk)
        db.session.commit()
        item_id, officer_id = item.id, item_desk.officer.id
        sign_in(client, db.session.get(User, officer_id))

    response = client.post(
        f"/console/items/{item_id}/draft",
        data={"version": "1x", "seen_seq": "x", "title": "新标题",
              "problem_statement": "多名群众反映排队时间过长。",
              "deadline": (date.today() + timedelta(days=20)).isoformat()},
        headers=EN,
    )  # fmt: skip

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count(UNREADABLE) == 1
    with app.app_context():
        assert db.session.get(RectificationItem, item_id).title == "窗口办事排队时间长"


def test_a_nul_in_the_track_number_is_refused_politely(app, desk):
    reporter = app.test_client()

    response = reporter.post(
        "/track", data={"number": f"{desk.number}\x00", "receipt": desk.receipt}, headers=EN
    )

    assert response.status_code == 422
    assert REMOVED in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("kind", "message"),
    [("", UNREADABLE), ("bogus", "There is nothing of that kind to publish.")],
    ids=["missing", "forged"],
)
def test_a_publication_request_of_no_known_kind_says_why_it_was_refused(app, client, kind, message):
    with app.app_context():
        item_desk = build_desk()
        item = new_item(item_desk)
        db.session.commit()
        item_id, version = item.id, item.version
        sign_in(client, db.session.get(User, item_desk.officer.id))

    response = client.post(
        f"/console/items/{item_id}/request",
        data={"version": version, "seen_seq": "0", "kind": kind},
        headers=EN,
    )

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
