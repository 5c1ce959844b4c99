"""The clock on the track page: when we will decide and answer, in working days, in plain words."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, Role, Unit, User
from portal.services import extensions, workflow
from tests.factories import add_user
from tests.public import english, open_case, opinion_form, report_form, seed_city, send_case

CITY = ZoneInfo("Asia/Shanghai")


def on(time_machine, day: date, hour: int = 10) -> None:
    """Freeze the clock at a moment of a day in the city."""
    time_machine.move_to(datetime(day.year, day.month, day.day, hour, tzinfo=CITY), tick=False)


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


def page_of(client, sent) -> str:
    """Open the case with its receipt (again: a frozen clock moved on) and read its page."""
    assert open_case(client, *sent).status_code == 303
    return client.get("/track/case").get_data(as_text=True)


def staff(app, number: str, *steps: str, **answer) -> None:
    """Take workflow steps on a case as the city's handler, and commit."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        handler = db.session.scalar(select(User).where(User.username == "handler"))
        calls = {
            "accept": lambda: workflow.accept_case(case, handler, case.version),
            "assign": lambda: workflow.assign_case(case, handler, case.version, case.unit),
            "start": lambda: workflow.start_case(case, handler, case.version),
            "answer": lambda: workflow.answer_case(case, handler, case.version, "已处理。"),
        }
        for step in steps:
            calls[step]()
        db.session.commit()


def test_a_new_case_says_when_we_decide_whether_to_accept_it(client, ids, time_machine):
    on(time_machine, date(2026, 2, 13))  # the Friday before the Spring Festival
    sent = send_case(client, "report", report_form(ids))

    page = page_of(client, sent)

    assert (
        "We will decide whether to accept your case by February 25, 2026 "
        "(3 working days left)." in page
    )
    assert "Working days leave out weekends and public holidays" in page


def test_during_the_holiday_the_clock_does_not_run(client, ids, time_machine):
    on(time_machine, date(2026, 2, 13))
    sent = send_case(client, "report", report_form(ids))
    on(time_machine, date(2026, 2, 18))

    assert "(2 working days left)" in page_of(client, sent)
    on(time_machine, date(2026, 2, 25))
    assert "We will decide whether to accept your case today, February 25, 2026." in page_of(
        client, sent
    )


def test_a_late_decision_says_so_and_gives_the_hotline(client, ids, time_machine):
    on(time_machine, date(2026, 2, 13))
    sent = send_case(client, "report", report_form(ids))
    on(time_machine, date(2026, 3, 2))

    page = page_of(client, sent)

    assert (
        "Our decision whether to accept your case is late by 4 working days: "
        "it was due on February 25, 2026." in page
    )
    assert "call the supervision hotline 12380" in page


def test_an_accepted_case_says_when_we_will_answer(app, client, ids, time_machine):
    on(time_machine, date(2026, 9, 21))
    sent = send_case(client, "opinion", opinion_form(ids))
    on(time_machine, date(2026, 9, 25))
    staff(app, sent[0], "accept")

    page = page_of(client, sent)

    assert "We will answer by October 22, 2026 (15 working days left)." in page


def test_a_late_answer_counts_working_days(app, client, ids, time_machine):
    on(time_machine, date(2026, 9, 21))
    sent = send_case(client, "opinion", opinion_form(ids))
    staff(app, sent[0], "accept")  # due 15 working days later, on Monday 19 October
    on(time_machine, date(2026, 10, 22))

    page = page_of(client, sent)

    assert "The answer is late by 3 working days: it was due on October 19, 2026." in page


def test_an_approved_extension_is_disclosed_with_its_reason(app, client, ids, time_machine):
    on(time_machine, date(2026, 9, 1))
    sent = send_case(client, "opinion", opinion_form(ids))
    staff(app, sent[0], "accept", "assign")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == sent[0]))
        case.due_on = date(2026, 9, 30)
        officer = add_user(Role.OFFICER, case.unit, "officer")
        superior = db.session.scalar(select(User).where(User.username == "handler"))
        extension = extensions.request_extension(case, officer, 5, "需要到现场核实")
        extensions.approve_extension(extension, superior)
        db.session.commit()

    page = page_of(client, sent)

    assert "We will answer by October 13, 2026" in page
    assert "The deadline was extended by 5 working days, to October 13, 2026. The reason:" in page
    assert "需要到现场核实" in page
    assert 'class="timeline__label">The deadline was extended<' in page


def test_an_answer_says_whether_it_came_in_time(app, client, ids, time_machine):
    on(time_machine, date(2026, 9, 21))
    sent = send_case(client, "opinion", opinion_form(ids))
    staff(app, sent[0], "accept", "assign", "start")
    on(time_machine, date(2026, 9, 30))
    staff(app, sent[0], "answer")

    page = page_of(client, sent)

    assert "We answered on September 30, 2026, within the deadline." in page
    assert "working days left" not in page
