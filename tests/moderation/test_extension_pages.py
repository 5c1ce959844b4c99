"""Extensions in the console: the clock panel of the case page, and the superiors' list."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseExtension, RequestStatus, Role, User
from portal.services import extensions, workflow
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(app, client):
    """A case being handled at the bureau, its officer signed in, and their superior."""
    with app.app_context():
        city = build_city()
        triager = add_user(Role.HANDLER, city.committee, "triager")
        officer = add_user(Role.OFFICER, city.bureau, "officer")
        case, _receipt = make_case(city.bureau)
        workflow.accept_case(case, triager, case.version)
        workflow.assign_case(case, triager, case.version, city.bureau)
        workflow.start_case(case, officer, case.version)
        db.session.commit()
        sign_in(client, officer)
        return SimpleNamespace(number=case.number, triager=triager.id, officer=officer.id)


def _as(app, client, user_id):
    with app.app_context():
        return sign_in(client, db.session.get(User, user_id))


def _case_page(client, number) -> str:
    return client.get(f"/console/cases/{number}", headers=EN).get_data(as_text=True)


def _extension(app) -> CaseExtension:
    with app.app_context():
        extension = db.session.scalar(select(CaseExtension))
        db.session.expunge(extension)
        return extension


def _asked_of_the_triager(app, client, desk) -> CaseExtension:
    """Have the officer ask for three more days, and sign their superior in to decide."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == desk.number))
        extensions.request_extension(case, db.session.get(User, desk.officer), 3, "当事人出差")
        db.session.commit()
    _as(app, client, desk.triager)
    return _extension(app)


def test_the_case_page_shows_the_clock_and_offers_to_ask_for_more_time(client, desk):
    page = _case_page(client, desk.number)

    assert "Deadline" in page and "working days left" in page
    assert "Ask for more time" in page


def test_asking_for_an_extension_waits_for_the_superior(app, client, desk):
    response = client.post(
        f"/console/cases/{desk.number}/extensions",
        data={"working_days": "5", "reason": "需要调取监控录像"},
        headers=EN,
    )

    assert response.status_code == 303
    extension = _extension(app)
    assert (extension.status, extension.working_days) == (RequestStatus.PENDING, 5)
    page = _case_page(client, desk.number)
    assert "Waiting for a decision" in page and "Ask for more time" not in page
    assert "Approve the extension" not in page  # the requester never decides


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [
        ("", "需要调取监控录像", "Give a whole number of working days from 1 to 60."),
        ("61", "需要调取监控录像", "Give a whole number of working days from 1 to 60."),
        ("五", "需要调取监控录像", "Give a whole number of working days from 1 to 60."),
        ("5", "", "Please say why more time is needed."),
    ],
)
def test_a_request_in_vain_comes_back_with_its_text(app, client, desk, days, reason, message):
    response = client.post(
        f"/console/cases/{desk.number}/extensions",
        data={"working_days": days, "reason": reason},
        headers=EN,
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert reason in page
    with app.app_context():
        assert db.session.scalar(select(CaseExtension)) is None


def test_the_superior_approves_from_the_case_page(app, client, desk):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == desk.number))
        officer = db.session.get(User, desk.officer)
        extensions.request_extension(case, officer, 5, "需要调取监控录像")
        due = case.due_on
        db.session.commit()
    _as(app, client, desk.triager)
    extension = _extension(app)
    assert "Approve the extension" in _case_page(client, desk.number)

    response = client.post(
        f"/console/extensions/{extension.id}",
        data={"decision": "approve", "back": "case", "note": "同意"},
        headers=EN,
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/console/cases/{desk.number}")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == desk.number))
        assert case.due_on > due
        assert case.events[-1].action == "extend"
    assert "Deadline extended" in _case_page(client, desk.number)


def test_the_superiors_list_shows_what_waits_and_denies_from_there(app, client, desk):
    extension = _asked_of_the_triager(app, client, desk)

    page = client.get("/console/extensions", headers=EN).get_data(as_text=True)
    assert desk.number in page and "当事人出差" in page

    response = client.post(
        f"/console/extensions/{extension.id}", data={"decision": "deny", "back": "list"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/console/extensions")
    assert _extension(app).status == RequestStatus.DENIED
    assert "No extension waits" in client.get("/console/extensions", headers=EN).get_data(
        as_text=True
    )


def test_someone_not_above_the_requester_is_refused(app, client, desk):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == desk.number))
        extensions.request_extension(case, db.session.get(User, desk.triager), 3, "案情复杂")
        db.session.commit()
    _as(app, client, desk.triager)
    extension = _extension(app)

    response = client.post(
        f"/console/extensions/{extension.id}",
        data={"decision": "approve", "back": "case"},
        headers=EN,
        follow_redirects=True,
    )

    assert "Only a superior of the person who asked" in response.get_data(as_text=True)
    assert _extension(app).status == RequestStatus.PENDING


def test_the_clock_panel_marks_a_very_overdue_case(app, client, desk):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == desk.number))
        case.due_on = date(2025, 1, 2)
        db.session.commit()

    page = _case_page(client, desk.number)

    assert "Very overdue" in page and "working days late" in page


@pytest.mark.parametrize("back", ["list", "case"])
def test_a_decision_with_an_overlong_note_comes_back_with_the_note(app, client, desk, back):
    extension = _asked_of_the_triager(app, client, desk)
    note = "同意延期，" + "请抓紧办理。" * 400

    response = client.post(
        f"/console/extensions/{extension.id}",
        data={"decision": "approve", "back": back, "note": note},
        headers=EN,
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 2000 characters." in page
    assert f"{note}</textarea>" in page
    assert _extension(app).status == RequestStatus.PENDING


def test_a_forged_decision_is_shown_again_with_why(app, client, desk):
    extension = _asked_of_the_triager(app, client, desk)

    response = client.post(
        f"/console/extensions/{extension.id}",
        data={"decision": "maybe", "back": "list", "note": "再议"},
        headers=EN,
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The decision could not be read. Please try again." in page
    assert "再议</textarea>" in page
    assert _extension(app).status == RequestStatus.PENDING
