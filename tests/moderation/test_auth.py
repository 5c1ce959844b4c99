"""Signing in to the console: passwords, codes, lockouts, limits, timeouts and revocation."""

from __future__ import annotations

import base64
import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from moderation.account import ENROLMENT
from portal.auth import LOGIN_AT, SEEN_AT
from portal.crypto import decrypt_secret, encrypt_secret
from portal.extensions import db
from portal.models import AuditEvent, Role, Unit, User, utcnow
from portal.services.accounts import hash_password
from tests.console import sign_in
from tests.factories import add_user, build_city

EN = {"Accept-Language": "en"}
PASSWORD = "quiet harbour lantern 42"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_account(app, username="handler", role=Role.HANDLER, totp=False, **fields) -> int:
    """Add an account at the city's root unit with PASSWORD (and SECRET when totp)."""
    with app.app_context():
        root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        user = add_user(
            role,
            root or build_city().committee,
            username,
            password_hash=hash_password(PASSWORD),
            totp_secret=encrypt_secret(SECRET.encode()) if totp else None,
            **fields,
        )
        db.session.commit()
        return user.id


def log_in(client, username="handler", password=PASSWORD, url="/console/login"):
    return client.post(url, data={"username": username, "password": password}, headers=EN)


def give_code(client, code=None):
    code = code or pyotp.TOTP(SECRET).now()
    return client.post("/console/login/code", data={"code": code}, headers=EN)


def account(app, user_id) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def audit_rows(app, action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def signed_in(client) -> bool:
    return client.get("/console/").status_code == 200


def test_signing_in_starts_a_new_session_and_is_audited(app, client):
    add_account(app)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    response = log_in(client)

    assert (response.status_code, response.headers["Location"]) == (303, "/console/")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session[LOGIN_AT] == session[SEEN_AT]
    assert [row.actor for row in audit_rows(app, "auth.login")] == ["handler"]
    assert signed_in(client)


def test_a_refusal_is_the_same_for_an_unknown_user_a_wrong_password_and_a_locked_account(
    app, client
):
    add_account(app, "user-wrong")
    add_account(app, "user-locked", locked_until=utcnow() + timedelta(minutes=5))
    attempts = {
        "user-unknown": log_in(client, "user-unknown"),
        "user-wrong": log_in(client, "user-wrong", "not the password 1"),
        "user-locked": log_in(client, "user-locked"),  # the right password
    }

    pages = {r.get_data(as_text=True).replace(name, "NAME") for name, r in attempts.items()}
    assert {response.status_code for response in attempts.values()} == {401}
    assert len(pages) == 1
    assert "The username or password is not right." in pages.pop()
    assert not signed_in(client)


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(app, client):
    user_id = add_account(app)
    for _ in range(5):
        log_in(client, password="not the password 1")

    assert account(app, user_id).locked_until > utcnow()
    assert len(audit_rows(app, "auth.locked")) == 1
    assert log_in(client).status_code == 401


def test_after_the_lockout_the_right_password_signs_in_and_the_count_starts_again(app, client):
    user_id = add_account(app, failed_logins=5, locked_until=utcnow() - timedelta(seconds=1))

    assert log_in(client).status_code == 303
    assert (account(app, user_id).failed_logins, account(app, user_id).locked_until) == (0, None)


def test_the_audit_trail_names_the_username_typed_but_never_the_password(app, client):
    add_account(app)

    log_in(client, "Handler", "my secret guess 1")

    [row] = audit_rows(app, "auth.login_failed")
    assert '"username":"Handler"' in row.details
    assert '"reason":"wrong_password"' in row.details
    with app.app_context():
        every_detail = " ".join(db.session.scalars(select(AuditEvent.details)))
    assert "my secret guess" not in every_detail


def test_a_switched_off_account_cannot_sign_in(app, client):
    add_account(app, is_active=False)

    assert log_in(client).status_code == 401
    assert not signed_in(client)


def test_an_address_that_fails_too_often_gets_the_consoles_429_page(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    add_account(app)
    for _ in range(3):
        assert log_in(client, password="not the password 1").status_code == 401

    response = log_in(client)  # even the right password waits now

    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many sign-in attempts came from this connection" in page
    assert 'class="console"' in page
    assert give_code(client).status_code == 429  # the code step shares the allowance


def test_successful_sign_ins_do_not_use_up_the_addresss_allowance(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    add_account(app)

    assert [log_in(client).status_code for _ in range(5)] == [303] * 5


def test_an_account_with_two_factor_is_asked_for_a_code_after_the_password(app, client):
    add_account(app, totp=True)

    response = log_in(client)

    assert (response.status_code, response.headers["Location"]) == (303, "/console/login/code")
    assert not signed_in(client)
    with client.session_transaction() as session:
        assert PASSWORD not in repr(dict(session))
    response = give_code(client)
    assert (response.status_code, response.headers["Location"]) == (303, "/console/")
    assert signed_in(client)


def test_the_code_step_gives_up_after_five_minutes(app, client):
    add_account(app, totp=True)
    with time_machine.travel(MOMENT, tick=False) as clock:
        log_in(client)
        clock.shift(timedelta(minutes=5, seconds=1))

        response = give_code(client)

    assert (response.status_code, response.headers["Location"]) == (303, "/console/login")
    assert not signed_in(client)


def test_a_code_is_accepted_only_once(app, client):
    add_account(app, totp=True)
    with time_machine.travel(MOMENT, tick=False):
        log_in(client)
        assert give_code(client).status_code == 303
        client.post("/console/logout")
        log_in(client)

        response = give_code(client)

    assert response.status_code == 401
    assert "it was used already" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_wrong_codes_count_towards_the_lockout(app, client):
    user_id = add_account(app, totp=True)
    log_in(client)
    right = pyotp.TOTP(SECRET).now()
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _ in range(5):
        assert give_code(client, wrong).status_code == 401

    assert account(app, user_id).locked_until > utcnow()
    assert give_code(client, right).status_code == 401


def test_an_administrator_without_two_factor_must_set_it_up_before_anything_else(app, client):
    add_account(app, "admin", role=Role.ADMIN)

    assert log_in(client, "admin").status_code == 303

    for page in ("/console/", "/console/users", "/console/account"):
        response = client.get(page)
        assert (response.status_code, response.headers["Location"]) == (
            302,
            "/console/account/two-factor",
        )
    assert client.get("/console/account/two-factor").status_code == 200


def test_a_temporary_password_must_be_changed_before_anything_else(app, client):
    add_account(app, must_change_password=True)
    log_in(client)

    response = client.get("/console/")

    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/console/account/password",
    )


def test_a_session_idle_too_long_ends(app, client):
    sign_in(client, account(app, add_account(app)))
    with client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - 31 * 60

    response = client.get("/console/")

    assert response.status_code == 302
    assert "expired=1" in response.headers["Location"]
    assert not signed_in(client)


def test_a_session_in_use_lasts_no_longer_than_the_absolute_limit(app, client):
    sign_in(client, account(app, add_account(app)))
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time()) - 12 * 3600 - 1

    assert client.get("/console/").status_code == 302


def test_a_session_in_use_stays_open(app, client):
    sign_in(client, account(app, add_account(app)))
    with client.session_transaction() as session:
        session[SEEN_AT] = int(time.time()) - 29 * 60

    assert signed_in(client)


def test_signing_out_ends_the_session_on_every_device(app):
    add_account(app)
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here)
    log_in(elsewhere)

    response = here.post("/console/logout")

    assert (response.status_code, response.headers["Location"]) == (303, "/console/login")
    assert not signed_in(here)
    assert not signed_in(elsewhere)
    assert [row.actor for row in audit_rows(app, "auth.logout")] == ["handler"]


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(app):
    add_account(app)
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here)
    log_in(elsewhere)
    new = "a different harbour lantern 43"

    response = here.post(
        "/console/account/password",
        data={"current_password": PASSWORD, "new_password": new, "confirm": new},
    )

    assert response.status_code == 303
    assert signed_in(here)
    assert not signed_in(elsewhere)
    assert len(audit_rows(app, "auth.password_changed")) == 1
    assert log_in(app.test_client(), password=new).status_code == 303


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/console/account", "/console/account"),
        ("https://elsewhere.example/console", "/console/"),
        ("//elsewhere.example/console", "/console/"),
        ("/public-page", "/console/"),
    ],
)
def test_after_sign_in_only_a_console_page_is_the_next_stop(app, client, target, landing):
    add_account(app)

    response = log_in(client, url=f"/console/login?next={target}")

    assert response.headers["Location"] == landing


def test_a_sign_in_without_its_csrf_token_is_refused_and_the_form_shown_again(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    add_account(app)

    refused = log_in(client)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', refused.text).group(1)
    accepted = client.post(
        "/console/login",
        data={"username": "handler", "password": PASSWORD, "csrf_token": token},
    )

    assert refused.status_code == 400
    assert "This form had expired" in refused.text
    assert accepted.status_code == 303


def test_setting_up_two_factor_shows_a_qr_code_and_the_key_and_saves_it_after_a_code(app, client):
    user_id = add_account(app)
    log_in(client)

    page = client.get("/console/account/two-factor", headers=EN)
    again = client.get("/console/account/two-factor", headers=EN)
    secret = _shown_secret(page.text)
    response = client.post("/console/account/two-factor", data={"code": pyotp.TOTP(secret).now()})

    assert page.headers["Cache-Control"] == "no-store"
    assert _shown_secret(again.text) == secret
    svg = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page.text).group(1)
    assert b"<svg" in base64.b64decode(svg)
    assert (response.status_code, response.headers["Location"]) == (303, "/console/account")
    stored = account(app, user_id).totp_secret
    assert secret.encode() not in stored
    with app.app_context():
        assert decrypt_secret(stored).decode() == secret
    assert len(audit_rows(app, "auth.totp_enrolled")) == 1
    with client.session_transaction() as session:
        assert ENROLMENT not in session


def test_a_wrong_code_does_not_save_the_authenticator(app, client):
    user_id = add_account(app)
    log_in(client)
    secret = _shown_secret(client.get("/console/account/two-factor", headers=EN).text)
    right = pyotp.TOTP(secret).now()

    response = client.post(
        "/console/account/two-factor",
        data={"code": f"{(int(right) + 500_000) % 1_000_000:06d}"},
        headers=EN,
    )

    assert response.status_code == 422
    assert "This code does not match" in response.text
    assert account(app, user_id).totp_secret is None


def test_replacing_the_authenticator_needs_the_current_password(app, client):
    add_account(app, totp=True)
    log_in(client)
    give_code(client)
    secret = _shown_secret(client.get("/console/account/two-factor", headers=EN).text)
    code = pyotp.TOTP(secret).now()

    without = client.post("/console/account/two-factor", data={"code": code}, headers=EN)
    with_it = client.post(
        "/console/account/two-factor", data={"code": code, "password": PASSWORD}, headers=EN
    )

    assert without.status_code == 422
    assert "The current password is not right" in without.text
    assert with_it.status_code == 303
    assert signed_in(client)


@pytest.mark.parametrize(
    "page", ["/console/login", "/console/account", "/console/account/two-factor"]
)
def test_the_pages_carry_no_inline_script_or_style(app, client, page):
    add_account(app)
    if page != "/console/login":
        log_in(client)

    text = client.get(page).text

    assert "<script" not in text
    assert "style=" not in text


def _shown_secret(page: str) -> str:
    code = re.search(r'<p class="totp-secret"><code>(.*?)</code>', page).group(1)
    return re.sub(r"<[^>]+>|\s", "", code)
