"""Rectification items in the console: drafting, four eyes, approvals, conflicts, assessments."""

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    ItemState,
    PublicationRequest,
    RectificationItem,
    RequestStatus,
    Role,
    SupervisorConflict,
    SupervisorKind,
    SupervisorProfile,
    Unit,
    User,
)
from portal.services import item_progress
from tests.console import sign_in
from tests.factories import add_user
from tests.items import K, build_desk, desk_ids, draft_commitment, new_item, publish, staff_of
from tests.public import english

#: A due date well ahead, whatever the time zones say today is.
DUE = (date.today() + timedelta(days=20)).isoformat()


@pytest.fixture
def desk(app, client) -> dict:
    """Commit a desk and a draft item about the bureau; sign the bureau's officer in."""
    with app.app_context():
        desk = build_desk()
        item = new_item(desk)
        db.session.commit()
        ids = {**desk_ids(desk), "item": item.id}
    english(client)
    _as(app, client, ids["officer"])
    return ids


def _as(app, client: FlaskClient, user_id: int) -> FlaskClient:
    with app.app_context():
        return sign_in(client, db.session.get(User, user_id))


def _item(app, item_id: int) -> RectificationItem:
    with app.app_context():
        item = db.session.get(RectificationItem, item_id)
        db.session.expunge(item)
        return item


def _post(app, client, item_id: int, change: str, **data):
    """Post a change with the version the page would carry."""
    version = _item(app, item_id).version
    return client.post(f"/console/items/{item_id}/{change}", data={"version": version, **data})


def _draft(app, client, item_id: int, **fields):
    data = {
        "title": "窗口办事排队时间长",
        "problem_statement": "多名群众反映排队时间过长。",
        "commitment": "增开窗口，推行预约。",
        "deadline": DUE,
    }
    data.update(fields)
    return _post(app, client, item_id, "draft", **data)


def _measure(app, client, item_id: int, unit_id: int):
    return _post(app, client, item_id, "measure", text="增开两个窗口", owner_id=unit_id, due_on=DUE)


def _request(app, client, item_id: int, kind: str = "commitment"):
    return _post(app, client, item_id, "request", kind=kind)


def _pending(app, item_id: int) -> int:
    with app.app_context():
        query = select(PublicationRequest.id).where(
            PublicationRequest.status == RequestStatus.PENDING
        )
        return db.session.scalar(query.order_by(PublicationRequest.id.desc()))


def _approve(app, client, item_id: int, **data):
    request_id = _pending(app, item_id)
    version = _item(app, item_id).version
    return client.post(
        f"/console/items/publications/{request_id}/approve", data={"version": version, **data}
    )


def test_an_officer_drafts_the_commitment_of_their_own_unit(app, client, desk):
    page = client.get(f"/console/items/{desk['item']}")
    assert page.status_code == 200 and "Save the draft" in page.get_data(as_text=True)

    assert _draft(app, client, desk["item"]).status_code == 303
    assert _measure(app, client, desk["item"], desk["bureau"]).status_code == 303
    item = _item(app, desk["item"])
    assert item.problem_statement == "<p>多名群众反映排队时间过长。</p>"


def test_an_officer_of_another_unit_is_told_there_is_no_such_item(app, client, desk):
    with app.app_context():
        stranger = add_user(Role.OFFICER, db.session.get(Unit, desk["district"]), "stranger")
        db.session.commit()
        stranger_id = stranger.id
    _as(app, client, stranger_id)

    assert client.get(f"/console/items/{desk['item']}").status_code == 404
    assert _draft(app, client, desk["item"]).status_code == 404


def test_the_life_of_an_item_in_the_console_answers_every_change_with_303(app, client, desk):
    item_id = desk["item"]
    for response in (
        _draft(app, client, item_id),
        _measure(app, client, item_id, desk["bureau"]),
        _request(app, client, item_id),
    ):
        assert response.status_code == 303, response.get_data(as_text=True)
    _as(app, client, desk["approver"])
    assert _approve(app, client, item_id).status_code == 303
    _as(app, client, desk["officer"])
    for change, data in (
        ("start", {}),
        ("milestone", {"progress": "已增开一个窗口。", "percent": "50"}),
        ("result", {"result": "窗口已由四个增至六个。"}),
        ("request", {"kind": "result"}),
    ):
        assert _post(app, client, item_id, change, **data).status_code == 303, change
    _as(app, client, desk["approver"])
    assert _approve(app, client, item_id).status_code == 303

    assert _item(app, item_id).state == ItemState.RESULT_PUBLISHED
    public = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "已增开一个窗口。" in public and "窗口已由四个增至六个。" in public


def test_an_officer_asks_but_never_approves(app, client, desk):
    assert client.get("/console/items/publications").status_code == 403


def test_nobody_approves_their_own_request(app, client, desk):
    _as(app, client, desk["handler"])
    _draft(app, client, desk["item"])
    _measure(app, client, desk["item"], desk["bureau"])
    _request(app, client, desk["item"])

    page = client.get(f"/console/items/publications/{_pending(app, desk['item'])}")
    response = _approve(app, client, desk["item"])

    assert "another person must decide on it" in page.get_data(as_text=True)
    assert response.status_code == 422
    assert "another person must decide on it" in response.get_data(as_text=True)
    assert _item(app, desk["item"]).state == ItemState.DRAFT


def test_an_approver_of_the_organization_department_sees_and_approves(app, client, desk):
    _draft(app, client, desk["item"])
    _measure(app, client, desk["item"], desk["bureau"])
    _request(app, client, desk["item"])
    _as(app, client, desk["approver"])

    waiting = client.get("/console/items/publications").get_data(as_text=True)
    request_page = client.get(f"/console/items/publications/{_pending(app, desk['item'])}")
    response = _approve(app, client, desk["item"])

    assert "窗口办事排队时间长" in waiting
    assert "增开两个窗口" in request_page.get_data(as_text=True)
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/items/publications"
    assert _item(app, desk["item"]).state == ItemState.COMMITMENT_PUBLISHED


def test_a_stale_form_is_refused_with_the_changes_shown_and_nothing_overwritten(app, client, desk):
    seen = _item(app, desk["item"]).version
    _measure(app, client, desk["item"], desk["bureau"])

    response = client.post(
        f"/console/items/{desk['item']}/draft",
        data={"version": seen, "seen_seq": 1, "title": "新标题",
              "problem_statement": "我写了很久的问题陈述", "deadline": DUE},
    )  # fmt: skip

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This item changed since you opened it" in html
    assert "Changes since you opened this item" in html and "Measure added" in html
    assert "我写了很久的问题陈述" in html
    item = _item(app, desk["item"])
    assert item.title == "窗口办事排队时间长"
    assert f'name="version" type="hidden" value="{item.version}"' in html


def test_a_public_text_with_a_phone_number_comes_back_with_the_reason(app, client, desk):
    response = _draft(app, client, desk["item"], problem_statement="请拨打13800001234了解")

    assert response.status_code == 422
    assert "remove the phone numbers" in response.get_data(as_text=True)


def test_a_new_item_is_made_from_case_numbers(app, client, desk):
    _as(app, client, desk["handler"])
    form = client.get(f"/console/items/new?cases={desk['case']}").get_data(as_text=True)
    data = {
        "title": "办事效率低",
        "unit_id": desk["bureau"],
        "cases": f"{desk['case']} 2000-000001",
        "problem_statement": "办事效率低。",
    }

    refused = client.post("/console/items/new", data=data)
    made = client.post("/console/items/new", data={**data, "cases": desk["case"]})

    assert desk["case"] in form and "Public text" in form
    assert refused.status_code == 422
    assert "There is no case with these numbers: 2000-000001." in refused.get_data(as_text=True)
    assert made.status_code == 303 and made.headers["Location"].startswith("/console/items/")


def _drafted(app, desk: dict, publish_it: bool = False) -> RectificationItem:
    """Draft the item's commitment through the services (and publish it, if asked)."""
    with app.app_context():
        item = db.session.get(RectificationItem, desk["item"])
        staff = staff_of(desk)
        draft_commitment(staff, item)
        if publish_it:
            publish(staff, item, K.COMMITMENT)
            item_progress.start_rectification(item, staff.officer, item.version)
        db.session.commit()
        db.session.expunge(item)
        return item


def test_a_measure_changes_on_its_own_page_and_goes(app, client, desk):
    _drafted(app, desk)
    with app.app_context():
        item = db.session.get(RectificationItem, desk["item"])
        url = f"/console/items/{item.id}/measures/{item.current_round.measures[0].id}"

    assert client.get(url).status_code == 200
    changed = client.post(
        url, data={"version": _item(app, desk["item"]).version, "text": "增开三个窗口",
                   "owner_id": desk["bureau"], "due_on": DUE},
    )  # fmt: skip
    removed = client.post(f"{url}/remove", data={"version": _item(app, desk["item"]).version})

    assert changed.status_code == 303 and removed.status_code == 303
    with app.app_context():
        assert db.session.get(RectificationItem, desk["item"]).current_round.measures == []


@pytest.fixture
def supervisor(app, desk) -> int:
    """An image supervisor in term, whose area is the whole city."""
    with app.app_context():
        committee = db.session.get(Unit, desk["committee"])
        user = add_user(Role.SUPERVISOR, committee, "supervisor", display_name="李监督")
        db.session.add(
            SupervisorProfile(
                user_id=user.id,
                kind=SupervisorKind.DEPUTY,
                term_starts=local_today() - timedelta(days=1),
                term_ends=local_today() + timedelta(days=365),
            )
        )
        db.session.commit()
        return user.id


def test_a_supervisor_assesses_an_item_of_their_area_beside_the_units_report(
    app, client, desk, supervisor
):
    _drafted(app, desk, publish_it=True)
    _as(app, client, supervisor)
    url = f"/console/items/{desk['item']}/assessment"

    listed = client.get("/console/items/assessments").get_data(as_text=True)
    response = client.post(url, data={"text": "窗口确有增加，高峰仍需排队。"})
    again = client.get(url).get_data(as_text=True)

    assert "窗口办事排队时间长" in listed
    assert response.status_code == 303
    assert "You have assessed this round" in again
    public = client.get(f"/items/{desk['item']}").get_data(as_text=True)
    assert "窗口确有增加，高峰仍需排队。" in public and "An image supervisor" in public
    assert "李监督" not in public  # a role, never a name


def test_a_supervisor_in_conflict_with_the_unit_is_told_there_is_no_such_item(
    app, client, desk, supervisor
):
    _drafted(app, desk, publish_it=True)
    with app.app_context():
        db.session.add(SupervisorConflict(user_id=supervisor, unit_id=desk["bureau"]))
        db.session.commit()
    _as(app, client, supervisor)

    assert client.get(f"/console/items/{desk['item']}/assessment").status_code == 404
    assert "窗口办事排队时间长" not in client.get("/console/items/assessments").get_data(
        as_text=True
    )


def test_the_case_page_offers_to_make_an_item_and_lists_the_linked_ones(app, client, desk):
    _as(app, client, desk["handler"])

    page = client.get(f"/console/cases/{desk['case']}").get_data(as_text=True)

    assert f"/console/items/new?cases={desk['case']}" in page
    assert f'href="/console/items/{desk["item"]}"' in page


def test_an_expired_form_comes_back_with_the_text_kept_and_nothing_saved(make_app, desk):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = english(app.test_client())
    _as(app, client, desk["officer"])

    response = _draft(app, client, desk["item"], problem_statement="我写了很久的问题陈述")

    assert response.status_code == 400
    assert "我写了很久的问题陈述" in response.get_data(as_text=True)
    assert _item(app, desk["item"]).problem_statement != "<p>我写了很久的问题陈述</p>"
