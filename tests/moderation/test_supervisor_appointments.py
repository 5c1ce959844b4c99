"""Appointing image supervisors from the account pages: set, extend and end their term."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.clock import local_today
from portal.crypto import encrypt_secret
from portal.extensions import db
from portal.models import AuditEvent, Role, SupervisorKind, SupervisorProfile, User
from tests.console import sign_in
from tests.factories import add_user, build_city

EN = {"Accept-Language": "en"}
DAYS_730 = timedelta(days=730)


@pytest.fixture
def office(app, client):
    """Sign a district administrator in; give the district a supervisor with no term yet."""
    with app.app_context():
        city = build_city()
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        admin = add_user(Role.ADMIN, city.district, "district-admin", totp_secret=secret)
        supervisor = add_user(Role.SUPERVISOR, city.township, "supervisor")
        operator = add_user(Role.OPERATOR, city.township, "operator")
        elsewhere = add_user(Role.SUPERVISOR, city.bureau, "bureau-supervisor")
        db.session.commit()
        sign_in(client, admin)
        return SimpleNamespace(
            today=local_today(),
            admin=admin.id,
            supervisor=supervisor.id,
            operator=operator.id,
            elsewhere=elsewhere.id,
            township=city.township.id,
        )


def _term(app, user_id) -> SupervisorProfile | None:
    with app.app_context():
        return db.session.get(SupervisorProfile, user_id)


def _audits(app, action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _appoint(client, office, user_id, **fields):
    data = {
        "kind": SupervisorKind.CPPCC_MEMBER.value,
        "affiliation": "区政协委员",
        "term_starts": office.today.isoformat(),
        "term_ends": (office.today + DAYS_730).isoformat(),
        **fields,
    }
    return client.post(f"/console/users/{user_id}/appointment", data=data, headers=EN)


def test_a_supervisor_without_a_term_is_said_to_be_able_to_do_nothing(client, office):
    page = client.get(f"/console/users/{office.supervisor}", headers=EN).text

    assert "has no term yet, so they can do nothing" in page
    assert f'href="/console/users/{office.supervisor}/appointment"' in page


def test_an_administrator_appoints_a_supervisor_for_a_term(app, client, office):
    response = _appoint(client, office, office.supervisor)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/users/{office.supervisor}"
    profile = _term(app, office.supervisor)
    assert (profile.kind, profile.affiliation) == (SupervisorKind.CPPCC_MEMBER, "区政协委员")
    assert profile.term_ends == office.today + DAYS_730
    [audited] = _audits(app, "supervisor.appoint")
    assert audited.actor == "district-admin"
    page = client.get(f"/console/users/{office.supervisor}", headers=EN).text
    assert "can do nothing" not in page


def test_extending_a_term_changes_its_last_day(app, client, office):
    _appoint(client, office, office.supervisor)
    later = office.today + timedelta(days=1095)

    response = _appoint(client, office, office.supervisor, term_ends=later.isoformat())

    assert response.status_code == 303
    assert _term(app, office.supervisor).term_ends == later
    assert len(_audits(app, "supervisor.appoint")) == 2


def test_the_appointment_page_shows_the_current_term_to_change(app, client, office):
    _appoint(client, office, office.supervisor)

    page = client.get(f"/console/users/{office.supervisor}/appointment", headers=EN).text

    assert 'value="区政协委员"' in page
    assert f'value="{(office.today + DAYS_730).isoformat()}"' in page
    assert "End the term now" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"term_ends": "2020-01-01"}, "The term cannot end before it starts."),
        ({"term_ends": ""}, "Please give the last day of the term."),
        ({"term_starts": "next spring"}, "Please give the date as year-month-day"),
        ({"kind": "mayor"}, "Please choose from the list."),
    ],
)
def test_a_wrong_appointment_comes_back_with_its_error(app, client, office, fields, message):
    response = _appoint(client, office, office.supervisor, **fields)

    assert response.status_code == 422
    assert message in response.text
    assert _term(app, office.supervisor) is None


def test_ending_the_term_leaves_the_supervisor_unable_to_act_from_today(app, client, office):
    started = (office.today - timedelta(days=30)).isoformat()
    _appoint(client, office, office.supervisor, term_starts=started)

    response = client.post(f"/console/users/{office.supervisor}/appointment/end", headers=EN)

    assert response.status_code == 303
    assert _term(app, office.supervisor).term_ends == office.today - timedelta(days=1)
    assert len(_audits(app, "supervisor.appointment_ended")) == 1
    page = client.get(response.headers["Location"], headers=EN).text
    assert "The term does not cover today, so this supervisor can do nothing." in page


def test_a_new_supervisor_account_leads_to_its_appointment(app, client, office):
    created = client.post(
        "/console/users/new",
        data={
            "username": "liu.min",
            "display_name": "刘敏",
            "role": "supervisor",
            "unit_id": office.township,
        },
    )
    page = client.get(created.headers["Location"], headers=EN).text

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "liu.min"))
    assert "has no term yet, so they can do nothing until you set their appointment" in page
    assert f'href="/console/users/{user_id}/appointment"' in page


def test_an_account_made_a_supervisor_goes_on_to_its_appointment(client, office):
    response = client.post(
        f"/console/users/{office.operator}",
        data={"display_name": "赵", "role": "supervisor", "unit_id": office.township},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/users/{office.operator}/appointment"


def test_only_a_supervisor_account_has_an_appointment(app, client, office):
    shown = client.get(f"/console/users/{office.operator}/appointment")
    ended = client.post(f"/console/users/{office.operator}/appointment/end", headers=EN)

    assert shown.status_code == 303
    assert shown.headers["Location"] == f"/console/users/{office.operator}"
    assert ended.status_code == 303
    assert "Only an image supervisor" in client.get(ended.headers["Location"], headers=EN).text
    assert _term(app, office.operator) is None


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/appointment"), ("POST", "/appointment"), ("POST", "/appointment/end")],
)
def test_a_supervisor_outside_the_subtree_is_not_there(app, client, office, method, path):
    response = client.open(f"/console/users/{office.elsewhere}{path}", method=method)

    assert response.status_code == 404
    assert _term(app, office.elsewhere) is None


def test_the_appointment_forms_carry_a_csrf_token(make_app, office):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = sign_in(
            app.test_client(), db.session.scalar(select(User).where(User.role == Role.ADMIN))
        )
    _appoint(client, office, office.supervisor)  # refused: no token

    forms = client.get(f"/console/users/{office.supervisor}/appointment").text
    ended = client.post(f"/console/users/{office.supervisor}/appointment/end")

    assert 'name="csrf_token"' in forms
    assert ended.status_code == 400
    assert _term(app, office.supervisor) is None
