"""Staff accounts: passwords (Argon2id), sign-in with throttling, and account changes.

Every refused sign-in looks the same from outside (one message, one timing): an unknown
username, a wrong password and a locked account differ only in the audit trail.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.clock import local_today
from portal.extensions import db
from portal.models import Cadre, Post, Role, Unit, User, utcnow
from portal.policy import Permission, can, unit_in_scope
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    password_matches,
    temporary_password,
)
from portal.services.units import unit_tree

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")
CADRE_TAKEN = _l(
    "This cadre already has another active account. Unlink or switch off that account first."
)


class SignInFailure(enum.StrEnum):
    """Why a sign-in step was refused; written to the audit trail, never shown."""

    UNKNOWN_USER = "unknown_user"
    INACTIVE = "inactive"
    LOCKED = "locked"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (a reason code, not a password)
    WRONG_CODE = "wrong_code"


#: Failures that count towards locking the account; the others have no account to lock.
COUNTED_FAILURES = frozenset({SignInFailure.WRONG_PASSWORD, SignInFailure.WRONG_CODE})


class Unchanged(enum.Enum):
    """An argument left as it is, where None already means something (no cadre)."""

    KEEP = "keep"


KEEP = Unchanged.KEEP


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in step: the account, or why it was refused."""

    user: User | None
    failure: SignInFailure | None = None

    @property
    def succeeded(self) -> bool:
        """Tell whether the step proved who the person is."""
        return self.failure is None


def find_user(username: str) -> User | None:
    """Return the account with a username, whatever the case it was typed in."""
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def lockout_for(failures: int) -> timedelta | None:
    """Return how long an account waits after this many failures in a row (doubling)."""
    if failures < 5:
        return None
    return timedelta(minutes=min(2 ** (failures - 5), 60))


def is_locked(user: User) -> bool:
    """Tell whether the account is waiting out a lockout."""
    return user.locked_until is not None and user.locked_until > utcnow()


def authenticate(username: str, password: str) -> SignInResult:
    """Check a username and password; record a refusal (it counts towards a lockout)."""
    user = find_user(username)
    matches = password_matches(user, password)  # always spends the hash's time
    if user is None:
        failure = SignInFailure.UNKNOWN_USER
    elif not user.is_active:
        failure = SignInFailure.INACTIVE
    elif is_locked(user):
        failure = SignInFailure.LOCKED
    elif not matches:
        failure = SignInFailure.WRONG_PASSWORD
    else:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return SignInResult(user)
    record_failure(user, username, failure)
    return SignInResult(None, failure)


def record_failure(
    user: User | None, username: str, failure: SignInFailure, actor: User | None = None
) -> None:
    """Audit a refused sign-in step and, for a guess, count it and lock the account if due."""
    if user is not None and failure in COUNTED_FAILURES:
        user.failed_logins = User.failed_logins + 1  # in SQL: concurrent failures all count
        db.session.flush()
        wait = lockout_for(user.failed_logins)
        if wait is not None:
            user.locked_until = utcnow() + wait
            audit.record(
                "auth.locked",
                actor=actor,
                actor_label="anonymous",
                object_type="user",
                object_id=user.id,
                details={
                    "failures": user.failed_logins,
                    "minutes": int(wait.total_seconds()) // 60,
                },
            )
    audit.record(
        "auth.login_failed",
        actor=actor,
        actor_label="anonymous",
        object_type="user" if user else None,
        object_id=user.id if user else None,
        details={"username": username.strip()[:60], "reason": failure.value},
    )


def complete_sign_in(user: User) -> None:
    """Record a finished sign-in: the failure count starts again from zero."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    audit.record("auth.login", actor=user, object_type="user", object_id=user.id)


def record_sign_out(user: User) -> None:
    """Audit a sign-out (the session version is bumped by ``portal.auth.end_session``)."""
    audit.record("auth.logout", actor=user, object_type="user", object_id=user.id)


def check_current_password(user: User, password: str, field: str = "current_password") -> None:
    """Refuse a wrong current password; it counts towards a lockout like a sign-in."""
    locked = is_locked(user)
    if password_matches(user, password) and not locked:
        return
    failure = SignInFailure.LOCKED if locked else SignInFailure.WRONG_PASSWORD
    record_failure(user, user.username, failure, actor=user)
    raise DomainError(
        _l(
            "The current password is not right. After several wrong attempts, wait a few "
            "minutes before you try again."
        ),
        field=field,
    )


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password; every other session of the account ends."""
    check_current_password(user, current)
    if new == current:
        raise DomainError(_l("Choose a password different from the current one."), "new_password")
    check_password(new, user.username, user.display_name)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    user.session_version += 1
    audit.record("auth.password_changed", actor=user, object_type="user", object_id=user.id)


def create_user(
    username: str,
    display_name: str,
    role: Role | None,
    unit: Unit | None,
    password: str,
    created_by: User | None = None,
    must_change_password: bool = True,
    cadre_id: int | None = None,
) -> User:
    """Create a staff account; unless told otherwise, the holder changes the password first.

    An account that belongs to a cadre (``cadre_id``) never sees the cases about them.
    """
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise DomainError(
            _l("Use 3 to 60 lower-case letters, digits, dots, hyphens or underscores."),
            field="username",
        )
    if db.session.scalar(select(func.count()).where(User.username == username)):
        raise DomainError(_l("This username is taken."), field="username")
    display_name = _checked_display_name(display_name)
    _check_assignment(created_by, role, unit)
    cadre = _checked_cadre(created_by, None, cadre_id)
    check_password(password, username, display_name)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        unit=unit,
        cadre=cadre,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    with _one_account_per_cadre(cadre):
        db.session.add(user)
    details = {"username": username, "role": role.value, "unit": unit.id}
    if cadre is not None:
        details["cadre"] = cadre.id
    audit.record(
        "account.created", actor=created_by, object_type="user", object_id=user.id, details=details
    )
    return user


def update_user(
    admin: User,
    user: User,
    *,
    display_name: str,
    role: Role | None,
    unit: Unit | None,
    active: bool,
    cadre_id: int | Unchanged | None = KEEP,
) -> bool:
    """Change an account's name, role, unit, cadre or state; return False when nothing changed."""
    check_manages(admin, user)
    display_name = _checked_display_name(display_name)
    _check_assignment(admin, role, unit)
    if user.id == admin.id and (role != user.role or unit.id != user.unit_id or not active):
        raise DomainError(
            _l("You cannot change your own role, unit or state. Ask another administrator."),
            field="role",
        )
    cadre_id = user.cadre_id if cadre_id is KEEP else cadre_id
    if user.id == admin.id and cadre_id != user.cadre_id:
        # Unlinking oneself would lift one's own recusal.
        raise DomainError(
            _l("You cannot change the cadre of your own account. Ask another administrator."),
            field="cadre_id",
        )
    cadre = _checked_cadre(admin, user, cadre_id, active=active)
    new = {
        "display_name": display_name,
        "role": role,
        "unit_id": unit.id,
        "cadre_id": cadre_id,
        "is_active": active,
    }
    changes = {key: [getattr(user, key), value] for key, value in new.items()}
    changes = {key: pair for key, pair in changes.items() if pair[0] != pair[1]}
    if not changes:
        return False
    with _one_account_per_cadre(cadre if active else None):
        user.display_name, user.role, user.unit, user.is_active = display_name, role, unit, active
        user.cadre = cadre
    if not active:
        user.session_version += 1  # sessions must not come back if the account is reactivated
    action = "account.deactivated" if "is_active" in changes and not active else "account.updated"
    audit.record(action, actor=admin, object_type="user", object_id=user.id, details=changes)
    return True


def reset_password(admin: User, user: User) -> str:
    """Give an account a temporary password, to change at sign-in; return it (shown once)."""
    check_manages(admin, user)
    check_not_self(admin, user)
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins, user.locked_until = 0, None
    user.session_version += 1
    audit.record("account.password_reset", actor=admin, object_type="user", object_id=user.id)
    return password


def users_in_scope(admin: User) -> list[User]:
    """Return the accounts whose unit lies in the administrator's subtree."""
    query = (
        select(User)
        .join(User.unit)
        .where(Unit.path.startswith(admin.unit.path, autoescape=True))
        .order_by(Unit.path, User.username)
    )
    return list(db.session.scalars(query))


def assignable_units(admin: User) -> list[Unit]:
    """Return the units an administrator may give accounts, in tree order."""
    return [unit for unit in unit_tree(public_only=False) if unit_in_scope(admin, unit)]


def linkable_cadres(admin: User, keep: Cadre | None = None) -> list[tuple[Cadre, list[Post]]]:
    """Return the cadres holding a post in the administrator's subtree today, with those posts.

    ``keep`` (an account's present cadre) is listed even when it no longer qualifies, so that
    saving the account does not silently drop the link.
    """
    today = local_today()
    query = (
        select(Post)
        .join(Post.unit)
        .join(Post.cadre)
        .where(Unit.path.startswith(admin.unit.path, autoescape=True), Post.starts_on <= today)
        .where(or_(Post.ends_on.is_(None), Post.ends_on >= today))
        .order_by(Cadre.name, Cadre.id, Unit.path, Post.id)
    )
    found: dict[Cadre, list[Post]] = {}
    for post in db.session.scalars(query):
        found.setdefault(post.cadre, []).append(post)
    if keep is not None and keep not in found:
        found[keep] = [post for post in keep.posts if post.held_on(today)] or keep.posts[:1]
    return list(found.items())


def check_manages(admin: User, user: User) -> None:
    """Refuse an administrator an account outside their subtree."""
    if not (can(admin, Permission.MANAGE_USERS) and unit_in_scope(admin, user.unit)):
        raise DomainError(_l("You cannot manage this account."))


def check_not_self(admin: User, user: User) -> None:
    """Refuse the administrative shortcut on one's own account (it skips the password)."""
    if user.id == admin.id:
        raise DomainError(
            _l("Change your own password and two-factor sign-in on your account page.")
        )


def _check_assignment(admin: User | None, role: Role | None, unit: Unit | None) -> None:
    """Refuse a role or unit the administrator may not give (None: the command line)."""
    if admin is not None and not can(admin, Permission.MANAGE_USERS):
        raise DomainError(_l("You cannot manage accounts."))
    if role is None:
        raise DomainError(_l("Please choose a role from the list."), field="role")
    if unit is None or (admin is not None and not unit_in_scope(admin, unit)):
        raise DomainError(_l("Please choose a unit from the list."), field="unit_id")


def _checked_cadre(
    admin: User | None, user: User | None, cadre_id: int | None, active: bool = True
) -> Cadre | None:
    """Refuse a cadre outside the administrator's subtree, or one another active account has."""
    if cadre_id is None:
        return None
    cadre = db.session.get(Cadre, cadre_id)
    changed = user is None or cadre_id != user.cadre_id
    if cadre is None or (changed and admin is not None and not _cadre_in_scope(admin, cadre)):
        raise DomainError(
            _l("Please choose a cadre from the list: one holding a post in your units."),
            field="cadre_id",
        )
    others = select(func.count()).where(User.cadre_id == cadre.id, User.is_active)
    if user is not None:
        others = others.where(User.id != user.id)
    if active and db.session.scalar(others):
        raise DomainError(CADRE_TAKEN, field="cadre_id")
    return cadre


@contextmanager
def _one_account_per_cadre(cadre: Cadre | None) -> Iterator[None]:
    """Flush the account's changes; refuse politely when another active account just took
    its cadre (the partial unique index ``uq_users_active_cadre``, past the check above)."""
    savepoint = db.session.begin_nested()
    yield
    try:
        db.session.flush()
    except IntegrityError as error:
        savepoint.rollback()
        if cadre is None:
            raise
        raise DomainError(CADRE_TAKEN, field="cadre_id") from error
    savepoint.commit()


def _cadre_in_scope(admin: User, cadre: Cadre) -> bool:
    today = local_today()
    return any(post.held_on(today) and unit_in_scope(admin, post.unit) for post in cadre.posts)


def _checked_display_name(display_name: str) -> str:
    display_name = display_name.strip()
    if not 0 < len(display_name) <= 120:
        raise DomainError(_l("Please give a name of at most 120 characters."), "display_name")
    return display_name
