"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238).

The shared secret is stored encrypted under the server's data keys. A code is accepted for
the time step before, at or after the server's (clocks drift), and only once: the step of
the last accepted code is kept, and a code of that step or an earlier one is refused, so a
code seen over someone's shoulder or in a proxy log cannot be used again.
"""

from __future__ import annotations

import hmac

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update

from portal import crypto
from portal.extensions import db
from portal.models import User, utcnow
from portal.services import audit
from portal.services.accounts import (
    SignInFailure,
    SignInResult,
    check_current_password,
    check_manages,
    check_not_self,
    is_locked,
    record_failure,
)
from portal.services.errors import DomainError

#: Steps of tolerance on either side of the server's own (30 seconds each).
VALID_WINDOW = 1
CODE_DIGITS = 6


def new_secret() -> str:
    """Return a new random shared secret (160 bits, base32)."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """Return the otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def matching_step(secret: str, code: str) -> int | None:
    """Return the time step a code belongs to, within the window; None if it matches none."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == CODE_DIGITS):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    # Newest first, so that a match leaves the highest step behind as the replay barrier.
    for step in range(now + VALID_WINDOW, now - VALID_WINDOW - 1, -1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user: User, code: str) -> bool:
    """Accept a current code of the account once; a replayed or stale code is refused."""
    if user.totp_secret is None:
        return False
    step = matching_step(crypto.decrypt_secret(user.totp_secret).decode(), code)
    if step is None:
        return False
    # A conditional UPDATE, so that two requests racing with the same code cannot both win.
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(user, ["totp_last_step"])
    return claimed == 1


def sign_in_with_code(user: User, code: str) -> SignInResult:
    """Finish the second step of a sign-in; a wrong code counts towards a lockout."""
    if not user.is_active:
        failure = SignInFailure.INACTIVE
    elif is_locked(user):
        failure = SignInFailure.LOCKED
    elif not verify_totp(user, code):
        failure = SignInFailure.WRONG_CODE
    else:
        return SignInResult(user)
    record_failure(user, user.username, failure)
    return SignInResult(None, failure)


def set_totp(user: User, secret: str, code: str, password: str = "") -> bool:
    """Save a secret once a code proves the device has it; return True if one was replaced.

    Replacing a working second factor needs the current password too, so that an unattended
    session is not enough to take the account over. Other sessions end on a replacement.
    """
    replaced = user.has_totp
    if replaced:
        check_current_password(user, password, field="password")
    step = matching_step(secret, code)
    if step is None:
        raise DomainError(
            _l(
                "This code does not match. Check that the device's clock is right, "
                "then type the code it shows now."
            ),
            field="code",
        )
    user.totp_secret = crypto.encrypt_secret(secret.encode())
    user.totp_last_step = step
    if replaced:
        user.session_version += 1
    audit.record(
        "auth.totp_enrolled",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"replaced": replaced},
    )
    return replaced


def reset_totp(admin: User, user: User) -> None:
    """Remove an account's second factor (a lost phone); administrators set it up again."""
    check_manages(admin, user)
    check_not_self(admin, user)
    if not user.has_totp:
        raise DomainError(_l("This account has no two-factor sign-in to reset."))
    user.totp_secret = None
    user.totp_last_step = None
    user.session_version += 1
    audit.record("auth.totp_reset", actor=admin, object_type="user", object_id=user.id)
