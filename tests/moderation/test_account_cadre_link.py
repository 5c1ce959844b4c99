"""Linking a staff account to the cadre it belongs to, so that recusal hides their own cases."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.crypto import encrypt_secret
from portal.extensions import db
from portal.models import AuditEvent, Cadre, Case, CaseKind, Role, User
from portal.policy import can_see_case, visible_cases
from portal.services.errors import DomainError
from tests.console import sign_in
from tests.factories import add_cadre, add_user, build_city, make_case

EN = {"Accept-Language": "en"}
PASSWORD = "quiet harbour lantern 42"
OUTSIDE_MESSAGE = "Please choose a cadre from the list: one holding a post in your units."
TAKEN_MESSAGE = "This cadre already has another active account."


@dataclass(frozen=True)
class Setting:
    """Two administrators, a handler at the top, a cadre of the bureau and a report about them."""

    city_admin: int
    district_admin: int
    handler: int
    committee: int
    township: int
    cadre: int
    namesake: int
    report: int


@pytest.fixture
def setting(app) -> Setting:
    with app.app_context():
        city = build_city()
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        city_admin = add_user(Role.ADMIN, city.committee, "city-admin", totp_secret=secret)
        district_admin = add_user(Role.ADMIN, city.district, "district-admin", totp_secret=secret)
        handler = add_user(Role.HANDLER, city.committee, "committee-handler")
        namesake, _post = add_cadre("王建国", city.township, title="主任")
        values = {"cadre_id": city.cadre.id, "title": "吃拿卡要", "body": "窗口人员要求请客。"}
        report, _receipt = make_case(city.bureau, kind=CaseKind.REPORT, **values)
        db.session.commit()
        return Setting(
            city_admin.id,
            district_admin.id,
            handler.id,
            city.committee.id,
            city.township.id,
            city.cadre.id,
            namesake.id,
            report.id,
        )


def as_user(app, client, user_id):
    with app.app_context():
        sign_in(client, db.session.get(User, user_id))
    return client


def sees_report(app, user_id: int, case_id: int) -> bool:
    """Tell whether the account sees the case, asking the SQL and the Python rule alike."""
    with app.app_context():
        user, case = db.session.get(User, user_id), db.session.get(Case, case_id)
        query = select(Case.id).where(Case.id == case_id, visible_cases(user))
        in_sql = db.session.scalar(query) is not None
        assert in_sql == can_see_case(user, case)
        return in_sql


def linked_cadre(app, username: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(User.cadre_id).where(User.username == username))


def find_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def new_account(client, unit_id, cadre_id, username="wang.jg"):
    data = {"username": username, "display_name": "王建国", "role": "handler", "unit_id": unit_id}
    return client.post("/console/users/new", data={**data, "cadre_id": cadre_id}, headers=EN)


def edit(client, user_id, unit_id, cadre_id, role="handler"):
    data = {"display_name": "Someone", "role": role, "unit_id": unit_id, "is_active": "y"}
    return client.post(f"/console/users/{user_id}", data={**data, "cadre_id": cadre_id}, headers=EN)


def test_an_account_created_for_a_cadre_never_sees_the_cases_about_them(app, client, setting):
    as_user(app, client, setting.city_admin)

    linked = new_account(client, setting.committee, setting.cadre)
    unlinked = new_account(client, setting.committee, "", username="colleague")

    assert (linked.status_code, unlinked.status_code) == (303, 303)
    assert linked_cadre(app, "wang.jg") == setting.cadre
    with app.app_context():
        ids = {name: find_id(name) for name in ("wang.jg", "colleague")}
    assert not sees_report(app, ids["wang.jg"], setting.report)
    assert sees_report(app, ids["colleague"], setting.report)


def test_linking_an_existing_account_hides_the_cases_and_is_audited(app, client, setting):
    as_user(app, client, setting.city_admin)
    before = sees_report(app, setting.handler, setting.report)

    response = edit(client, setting.handler, setting.committee, setting.cadre)

    assert before
    assert response.status_code == 303
    assert response.headers["Location"] == "/console/users"
    assert not sees_report(app, setting.handler, setting.report)
    with app.app_context():
        row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.updated"))
    assert f'"cadre_id":[null,{setting.cadre}]' in row.details


def test_unlinking_an_account_shows_the_cases_again_and_is_audited(app, client, setting):
    as_user(app, client, setting.city_admin)
    edit(client, setting.handler, setting.committee, setting.cadre)

    response = edit(client, setting.handler, setting.committee, "")

    assert response.status_code == 303
    assert linked_cadre(app, "committee-handler") is None
    assert sees_report(app, setting.handler, setting.report)
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "account.updated")
        )
        assert f'"cadre_id":[{setting.cadre},null]' in list(rows)[-1]


def test_the_account_page_shows_the_link_and_tells_namesakes_apart(app, client, setting):
    as_user(app, client, setting.city_admin)
    edit(client, setting.handler, setting.committee, setting.cadre)

    page = client.get(f"/console/users/{setting.handler}", headers=EN).text

    assert "This account belongs to the cadre 王建国" in page
    picker = page[page.index('name="cadre_id"') :]
    chosen = re.search(r'<option selected value="(\d+)">([^<]+)</option>', picker)
    assert chosen.groups() == (str(setting.cadre), "王建国 · Human Resources Bureau 副局长")
    assert f'<option value="{setting.namesake}">王建国 · Donghu Street 主任</option>' in page
    assert '<option value="">None</option>' in page


def test_the_new_account_page_offers_only_the_cadres_of_the_subtree(app, client, setting):
    as_user(app, client, setting.district_admin)

    page = client.get("/console/users/new", headers=EN).text

    assert f'<option value="{setting.namesake}">王建国 · Donghu Street 主任</option>' in page
    assert f'value="{setting.cadre}"' not in page


@pytest.mark.parametrize("cadre", ["outside", "unknown"])
def test_a_cadre_outside_the_subtree_is_refused_politely(app, client, setting, cadre):
    as_user(app, client, setting.district_admin)
    cadre_id = setting.cadre if cadre == "outside" else 999_999

    response = new_account(client, setting.township, cadre_id)

    assert response.status_code == 422
    assert OUTSIDE_MESSAGE in response.text
    with app.app_context():
        assert find_id("wang.jg") is None


def test_a_cadre_with_another_active_account_is_refused(app, client, setting):
    as_user(app, client, setting.city_admin)
    edit(client, setting.handler, setting.committee, setting.cadre)

    created = new_account(client, setting.committee, setting.cadre)
    with app.app_context():
        other = add_user(Role.OPERATOR, db.session.get(User, setting.city_admin).unit, "other")
        db.session.commit()
        other_id = other.id
    edited = edit(client, other_id, setting.committee, setting.cadre, role="operator")

    assert (created.status_code, edited.status_code) == (422, 422)
    assert TAKEN_MESSAGE in created.text
    assert TAKEN_MESSAGE in edited.text
    assert linked_cadre(app, "other") is None
    with app.app_context():
        assert find_id("wang.jg") is None


def test_the_cadre_of_a_switched_off_account_may_be_linked_again(app, client, setting):
    as_user(app, client, setting.city_admin)
    edit(client, setting.handler, setting.committee, setting.cadre)
    client.post(
        f"/console/users/{setting.handler}",
        data={"display_name": "x", "role": "handler", "unit_id": setting.committee},
    )

    response = new_account(client, setting.committee, setting.cadre)

    assert response.status_code == 303
    assert linked_cadre(app, "wang.jg") == setting.cadre


def test_an_administrator_cannot_unlink_their_own_account(app, client, setting):
    with app.app_context():
        db.session.get(User, setting.city_admin).cadre_id = setting.cadre
        db.session.commit()
    as_user(app, client, setting.city_admin)

    response = edit(client, setting.city_admin, setting.committee, "", role="admin")

    assert response.status_code == 422
    assert "You cannot change the cadre of your own account." in response.text
    assert linked_cadre(app, "city-admin") == setting.cadre


def test_the_cadre_field_travels_with_the_csrf_token(make_app, setting):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = as_user(app, app.test_client(), setting.city_admin)
    page = client.get(f"/console/users/{setting.handler}").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"display_name": "x", "role": "handler", "unit_id": setting.committee}
    data |= {"is_active": "y", "cadre_id": setting.cadre}

    forged = client.post(f"/console/users/{setting.handler}", data=data)
    signed = client.post(f"/console/users/{setting.handler}", data={**data, "csrf_token": token})

    assert forged.status_code == 400
    assert signed.status_code == 303
    assert linked_cadre(app, "committee-handler") == setting.cadre


def test_create_admin_links_the_account_to_a_cadre(app, runner, setting):
    args = ["create-admin", "--username", "first-admin", "--display-name", "王建国"]
    args += ["--unit-id", str(setting.committee), "--cadre-id", str(setting.cadre)]

    result = runner.invoke(args=[*args, "--password-stdin"], input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert linked_cadre(app, "first-admin") == setting.cadre


def test_two_links_at_the_same_moment_leave_one_active_account_per_cadre(app, setting, monkeypatch):
    # As if two administrators both passed the service's check before either committed:
    # the partial unique index refuses the second, and the refusal reads as the check's.
    from portal.services import accounts

    with app.app_context():
        admin = db.session.get(User, setting.city_admin)
        cadre = db.session.get(Cadre, setting.cadre)
        first = add_user(Role.HANDLER, admin.unit, "first.wang")
        second = add_user(Role.HANDLER, admin.unit, "second.wang")
        first.cadre = cadre
        db.session.commit()
        monkeypatch.setattr(accounts, "_checked_cadre", lambda *args, **kwargs: cadre)

        with force_locale("en"), pytest.raises(DomainError, match=TAKEN_MESSAGE):
            accounts.update_user(
                admin,
                second,
                display_name="王建国",
                role=Role.HANDLER,
                unit=admin.unit,
                active=True,
                cadre_id=cadre.id,
            )
        db.session.rollback()
        active = select(User.username).where(User.cadre_id == cadre.id, User.is_active)
        assert db.session.scalars(active).all() == ["first.wang"]
