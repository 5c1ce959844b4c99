"""The image supervisors' workspace: redacted cases, comments, findings, conflicts, the term."""

from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Attachment,
    AuditEvent,
    Case,
    Channel,
    FileKind,
    Role,
    SupervisorProfile,
    User,
)
from portal.services import intake, workflow
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case
from tests.protection import REPORTER, appoint, sealed_case

EN = {"Accept-Language": "en"}
ID_CARD = "110101199003071234"
#: Everything that would tell who the reporter is.
IDENTIFYING = (REPORTER.name, REPORTER.phone, REPORTER.email, REPORTER.address, ID_CARD)


@pytest.fixture
def watch(app):
    """A supervisor of the district, and a handled confidential case of its township."""
    with app.app_context():
        city = build_city()
        supervisor = add_user(Role.SUPERVISOR, city.district, "supervisor")
        appoint(supervisor)
        handler = add_user(Role.HANDLER, city.committee, "handler")
        case = sealed_case(city.township, event_place="人民路88号门口")
        evidence = {"kind": FileKind.JPEG, "size": 1, "sha256": "0" * 64}
        db.session.add(
            Attachment(case=case, display_name="陈秀兰身份证.jpg", storage_name="x", **evidence)
        )
        intake.add_information(case, "补充：我的手机139-1234-5678，随时联系陈秀兰。")
        workflow.accept_case(case, handler, case.version)
        workflow.assign_case(case, handler, case.version, city.township)
        workflow.start_case(case, handler, case.version)
        workflow.answer_case(case, handler, case.version, "陈秀兰您好：窗口人员已被批评教育。")
        db.session.commit()
        return SimpleNamespace(
            number=case.number,
            supervisor=supervisor.id,
            handler=handler.id,
            township=city.township.id,
            bureau=city.bureau.id,
        )


def _as(app, client: FlaskClient, user_id: int) -> FlaskClient:
    with app.app_context():
        return sign_in(client, db.session.get(User, user_id))


def _html(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_no_supervisor_page_shows_anything_of_the_reporter(app, client, watch):
    client = _as(app, client, watch.supervisor)

    pages = {
        path: _html(client, path)
        for path in (
            "/console/",
            "/console/supervision",
            f"/console/supervision/{watch.number}",
            "/console/supervision/findings/new",
            "/console/supervision/conflicts",
        )
    }

    for path, html in pages.items():
        for detail in IDENTIFYING:
            assert detail not in html, (path, detail)
    case_page = pages[f"/console/supervision/{watch.number}"]
    assert "窗口人员要求请客才办事" in case_page and "窗口人员已被批评教育" in case_page
    assert "[redacted]" in case_page
    assert "/files/" not in case_page and "身份证.jpg" not in case_page
    assert "Confidential" not in case_page


def test_the_case_page_of_the_staff_is_closed_to_supervisors(app, client, watch):
    client = _as(app, client, watch.supervisor)

    assert client.get(f"/console/cases/{watch.number}").status_code == 403


def test_a_case_outside_the_jurisdiction_is_not_there(app, client, watch):
    with app.app_context():
        case, _receipt = make_case(db.session.get(User, watch.handler).unit)
        db.session.commit()
        number = case.number
    client = _as(app, client, watch.supervisor)

    assert client.get(f"/console/supervision/{number}").status_code == 404
    assert number not in _html(client, "/console/supervision")


def test_a_comment_reaches_the_staff_labelled_as_the_supervisors(app, client, watch):
    client = _as(app, client, watch.supervisor)

    response = client.post(
        f"/console/supervision/{watch.number}/comments", data={"body": "回访时群众仍不满意"}
    )
    staff_page = _html(_as(app, app.test_client(), watch.handler), f"/console/cases/{watch.number}")

    assert response.status_code == 303
    assert "回访时群众仍不满意" in _html(client, f"/console/supervision/{watch.number}")
    assert "回访时群众仍不满意" in staff_page and "Image supervisor's comment" in staff_page


def test_an_empty_comment_comes_back_with_its_error(app, client, watch):
    client = _as(app, client, watch.supervisor)

    response = client.post(
        f"/console/supervision/{watch.number}/comments", data={"body": " "}, headers=EN
    )

    assert response.status_code == 422 and "Please write the comment" in response.get_data(True)


def test_a_finding_becomes_a_case_of_the_supervisors_channel(app, client, watch):
    client = _as(app, client, watch.supervisor)
    form = {"kind": "opinion", "unit_id": str(watch.township), "title": "窗口无人"}

    response = client.post("/console/supervision/findings/new", data={**form, "body": "十点无人"})
    refused = client.post(
        "/console/supervision/findings/new",
        data={**form, "unit_id": str(watch.bureau), "body": "不在辖区"},
        headers=EN,
    )

    assert response.status_code == 303
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.body == "十点无人"))
        assert case.channel == Channel.SUPERVISOR and case.events[0].actor_id == watch.supervisor
        assert response.headers["Location"].endswith(f"/console/supervision/{case.number}")
    assert refused.status_code == 422


def test_a_declared_conflict_hides_its_cases(app, client, watch):
    client = _as(app, client, watch.supervisor)

    response = client.post(
        "/console/supervision/conflicts", data={"unit": str(watch.township), "reason": "我在此工作"}
    )

    assert response.status_code == 303
    assert watch.number not in _html(client, "/console/supervision")
    assert client.get(f"/console/supervision/{watch.number}").status_code == 404


def test_outside_the_term_the_workspace_is_closed(app, client, watch):
    with app.app_context():
        profile = db.session.get(SupervisorProfile, watch.supervisor)
        profile.term_ends = profile.term_starts
        db.session.commit()
    client = _as(app, client, watch.supervisor)

    dashboard = _html(client, "/console/")

    assert "not serving a term today" in dashboard
    assert client.get("/console/supervision").status_code == 403
    assert client.get("/console/account").status_code == 200


def test_every_form_of_the_workspace_carries_a_csrf_token(make_app, watch):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = _as(app, app.test_client(), watch.supervisor)

    for path in (
        f"/console/supervision/{watch.number}",
        "/console/supervision/findings/new",
        "/console/supervision/conflicts",
    ):
        forms = _html(client, path).split('<form method="post"')[1:]
        assert forms and all('name="csrf_token"' in f.split("</form>")[0] for f in forms), path


def test_a_withdrawn_conflict_shows_its_cases_again(app, client, watch):
    client = _as(app, client, watch.supervisor)
    client.post(
        "/console/supervision/conflicts", data={"unit": str(watch.township), "reason": "我在此工作"}
    )
    listed = _html(client, "/console/supervision/conflicts")

    response = client.post(f"/console/supervision/conflicts/{watch.township}/withdraw", headers=EN)

    assert f'action="/console/supervision/conflicts/{watch.township}/withdraw"' in listed
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/supervision/conflicts"
    page = _html(client, response.headers["Location"])
    assert "You have declared no conflict of interest." in page
    assert watch.number in _html(client, "/console/supervision")
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.seq).where(AuditEvent.action == "supervisor.conflict_withdrawn")
        )


def test_withdrawing_a_conflict_never_declared_changes_nothing(app, client, watch):
    client = _as(app, client, watch.supervisor)

    response = client.post(f"/console/supervision/conflicts/{watch.township}/withdraw", headers=EN)
    page = _html(client, "/console/supervision/conflicts")
    outside = client.post(f"/console/supervision/conflicts/{watch.bureau}/withdraw")

    assert response.status_code == 303
    assert "You had declared no conflict with that unit." in page
    assert outside.status_code == 404  # a unit outside the jurisdiction is not there
