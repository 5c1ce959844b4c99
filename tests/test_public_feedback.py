"""Closing the loop on the track page: the verdict on each answer, and the private check-in."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseStatus, HandlingFeedback, RetaliationCheckin, Role, Unit, User
from portal.services import workflow
from tests.console import sign_in
from tests.factories import add_user
from tests.public import (
    csrf_token_on,
    english,
    open_case,
    opinion_form,
    report_form,
    seed_city,
    send_case,
)

CITY = ZoneInfo("Asia/Shanghai")
QUESTION = "How satisfied are you with the handling of your case?"
CHECKIN = "Since you reported, have you faced retaliation"
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def client(app):
    return english(app.test_client())


@pytest.fixture
def ids(app):
    ids = seed_city(app)
    with app.app_context():
        add_user(Role.HANDLER, db.session.get(Unit, ids.committee), "handler")
        db.session.commit()
    return ids


@pytest.fixture
def answered(app, client, ids):
    """Send an opinion, have it answered, and open it on the client."""
    sent = send_case(client, "opinion", opinion_form(ids))
    answer(app, sent[0], "accept", "assign", "start", "answer")
    assert open_case(client, *sent).status_code == 303
    return sent


def answer(app, number: str, *steps: str) -> None:
    """Take workflow steps on a case as the city's handler, and commit."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        handler = db.session.scalar(select(User).where(User.username == "handler"))
        calls = {
            "accept": lambda: workflow.accept_case(case, handler, case.version),
            "assign": lambda: workflow.assign_case(case, handler, case.version, case.unit),
            "start": lambda: workflow.start_case(case, handler, case.version),
            "answer": lambda: workflow.answer_case(case, handler, case.version, "已增开窗口。"),
            "close": lambda: workflow.close_case(case, handler, case.version),
        }
        for step in steps:
            calls[step]()
        db.session.commit()


def status_of(app, number: str) -> CaseStatus:
    with app.app_context():
        return db.session.scalar(select(Case.status).where(Case.number == number))


def page(client) -> str:
    return client.get("/track/case").get_data(as_text=True)


def test_no_question_before_an_answer(client, ids):
    sent = send_case(client, "opinion", opinion_form(ids))
    open_case(client, *sent)

    assert QUESTION not in page(client)


def test_a_satisfied_verdict_is_thanked_and_asked_no_more(app, client, answered):
    assert QUESTION in page(client)

    response = client.post("/track/case/verdict", data={"satisfaction": "satisfied"})

    assert response.status_code == 303
    shown = page(client)
    assert "Thank you for telling us what you think of the handling." in shown
    assert "On answer 1 you said: Satisfied." in shown
    assert QUESTION not in shown
    assert status_of(app, answered[0]) == CaseStatus.ANSWERED


def test_dissatisfied_without_a_reason_comes_back_with_the_choice_kept(app, client, answered):
    response = client.post("/track/case/verdict", data={"satisfaction": "dissatisfied"})

    assert response.status_code == 422
    shown = response.get_data(as_text=True)
    assert "Please tell us what you are dissatisfied with." in shown
    assert re.search(r'value="dissatisfied"\s+checked', shown)
    with app.app_context():
        assert db.session.scalar(select(HandlingFeedback)) is None


def test_the_first_dissatisfied_verdict_reopens_the_case(app, client, answered):
    answer(app, answered[0], "close")

    response = client.post(
        "/track/case/verdict",
        data={"satisfaction": "dissatisfied", "reason": "窗口还是只开一个。"},
    )

    assert response.status_code == 303
    shown = page(client)
    assert "Your case is reopened: we will handle it again and answer by" in shown
    assert 'class="status status--in_progress">Being handled<' in shown
    assert 'class="timeline__label">Reopened because you were dissatisfied<' in shown
    assert "窗口还是只开一个。" in shown
    assert "We will answer by" in shown
    assert status_of(app, answered[0]) == CaseStatus.IN_PROGRESS


def test_a_later_dissatisfied_verdict_points_to_the_other_channels(app, client, answered):
    client.post("/track/case/verdict", data={"satisfaction": "dissatisfied", "reason": "没解决"})
    answer(app, answered[0], "answer")
    assert "Your case was reopened once already" in page(client)

    response = client.post(
        "/track/case/verdict", data={"satisfaction": "dissatisfied", "reason": "还是没解决"}
    )

    assert response.status_code == 303
    shown = page(client)
    assert "the other ways to reach us are below" in shown
    assert "Supervision hotline" in shown and "12380" in shown
    assert status_of(app, answered[0]) == CaseStatus.ANSWERED
    with app.app_context():
        verdicts = db.session.scalars(select(HandlingFeedback).order_by(HandlingFeedback.id))
        assert [(v.answer_number, v.reopened) for v in verdicts] == [(1, True), (2, False)]


def test_a_verdict_needs_the_reporters_own_session(app, answered):
    stranger = english(app.test_client())

    response = stranger.post("/track/case/verdict", data={"satisfaction": "dissatisfied"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/track"
    assert status_of(app, answered[0]) == CaseStatus.ANSWERED


def test_an_expired_verdict_form_keeps_its_text_and_says_so_itself(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    ids = seed_city(app)
    with app.app_context():
        add_user(Role.HANDLER, db.session.get(Unit, ids.committee), "handler")
        db.session.commit()
    client = english(app.test_client())
    token = csrf_token_on(client.get("/submit/opinion").get_data(as_text=True))
    sent = send_case(client, "opinion", opinion_form(ids, csrf_token=token))
    answer(app, sent[0], "accept", "assign", "start", "answer")
    token = csrf_token_on(client.get("/track").get_data(as_text=True))
    client.post("/track", data={"number": sent[0], "receipt": sent[1], "csrf_token": token})

    response = client.post(
        "/track/case/verdict", data={"satisfaction": "dissatisfied", "reason": "没解决"}
    )

    assert response.status_code == 400
    shown = response.get_data(as_text=True)
    assert "This form had expired, so it was not sent." in shown
    assert "没解决</textarea>" in shown
    assert shown.count("This form had expired") == 1  # not at the information form too
    assert status_of(app, sent[0]) == CaseStatus.ANSWERED


@pytest.fixture
def confidential(client, ids):
    """Send a confidential report; return its number and receipt."""
    form = report_form(
        ids, reporter_mode="confidential", contact_name="李四", contact_phone="13900002222"
    )
    return send_case(client, "report", form)


def later(time_machine, days: int) -> None:
    time_machine.move_to(datetime.now(CITY) + timedelta(days=days), tick=False)


def test_the_check_in_waits_ninety_days_and_is_for_confidential_reports(
    client, ids, confidential, time_machine
):
    anonymous = send_case(client, "report", report_form(ids))
    open_case(client, *confidential)
    assert CHECKIN not in page(client)

    later(time_machine, 90)
    open_case(client, *confidential)
    assert CHECKIN in page(client)
    assert "the unit handling your case does not see it" in page(client)
    open_case(client, *anonymous)
    assert CHECKIN not in page(client)


def test_a_no_is_recorded_and_not_asked_again(app, client, confidential, time_machine):
    later(time_machine, 91)
    open_case(client, *confidential)

    response = client.post("/track/case/checkin", data={"faced_retaliation": "no"})

    assert response.status_code == 303
    shown = page(client)
    assert "Thank you for answering." in shown and CHECKIN not in shown
    with app.app_context():
        assert db.session.scalar(select(RetaliationCheckin.faced_retaliation)) is False


def test_a_yes_opens_a_protected_case_shown_on_the_original_page(
    app, client, confidential, time_machine
):
    later(time_machine, 120)
    open_case(client, *confidential)

    response = client.post(
        "/track/case/checkin", data={"faced_retaliation": "yes", "description": "被无故调岗。"}
    )

    assert response.status_code == 303
    with app.app_context():
        protected = db.session.scalar(select(Case).where(Case.is_protected))
        number = protected.number
        assert protected.body == "被无故调岗。"
    shown = page(client)
    assert f"We opened a protected case, number {number}" in shown
    assert "Your report of retaliation" in shown and number in shown
    assert CHECKIN not in shown


def test_the_check_in_needs_an_answer(client, confidential, time_machine):
    later(time_machine, 91)
    open_case(client, *confidential)

    response = client.post("/track/case/checkin", data={"description": "想说明一下"})

    assert response.status_code == 422
    shown = response.get_data(as_text=True)
    assert "Please answer yes or no." in shown and "想说明一下</textarea>" in shown


def test_staff_read_the_verdict_on_the_case_page_and_find_it_in_the_queue(app, client, answered):
    client.post("/track/case/verdict", data={"satisfaction": "dissatisfied", "reason": "没解决"})
    staff = app.test_client()
    with app.app_context():
        sign_in(staff, db.session.scalar(select(User).where(User.username == "handler")))

    page = staff.get(f"/console/cases/{answered[0]}", headers=ENGLISH).get_data(as_text=True)
    queue = staff.get("/console/cases?dissatisfied=y", headers=ENGLISH).get_data(as_text=True)

    assert "The reporter's verdicts" in page and "Dissatisfied" in page and "没解决" in page
    assert "Reopened: the reporter is dissatisfied" in page
    assert answered[0] in queue
