"""Administration of staff accounts in the console, and the create-admin command."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.crypto import encrypt_secret
from portal.extensions import db
from portal.models import AuditEvent, Role, User
from portal.policy import Permission
from portal.services.accounts import hash_password, password_matches
from tests.console import sign_in
from tests.factories import add_user, build_city

EN = {"Accept-Language": "en"}
PASSWORD = "quiet harbour lantern 42"

#: What each account page needs: the specification the views' declarations must match.
PAGE_PERMISSIONS = {
    "console.account": frozenset(),
    "console.change_password": frozenset(),
    "console.enroll_totp": frozenset(),
    "console.users": {Permission.MANAGE_USERS},
    "console.new_user": {Permission.MANAGE_USERS},
    "console.edit_user": {Permission.MANAGE_USERS},
    "console.reset_user_password": {Permission.MANAGE_USERS},
    "console.reset_user_totp": {Permission.MANAGE_USERS},
    "console.temporary_password": {Permission.MANAGE_USERS},
    "console.user_appointment": {Permission.MANAGE_USERS},
    "console.end_user_appointment": {Permission.MANAGE_USERS},
}


@dataclass(frozen=True)
class Staff:
    """Administrators of the city and of a district, and accounts inside and outside it."""

    city_admin: int
    district_admin: int
    root_unit: int
    in_district: int
    outside: int
    district_unit: int
    township_unit: int
    bureau_unit: int


@pytest.fixture
def staff(app) -> Staff:
    with app.app_context():
        city = build_city()
        # Administrators need a second factor to get past the guard.
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        city_admin = add_user(Role.ADMIN, city.committee, "city-admin", totp_secret=secret)
        district_admin = add_user(Role.ADMIN, city.district, "district-admin", totp_secret=secret)
        in_district = add_user(
            Role.OPERATOR,
            city.township,
            "township-operator",
            password_hash=hash_password(PASSWORD),
            totp_secret=secret,
        )
        outside = add_user(Role.HANDLER, city.bureau, "bureau-handler")
        db.session.commit()
        return Staff(
            city_admin.id,
            district_admin.id,
            city.committee.id,
            in_district.id,
            outside.id,
            city.district.id,
            city.township.id,
            city.bureau.id,
        )


def as_user(app, client, user_id):
    with app.app_context():
        sign_in(client, db.session.get(User, user_id))
    return client


def account(app, user_id) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def audit_rows(app, action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def shown_password(page: str) -> str:
    return re.search(r'<p class="temporary-password"><code>([^<]+)</code>', page).group(1)


def edit(client, user_id, **changes):
    current = {"display_name": "Someone", "role": "operator", "is_active": "y"}
    data = {key: value for key, value in {**current, **changes}.items() if value is not None}
    return client.post(f"/console/users/{user_id}", data=data, headers=EN)


def test_the_account_pages_declare_the_permissions_of_the_specification(app):
    declared = {
        endpoint: app.view_functions[endpoint].required_permissions for endpoint in PAGE_PERMISSIONS
    }

    assert declared == PAGE_PERMISSIONS


def test_an_administrator_lists_only_the_accounts_of_their_subtree(app, client, staff):
    as_user(app, client, staff.district_admin)

    page = client.get("/console/users", headers=EN).text

    assert "township-operator" in page
    assert "district-admin" in page
    assert "bureau-handler" not in page
    assert "city-admin" not in page


def test_a_new_account_gets_a_temporary_password_shown_exactly_once(app, client, staff):
    as_user(app, client, staff.district_admin)

    created = client.post(
        "/console/users/new",
        data={
            "username": "Li.Na",
            "display_name": "李娜",
            "role": "handler",
            "unit_id": staff.township_unit,
        },
    )
    with client.session_transaction() as session:
        carried = repr(dict(session))
    first = client.get(created.headers["Location"], headers=EN)
    second = client.get(created.headers["Location"], headers=EN)

    assert created.status_code == 303
    password = shown_password(first.text)
    assert password not in carried  # the session carries it encrypted
    assert first.headers["Cache-Control"] == "no-store"
    assert second.status_code == 302
    assert password not in second.text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "li.na"))
        assert (user.role, user.unit_id, user.must_change_password) == (
            Role.HANDLER,
            staff.township_unit,
            True,
        )
        assert password_matches(user, password)
    [row] = audit_rows(app, "account.created")
    assert password not in row.details


def test_the_holder_of_a_temporary_password_must_choose_their_own(app, client, staff):
    as_user(app, client, staff.city_admin)
    created = client.post(
        "/console/users/new",
        data={
            "username": "wang",
            "display_name": "王",
            "role": "operator",
            "unit_id": staff.root_unit,
        },
    )
    password = shown_password(client.get(created.headers["Location"]).text)
    holder = app.test_client()
    holder.post("/console/login", data={"username": "wang", "password": password})

    forced = holder.get("/console/")
    common = holder.post(
        "/console/account/password",
        data={
            "current_password": password,
            "new_password": "1qaz2wsx3edc",
            "confirm": "1qaz2wsx3edc",
        },
        headers=EN,
    )
    chosen = holder.post(
        "/console/account/password",
        data={"current_password": password, "new_password": PASSWORD, "confirm": PASSWORD},
    )

    assert forced.headers["Location"] == "/console/account/password"
    assert common.status_code == 422
    assert "on the list of passwords attackers try first" in common.text
    assert chosen.status_code == 303
    assert holder.get("/console/").status_code == 200


def test_an_administrator_cannot_give_a_unit_outside_their_subtree(app, client, staff):
    as_user(app, client, staff.district_admin)

    response = client.post(
        "/console/users/new",
        data={
            "username": "zhao",
            "display_name": "赵",
            "role": "admin",
            "unit_id": staff.root_unit,
        },
        headers=EN,
    )

    assert response.status_code == 422
    assert "Please choose a unit from the list." in response.text
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "zhao")) is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/console/users/{id}"),
        ("POST", "/console/users/{id}"),
        ("POST", "/console/users/{id}/password"),
        ("POST", "/console/users/{id}/two-factor/reset"),
        ("GET", "/console/users/{id}/temporary-password"),
        ("GET", "/console/users/{id}/appointment"),
        ("POST", "/console/users/{id}/appointment"),
        ("POST", "/console/users/{id}/appointment/end"),
    ],
)
def test_an_account_outside_the_subtree_is_answered_as_if_it_did_not_exist(
    app, client, staff, method, path
):
    as_user(app, client, staff.district_admin)
    before = account(app, staff.outside).password_hash

    outside = client.open(path.format(id=staff.outside), method=method)
    missing = client.open(path.format(id=999_999), method=method)

    assert outside.status_code == missing.status_code == 404
    assert account(app, staff.outside).password_hash == before
    reasons = [row.details for row in audit_rows(app, "access.refused")]
    assert any('"reason":"scope"' in details for details in reasons)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"is_active": None}, "You cannot change your own role, unit or state."),
        ({"role": "operator"}, "You cannot change your own role, unit or state."),
    ],
)
def test_an_administrator_cannot_switch_off_or_demote_themselves(
    app, client, staff, changes, message
):
    as_user(app, client, staff.city_admin)

    response = edit(
        client, staff.city_admin, **{"role": "admin", "unit_id": staff.root_unit, **changes}
    )

    assert response.status_code == 422
    assert message in response.text
    me = account(app, staff.city_admin)
    assert (me.role, me.is_active) == (Role.ADMIN, True)


def test_switching_an_account_off_signs_it_out_everywhere(app, staff):
    holder = as_user(app, app.test_client(), staff.in_district)
    admin = as_user(app, app.test_client(), staff.district_admin)

    response = edit(
        admin, staff.in_district, unit_id=staff.township_unit, is_active=None, display_name="x"
    )

    assert response.status_code == 303
    assert holder.get("/console/").status_code == 302
    assert len(audit_rows(app, "account.deactivated")) == 1


def test_a_reset_password_signs_the_account_out_and_is_shown_once(app, staff):
    holder = as_user(app, app.test_client(), staff.in_district)
    admin = as_user(app, app.test_client(), staff.district_admin)

    response = admin.post(f"/console/users/{staff.in_district}/password")
    password = shown_password(admin.get(response.headers["Location"]).text)

    assert holder.get("/console/").status_code == 302
    user = account(app, staff.in_district)
    assert user.must_change_password
    assert password_matches(user, password)
    assert len(audit_rows(app, "account.password_reset")) == 1


def test_removing_two_factor_lets_the_holder_set_it_up_again(app, client, staff):
    as_user(app, client, staff.district_admin)

    response = client.post(f"/console/users/{staff.in_district}/two-factor/reset")

    assert response.status_code == 303
    assert not account(app, staff.in_district).has_totp
    [row] = audit_rows(app, "auth.totp_reset")
    assert row.actor == "district-admin"


def test_an_administrator_uses_the_account_page_not_a_reset_for_themselves(app, client, staff):
    as_user(app, client, staff.district_admin)
    before = account(app, staff.district_admin).password_hash

    response = client.post(f"/console/users/{staff.district_admin}/password")

    assert response.status_code == 303
    assert account(app, staff.district_admin).password_hash == before


def test_the_account_buttons_need_a_csrf_token(make_app, staff):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = as_user(app, app.test_client(), staff.district_admin)
    before = account(app, staff.in_district).password_hash

    response = client.post(f"/console/users/{staff.in_district}/password")

    assert response.status_code == 400
    assert account(app, staff.in_district).password_hash == before


def test_the_navigation_offers_accounts_to_administrators_only(app, staff):
    admin = as_user(app, app.test_client(), staff.city_admin)
    operator = as_user(app, app.test_client(), staff.in_district)

    admin_page = admin.get("/console/account", headers=EN).text
    operator_page = operator.get("/console/account", headers=EN).text

    assert 'href="/console/users"' in admin_page
    assert 'href="/console/users"' not in operator_page
    assert 'href="/console/account"' in operator_page


@pytest.fixture
def unit_id(app) -> int:
    with app.app_context():
        city = build_city()
        db.session.commit()
        return city.district.id


def create_admin(runner, unit_id, *extra, username="first-admin", **kwargs):
    args = ["create-admin", "--username", username, "--display-name", "张三", "--unit-id"]
    return runner.invoke(args=[*args, str(unit_id), *extra], **kwargs)


def test_create_admin_makes_an_administrator_with_the_password_from_stdin(app, runner, unit_id):
    result = create_admin(runner, unit_id, "--password-stdin", input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert "two-factor" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "first-admin"))
        assert (user.role, user.unit_id, user.must_change_password) == (Role.ADMIN, unit_id, False)
        assert password_matches(user, PASSWORD)
    [row] = audit_rows(app, "account.created")
    assert row.actor == "system"


def test_create_admin_asks_for_the_password_twice(app, runner, unit_id):
    result = create_admin(runner, unit_id, input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


@pytest.mark.parametrize("password", ["1qaz2wsx3edc", "short pass"])
def test_create_admin_refuses_a_weak_password(app, runner, unit_id, password):
    result = create_admin(runner, unit_id, "--password-stdin", input=password + "\n")

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.startswith("Error: ")
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_create_admin_refuses_a_taken_username(app, runner, unit_id):
    create_admin(runner, unit_id, "--password-stdin", input=PASSWORD + "\n")

    result = create_admin(runner, unit_id, "--password-stdin", input=PASSWORD + "\n")

    assert result.exit_code == 1
    assert "is taken" in result.output


def test_create_admin_refuses_an_unknown_unit(app, runner):
    result = create_admin(runner, 999_999, "--password-stdin", input=PASSWORD + "\n")

    assert result.exit_code == 1
    assert "There is no unit with id 999999" in result.output
