"""The sealed identity on the case page, and what the reporter reads when it is opened."""

from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Case, IdentityRequest, ReporterMode, Role, User
from portal.services import identity
from portal.services.intake import ContactDetails
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case
from tests.protection import REPORTER, sealed_case

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(app):
    """A confidential case, a handler of the city, a colleague and a custodian."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        colleague = add_user(Role.HANDLER, city.committee, "colleague")
        custodian = add_user(Role.CUSTODIAN, city.committee, "custodian")
        case, receipt = make_case(
            city.bureau,
            title="窗口吃拿卡要",
            reporter_mode=ReporterMode.CONFIDENTIAL,
            contact=REPORTER,
        )
        db.session.commit()
        return SimpleNamespace(
            number=case.number,
            receipt=receipt,
            handler=handler.id,
            colleague=colleague.id,
            custodian=custodian.id,
            unit=city.committee.name,  # in the reporter's language
        )


def _as(app, client: FlaskClient, user_id: int) -> FlaskClient:
    with app.app_context():
        return sign_in(client, db.session.get(User, user_id))


def _page(client: FlaskClient, number: str) -> str:
    return client.get(f"/console/cases/{number}", headers=EN).get_data(as_text=True)


def _audits(app, action: str) -> int:
    with app.app_context():
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        return db.session.scalar(query)


def _request(app, desk) -> int:
    with app.app_context():
        return db.session.scalar(select(IdentityRequest.id).order_by(IdentityRequest.id.desc()))


def _ask(app, client, desk, motivation="需要当面核实举报细节"):
    _as(app, client, desk.handler)
    return client.post(
        f"/console/cases/{desk.number}/identity", data={"motivation": motivation}, headers=EN
    )


def _decide(app, client, desk, decision: str, reason: str = ""):
    _as(app, client, desk.custodian)
    request_id = _request(app, desk)
    data = {f"request-{request_id}-decision": decision, f"request-{request_id}-reason": reason}
    return client.post(f"/console/identity-requests/{request_id}", data=data, headers=EN)


def test_a_handler_sees_that_an_identity_exists_but_not_the_identity(app, client, desk):
    html = _page(_as(app, client, desk.handler), desk.number)

    assert "Sealed identity" in html and "Ask a custodian to open it" in html
    assert REPORTER.name not in html and REPORTER.phone not in html
    assert "Show the contact details" not in html


def test_a_named_case_has_no_sealed_identity_panel(app, client, desk):
    with app.app_context():
        case, _receipt = make_case(
            db.session.scalar(select(Case).where(Case.number == desk.number)).unit,
            reporter_mode=ReporterMode.NAMED,
            contact=ContactDetails(name="李四", phone="13900000000"),
        )
        db.session.commit()
        number = case.number

    html = _page(_as(app, client, desk.handler), number)

    assert "Show the contact details" in html and "Sealed identity" not in html


def test_a_request_without_a_motivation_comes_back_with_the_error(app, client, desk):
    response = _ask(app, client, desk, motivation="  ")

    assert response.status_code == 422
    assert "Please say why you need the reporter" in response.get_data(as_text=True)
    assert _audits(app, "identity.request") == 0


def test_a_denial_is_explained_to_the_handler_and_the_identity_stays_sealed(app, client, desk):
    assert _ask(app, client, desk).status_code == 303

    refused = _decide(app, client, desk, "deny")
    denied = _decide(app, client, desk, "deny", "材料不足，请先电话回访")
    html = _page(_as(app, client, desk.handler), desk.number)

    assert refused.status_code == 422 and "Please say why" in refused.get_data(as_text=True)
    assert denied.status_code == 303
    assert "Denied" in html and "材料不足，请先电话回访" in html
    assert REPORTER.name not in html and "Read the identity" not in html
    assert _audits(app, "identity.deny") == 1


def test_an_approved_requester_reads_it_once_audited_and_the_reporter_is_told(app, client, desk):
    _ask(app, client, desk)
    assert _decide(app, client, desk, "approve").status_code == 303
    _as(app, client, desk.handler)
    assert "Read the identity" in _page(client, desk.number)

    response = client.post(f"/console/identity/{_request(app, desk)}/read")
    shown = client.get(f"/console/cases/{desk.number}", headers=EN)
    again = _page(client, desk.number)

    assert response.status_code == 303
    html = shown.get_data(as_text=True)
    assert REPORTER.name in html and REPORTER.phone in html and REPORTER.email in html
    assert shown.headers["Cache-Control"] == "no-store"
    assert REPORTER.name not in again
    assert _audits(app, "identity.read") == 1
    reporter = app.test_client()
    reporter.post("/track", data={"number": desk.number, "receipt": desk.receipt})
    track = reporter.get("/track/case", headers=EN).get_data(as_text=True)
    assert "your identity was opened by" in track and desk.unit in track


def test_a_colleague_cannot_read_under_someone_elses_approval(app, client, desk):
    _ask(app, client, desk)
    _decide(app, client, desk, "approve")
    _as(app, client, desk.colleague)

    html = _page(client, desk.number)
    response = client.post(f"/console/identity/{_request(app, desk)}/read")

    assert "Read the identity" not in html
    assert response.status_code == 303
    assert REPORTER.name not in _page(client, desk.number)
    assert _audits(app, "identity.read") == 0


def test_every_identity_form_carries_a_csrf_token(make_app, desk):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = _as(app, app.test_client(), desk.handler)

    html = _page(client, desk.number)

    forms = html.split('<form method="post"')[1:]
    assert any("/identity" in form for form in forms)
    assert all('name="csrf_token"' in form.split("</form>")[0] for form in forms)


def test_a_case_in_the_custodians_view_shows_no_identity(app, client, desk):
    with app.app_context():
        unit = db.session.scalar(select(Case).where(Case.number == desk.number)).unit
        case = sealed_case(unit)
        identity.request_identity(case, db.session.get(User, desk.handler), "核实")
        db.session.commit()
    _as(app, client, desk.custodian)

    html = client.get("/console/identity-requests", headers=EN).get_data(as_text=True)

    assert "核实" in html and "[redacted]" in html
    for detail in (REPORTER.name, REPORTER.phone, REPORTER.email, REPORTER.address):
        assert detail not in html
