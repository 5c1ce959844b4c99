"""The custodians' workspace: their first page, the waiting requests, and their scope."""

import re
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import IdentityRequest, RequestStatus, Role, User
from portal.services import identity
from tests.console import sign_in
from tests.factories import add_user, build_city
from tests.protection import sealed_case

EN = {"Accept-Language": "en"}


@pytest.fixture
def office(app):
    """A request waiting on a bureau's case; custodians of the city and of a district."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        request = identity.request_identity(sealed_case(city.bureau), handler, "需要回访核实")
        custodian = add_user(Role.CUSTODIAN, city.committee, "custodian")
        district = add_user(Role.CUSTODIAN, city.district, "district-custodian")
        db.session.commit()
        return SimpleNamespace(request=request.id, custodian=custodian.id, district=district.id)


def _as(app, client: FlaskClient, user_id: int) -> FlaskClient:
    with app.app_context():
        return sign_in(client, db.session.get(User, user_id))


def _decide(client: FlaskClient, request_id: int, decision: str, reason: str = ""):
    prefix = f"request-{request_id}"
    data = {f"{prefix}-decision": decision, f"{prefix}-reason": reason}
    return client.post(f"/console/identity-requests/{request_id}", data=data, headers=EN)


def test_a_custodian_lands_on_the_requests_waiting_for_them(app, client, office):
    html = _as(app, client, office.custodian).get("/console/", headers=EN).get_data(as_text=True)

    assert "requests waiting for your decision" in html
    assert 'href="/console/identity-requests"' in html
    assert 'href="/console/cases"' not in html


def test_the_list_shows_the_request_with_the_facts_to_judge_it(app, client, office):
    response = _as(app, client, office.custodian).get("/console/identity-requests", headers=EN)

    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "需要回访核实" in html and "Human Resources Bureau" in html
    assert "Approve" in html and "Deny" in html


def test_a_custodian_of_another_subtree_neither_sees_nor_decides_it(app, client, office):
    client = _as(app, client, office.district)

    html = client.get("/console/identity-requests", headers=EN).get_data(as_text=True)
    response = _decide(client, office.request, "approve")

    assert "需要回访核实" not in html
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(IdentityRequest, office.request).status == RequestStatus.PENDING


def test_a_request_decided_meanwhile_is_reported_not_decided_again(app, client, office):
    client = _as(app, client, office.custodian)
    _decide(client, office.request, "approve")

    response = _decide(client, office.request, "deny", "不同意")
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)

    assert response.status_code == 303 and "decided already" in page
    with app.app_context():
        request = db.session.get(IdentityRequest, office.request)
        assert request.status == RequestStatus.APPROVED and request.decision_reason is None


def test_a_denial_without_a_reason_keeps_the_request_waiting(app, client, office):
    response = _decide(_as(app, client, office.custodian), office.request, "deny")

    assert response.status_code == 422
    assert "Please say why the request is denied" in response.get_data(as_text=True)
    with app.app_context():
        query = select(IdentityRequest.status).where(IdentityRequest.id == office.request)
        assert db.session.scalar(query) == RequestStatus.PENDING


def test_every_form_of_the_requests_page_carries_a_working_csrf_token(make_app, office):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = _as(app, app.test_client(), office.custodian)

    html = client.get("/console/identity-requests", headers=EN).get_data(as_text=True)
    prefix = f"request-{office.request}"
    token = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', html)
    data = {f"{prefix}-csrf_token": token.group(1), f"{prefix}-decision": "approve"}
    response = client.post(f"/console/identity-requests/{office.request}", data=data)

    forms = html.split('<form method="post"')[1:]
    assert forms and all('csrf_token"' in form.split("</form>")[0] for form in forms)
    assert response.status_code == 303
