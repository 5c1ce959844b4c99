"""Tracking a case: one answer for every miss, the case page, adding to it, leaving it."""

import re
import time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseEvent, CaseMessage, RejectionReason, Role, Unit
from portal.services import workflow
from tests.factories import add_user
from tests.public import english, open_case, report_form, seed_city, send_case

NO_MATCH = "We found no case with this number and receipt."


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


@pytest.fixture
def sent(client, ids):
    """Send a report from the client; return (number, receipt)."""
    return send_case(client, "report", report_form(ids))


@pytest.fixture
def opened(client, sent):
    """Open the sent case on the client."""
    assert open_case(client, *sent).status_code == 303
    return sent


def staff_acts(app, number: str, act) -> None:
    """Let an administrator at the top of the tree act on a case, and commit.

    The top, not the case's own unit: a case about a cadre is barred from that unit.
    """
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        top = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        admin = add_user(Role.ADMIN, top, "admin")
        act(case, admin)
        db.session.commit()


def test_the_receipt_box_is_typed_not_remembered(client):
    page = client.get("/track").get_data(as_text=True)

    receipt_input = re.search(r'<input[^>]*id="receipt"[^>]*>', page).group(0)
    for attribute in ('type="text"', 'autocomplete="off"', 'autocapitalize="characters"'):
        assert attribute in receipt_input
    assert 'spellcheck="false"' in receipt_input


def test_the_right_number_and_receipt_open_the_case_page(client, sent):
    response = open_case(client, *sent)

    assert response.status_code == 303
    assert response.headers["Location"] == "/track/case"


def test_a_receipt_typed_in_lower_case_without_dashes_opens_the_case(client, sent):
    number, receipt = sent

    response = open_case(client, number, receipt.replace("-", "").lower())

    assert response.status_code == 303


def test_every_miss_gets_the_same_answer(client, sent):
    number, receipt = sent
    wrong = "0000-0000-0000-0000-0000-0000-0000"
    attempts = [
        (number, wrong),  # wrong receipt
        (number, "not a receipt"),  # malformed receipt
        ("2026-999999", receipt),  # unknown number
    ]

    answers = [open_case(client, *attempt) for attempt in attempts]

    assert {response.status_code for response in answers} == {422}
    pages = [response.get_data(as_text=True) for response in answers]
    assert {re.search(r"<li>(We found no case[^<]*)</li>", page).group(1) for page in pages} == {
        NO_MATCH + " Please check both and try again. If the receipt is lost, call the hotline"
        " with your case number."
    }


def test_an_empty_receipt_asks_for_it(client):
    response = client.post("/track", data={"number": "2026-000001", "receipt": ""})

    assert response.status_code == 422
    assert '<a href="#receipt">Please enter the receipt.</a>' in response.get_data(as_text=True)


def test_the_case_page_shows_number_kind_unit_status_and_history(client, opened):
    number, _receipt = opened

    response = client.get("/track/case")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Case {number}" in page
    assert "Complaint or report" in page
    assert "Human Resources Bureau" in page
    assert 'class="status status--received">Received<' in page
    assert 'class="timeline__label">Received<' in page


def test_the_case_page_is_never_cached(client, opened):
    assert client.get("/track/case").headers["Cache-Control"] == "no-store"


def test_the_case_page_dates_are_in_the_citys_time(app, client, opened):
    with app.app_context():
        event = db.session.scalars(select(CaseEvent)).first()
        shown = event.created_at.astimezone(ZoneInfo("Asia/Shanghai"))

    page = client.get("/track/case").get_data(as_text=True)

    assert f"{shown:%-I:%M}" in page


def test_the_case_page_without_opening_sends_back_to_the_track_form(client):
    response = client.get("/track/case")

    assert response.status_code == 303
    assert response.headers["Location"] == "/track"
    page = client.get("/track").get_data(as_text=True)
    assert "Please enter its number and receipt to see it." in page


def test_an_opening_that_expired_sends_back_to_the_track_form(client, opened):
    with client.session_transaction() as session:
        session["track"] = {**session["track"], "until": int(time.time()) - 1}

    response = client.get("/track/case")

    assert response.headers["Location"] == "/track"


def test_the_reporter_adds_information(app, client, opened):
    response = client.post("/track/case/information", data={"body": "补充：还有一位证人。"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/track/case"
    page = client.get("/track/case").get_data(as_text=True)
    assert "Your information was added" in page
    assert "补充：还有一位证人。" in page
    assert "You added information" in page


def test_empty_information_is_refused(app, client, opened):
    response = client.post("/track/case/information", data={"body": "  "})

    assert response.status_code == 422
    assert "Please write the information you want to add, or attach a file." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(CaseMessage)) is None


def test_control_characters_in_added_information_are_refused(client, opened):
    response = client.post("/track/case/information", data={"body": "线索\x00"})

    assert response.status_code == 422
    assert "线索</textarea>" in response.get_data(as_text=True)


def test_a_staff_answer_is_shown(app, client, opened):
    def answer(case, admin):
        workflow.accept_case(case, admin, case.version)
        workflow.assign_case(case, admin, case.version, admin.unit)
        workflow.start_case(case, admin, case.version)
        workflow.answer_case(case, admin, case.version, "已核实，已责令整改。")

    staff_acts(app, opened[0], answer)

    page = client.get("/track/case").get_data(as_text=True)
    assert "Reply from the staff" in page
    assert "已核实，已责令整改。" in page
    assert 'class="status status--answered">Answered<' in page


def test_a_refusal_shows_its_reason_and_takes_no_more_information(app, client, opened):
    def reject(case, admin):
        workflow.reject_case(
            case, admin, case.version, RejectionReason.INSUFFICIENT_DETAIL, "请补充具体时间。"
        )

    staff_acts(app, opened[0], reject)

    page = client.get("/track/case").get_data(as_text=True)
    assert "Why the case was not accepted" in page
    assert "Not enough detail to act on" in page
    assert "请补充具体时间。" in page
    assert 'action="/track/case/information"' not in page


def test_information_sent_to_a_refused_case_is_refused_at_the_field(app, client, opened):
    def reject(case, admin):
        workflow.reject_case(case, admin, case.version, RejectionReason.SPAM)

    staff_acts(app, opened[0], reject)

    response = client.post("/track/case/information", data={"body": "再补充一点"})

    assert response.status_code == 422
    assert "This case is finished" in response.get_data(as_text=True)


def test_internal_steps_are_not_shown(app, client, opened):
    def accept_and_reassign(case, admin):
        workflow.accept_case(case, admin, case.version)
        workflow.assign_case(case, admin, case.version, admin.unit)
        workflow.assign_case(case, admin, case.version, admin.unit)

    staff_acts(app, opened[0], accept_and_reassign)

    page = client.get("/track/case").get_data(as_text=True)
    assert page.count('class="timeline__entry"') == 3  # received, accepted, assigned


def test_leaving_the_case_closes_it_in_this_browser(client, opened):
    response = client.post("/track/leave")

    assert response.headers["Location"] == "/track"
    assert "You have left the case" in client.get("/track").get_data(as_text=True)
    assert client.get("/track/case").status_code == 303


def test_the_case_page_address_holds_no_id_or_receipt(client, opened):
    number, receipt = opened
    page = client.get("/track/case").get_data(as_text=True)

    addresses = re.findall(r'(?:href|action)="([^"]*)"', page)
    assert not [a for a in addresses if receipt in a or number in a]


def test_switching_language_on_the_case_page_returns_to_it(client, opened):
    page = client.post("/track/case/information", data={"body": ""}).get_data(as_text=True)

    assert "next=/track/case" in page.replace("%2F", "/")


def test_a_tracked_case_reads_in_chinese_by_default(app, ids):
    client = app.test_client()
    sent = send_case(client, "report", report_form(ids))
    open_case(client, *sent)

    page = client.get("/track/case").get_data(as_text=True)

    assert '<html lang="zh-Hans">' in page
    assert 'class="status status--received">已收到<' in page
    assert "<dd>投诉举报</dd>" in page
