"""The rules of staff accounts: passwords, lockouts, codes, and what administrators may do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from portal.crypto import decrypt_secret, encrypt_secret
from portal.extensions import db
from portal.models import AuditEvent, Role, User, utcnow
from portal.services import accounts, passwords, totp
from portal.services.accounts import SignInFailure
from portal.services.errors import DomainError
from tests.factories import add_user, build_city

PASSWORD = "quiet harbour lantern 42"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MOMENT = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)


@pytest.fixture
def city(app_context):
    return build_city()


@pytest.fixture
def handler(city) -> User:
    return add_user(
        Role.HANDLER, city.committee, "handler", password_hash=passwords.hash_password(PASSWORD)
    )


@pytest.fixture
def admin(city) -> User:
    return add_user(Role.ADMIN, city.district, "district-admin")


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def code_at(step_offset: int, secret: str = SECRET) -> str:
    """Return the code of the time step so many steps away from MOMENT's."""
    generator = pyotp.TOTP(secret)
    return generator.generate_otp(generator.timecode(MOMENT) + step_offset)


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, None), (4, None), (5, 1), (6, 2), (7, 4), (10, 32), (11, 60), (30, 60)],
)
def test_the_lockout_doubles_from_the_fifth_failure_up_to_an_hour(failures, minutes):
    wait = accounts.lockout_for(failures)

    assert wait == (timedelta(minutes=minutes) if minutes else None)


@pytest.mark.parametrize(
    ("password", "refusal"),
    [
        ("seven words", passwords.TOO_SHORT),
        ("x" * 201, passwords.TOO_LONG),
        ("1qaz2wsx3edc", passwords.TOO_COMMON),  # a common password of twelve characters
        ("1QAZ2WSX3EDC", passwords.TOO_COMMON),  # common, whatever the case
        ("aaaaaaaaaaaa", passwords.TOO_EASY),
        ("handlerhandler", passwords.TOO_EASY),  # the username twice
        ("晚上的灯塔照亮了港口", passwords.TOO_SHORT),  # ten characters
        (PASSWORD, None),
        ("晚上的灯塔照亮了港口和渔船", None),
        ("k" + "7mq-x2pd-9wzt-r4hn" * 11, None),  # 199 characters
    ],
)
def test_a_new_password_must_be_long_uncommon_and_hard_to_guess(app_context, password, refusal):
    try:
        passwords.check_password(password, "handler", "Case handler")
    except DomainError as error:
        assert (error.message, error.field) == (refusal, "new_password")
    else:
        assert refusal is None


def test_temporary_passwords_pass_the_rules(app_context):
    for _ in range(20):
        passwords.check_password(passwords.temporary_password(), "someone")


@pytest.mark.parametrize(
    ("username", "password", "failure"),
    [
        ("nobody", PASSWORD, SignInFailure.UNKNOWN_USER),
        ("handler", "not the password 1", SignInFailure.WRONG_PASSWORD),
        ("locked", PASSWORD, SignInFailure.LOCKED),
        ("switched-off", PASSWORD, SignInFailure.INACTIVE),
    ],
)
def test_every_refusal_spends_the_time_of_a_password_check(
    handler, city, monkeypatch, username, password, failure
):
    add_user(
        Role.HANDLER,
        city.committee,
        "locked",
        password_hash=handler.password_hash,
        locked_until=utcnow() + timedelta(minutes=1),
    )
    add_user(
        Role.HANDLER,
        city.committee,
        "switched-off",
        password_hash=handler.password_hash,
        is_active=False,
    )
    checked = []
    real = accounts.password_matches
    monkeypatch.setattr(accounts, "password_matches", lambda *a: checked.append(1) or real(*a))

    result = accounts.authenticate(username, password)

    assert (result.user, result.failure) == (None, failure)
    assert checked == [1]
    assert actions() == ["auth.login_failed"]


def test_the_fifth_wrong_password_locks_the_account_and_the_lock_is_audited(handler):
    for _ in range(5):
        accounts.authenticate("handler", "not the password 1")

    assert handler.failed_logins == 5
    assert handler.locked_until > utcnow()
    assert actions().count("auth.locked") == 1
    assert accounts.authenticate("handler", PASSWORD).failure == SignInFailure.LOCKED


def test_only_a_finished_sign_in_clears_the_count(handler):
    accounts.authenticate("handler", "not the password 1")

    result = accounts.authenticate("Handler ", PASSWORD)

    assert result.user is handler
    assert handler.failed_logins == 1  # the code may still be missing
    accounts.complete_sign_in(handler)
    assert (handler.failed_logins, handler.locked_until) == (0, None)
    assert actions()[-1] == "auth.login"


@pytest.fixture
def enrolled(handler) -> User:
    handler.totp_secret = encrypt_secret(SECRET.encode())
    return handler


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True)])
def test_a_code_is_accepted_one_step_either_side_of_the_servers_clock(enrolled, offset, accepted):
    with time_machine.travel(MOMENT, tick=False):
        assert totp.verify_totp(enrolled, code_at(offset)) is accepted


def test_a_code_cannot_be_replayed_nor_an_older_one_used_after_it(enrolled):
    with time_machine.travel(MOMENT, tick=False):
        assert totp.verify_totp(enrolled, code_at(0))

        assert not totp.verify_totp(enrolled, code_at(0))
        assert not totp.verify_totp(enrolled, code_at(-1))
        assert totp.verify_totp(enrolled, code_at(1))


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_a_malformed_code_is_refused(enrolled, code):
    assert not totp.verify_totp(enrolled, code)


def test_a_wrong_code_at_sign_in_counts_towards_the_lockout(enrolled):
    with time_machine.travel(MOMENT, tick=False):
        result = totp.sign_in_with_code(enrolled, code_at(5))

    assert result.failure == SignInFailure.WRONG_CODE
    assert enrolled.failed_logins == 1


def test_setting_up_two_factor_stores_the_secret_encrypted(handler):
    secret = totp.new_secret()
    with time_machine.travel(MOMENT, tick=False):
        with pytest.raises(DomainError) as refused:
            totp.set_totp(handler, secret, code_at(5, secret))
        replaced = totp.set_totp(handler, secret, code_at(0, secret))

    assert refused.value.field == "code"
    assert replaced is False
    assert secret.encode() not in handler.totp_secret
    assert decrypt_secret(handler.totp_secret).decode() == secret
    assert actions() == ["auth.totp_enrolled"]


def test_replacing_two_factor_needs_the_password_and_ends_other_sessions(enrolled):
    version = enrolled.session_version
    secret = totp.new_secret()
    with time_machine.travel(MOMENT, tick=False):
        with pytest.raises(DomainError) as refused:
            totp.set_totp(enrolled, secret, code_at(0, secret), "not the password 1")
        assert totp.set_totp(enrolled, secret, code_at(0, secret), PASSWORD) is True

    assert refused.value.field == "password"
    assert enrolled.session_version == version + 1


def test_changing_the_password_needs_the_current_one_and_a_different_new_one(handler):
    with pytest.raises(DomainError) as wrong:
        accounts.change_password(handler, "not the password 1", "a brand new harbour 77")
    with pytest.raises(DomainError) as same:
        accounts.change_password(handler, PASSWORD, PASSWORD)

    assert wrong.value.field == "current_password"
    assert handler.failed_logins == 1  # guessing through this form is throttled too
    assert same.value.field == "new_password"


def test_a_changed_password_ends_every_other_session(handler):
    handler.must_change_password = True
    version = handler.session_version

    accounts.change_password(handler, PASSWORD, "a brand new harbour 77")

    assert handler.session_version == version + 1
    assert not handler.must_change_password
    assert passwords.password_matches(handler, "a brand new harbour 77")
    assert actions() == ["auth.password_changed"]


@pytest.mark.parametrize("username", ["ab", "Has Space", "-starts-with-dash", "x" * 61, "名字"])
def test_a_username_has_a_plain_shape(city, username):
    with pytest.raises(DomainError) as refused:
        accounts.create_user(username, "某人", Role.OPERATOR, city.district, PASSWORD)

    assert refused.value.field == "username"


def test_a_username_is_taken_whatever_its_case(city):
    accounts.create_user("zhang.wei", "张伟", Role.OPERATOR, city.district, PASSWORD)

    with pytest.raises(DomainError):
        accounts.create_user("Zhang.Wei", "张伟", Role.OPERATOR, city.district, PASSWORD)


def test_an_administrator_creates_accounts_only_in_their_subtree(city, admin):
    with pytest.raises(DomainError) as refused:
        accounts.create_user("li.na", "李", Role.HANDLER, city.bureau, PASSWORD, created_by=admin)
    user = accounts.create_user(
        "li.na", "李", Role.HANDLER, city.township, PASSWORD, created_by=admin
    )

    assert refused.value.field == "unit_id"
    assert user.must_change_password
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.created"))
    assert (event.actor, event.object_id) == ("district-admin", str(user.id))


def test_an_operator_creates_no_accounts(city):
    operator = add_user(Role.OPERATOR, city.committee, "operator")

    with pytest.raises(DomainError):
        accounts.create_user(
            "li.na", "李", Role.HANDLER, city.township, PASSWORD, created_by=operator
        )


@pytest.mark.parametrize(
    "changes",
    [{"active": False}, {"role": Role.HANDLER}, {"unit": "township"}],
)
def test_an_administrator_cannot_switch_off_demote_or_move_themselves(city, admin, changes):
    values = {"display_name": admin.display_name, "role": admin.role, "unit": admin.unit}
    values["active"] = True
    values.update(changes)
    if values["unit"] == "township":
        values["unit"] = city.township

    with pytest.raises(DomainError):
        accounts.update_user(admin, admin, **values)

    assert (admin.role, admin.is_active, admin.unit) == (Role.ADMIN, True, city.district)


def test_switching_an_account_off_ends_its_sessions_and_is_audited(city, admin):
    operator = add_user(Role.OPERATOR, city.township, "operator")
    version = operator.session_version

    changed = accounts.update_user(
        admin, operator, display_name="新名字", role=Role.HANDLER, unit=city.district, active=False
    )

    assert changed
    assert (operator.role, operator.unit, operator.is_active) == (
        Role.HANDLER,
        city.district,
        False,
    )
    assert operator.session_version == version + 1
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event.action == "account.deactivated"
    assert '"role":["operator","handler"]' in event.details


def test_saving_an_unchanged_account_writes_nothing(city, admin):
    operator = add_user(Role.OPERATOR, city.township, "operator")

    changed = accounts.update_user(
        admin,
        operator,
        display_name=operator.display_name,
        role=operator.role,
        unit=operator.unit,
        active=True,
    )

    assert not changed
    assert actions() == []


def test_an_account_outside_the_subtree_cannot_be_managed(city, admin):
    outside = add_user(Role.OPERATOR, city.bureau, "outside")

    with pytest.raises(DomainError):
        accounts.reset_password(admin, outside)
    with pytest.raises(DomainError):
        totp.reset_totp(admin, outside)


def test_a_reset_password_is_temporary_unlocks_and_ends_sessions(city, admin):
    operator = add_user(
        Role.OPERATOR, city.township, "operator", failed_logins=7, locked_until=utcnow()
    )
    version = operator.session_version

    password = accounts.reset_password(admin, operator)

    assert passwords.password_matches(operator, password)
    assert operator.must_change_password
    assert (operator.failed_logins, operator.locked_until) == (0, None)
    assert operator.session_version == version + 1
    assert actions() == ["account.password_reset"]


def test_an_administrator_cannot_reset_their_own_credentials(admin):
    admin.totp_secret = encrypt_secret(SECRET.encode())

    with pytest.raises(DomainError):
        accounts.reset_password(admin, admin)
    with pytest.raises(DomainError):
        totp.reset_totp(admin, admin)


def test_the_subtree_holds_the_accounts_and_units_an_administrator_sees(city, admin):
    inside = add_user(Role.OPERATOR, city.township, "inside")
    add_user(Role.OPERATOR, city.bureau, "outside")

    assert set(accounts.users_in_scope(admin)) == {admin, inside}
    assert accounts.assignable_units(admin) == [city.district, city.township]
