"""Staff sessions: which account a request belongs to, and when that stops being true.

The session names the account and its session version (``User.get_id``). Logging out or
changing the password bumps the version on the server, so every older session, on every
device, stops working at once: revocation does not depend on the browser deleting a cookie.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, session
from flask_login import login_user, logout_user

from portal.extensions import db, login_manager
from portal.models import User

LOGIN_AT = "console_login_at"
SEEN_AT = "console_seen_at"


def load_user(key: str) -> User | None:
    """Return the active account a session names, if its session version is still current."""
    user_id, _, version = key.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    """Begin a fresh console session for an account that has just proven who it is."""
    session.clear()
    login_user(user)
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def end_session(user: User | None) -> None:
    """End the session here and, by bumping the version, everywhere else too."""
    if user is not None and user.is_authenticated:
        user.session_version += 1
    logout_user()
    session.clear()


def session_expired() -> bool:
    """Tell whether the console session passed its idle or absolute limit; else touch it."""
    now = int(time.time())
    idle = current_app.config["CONSOLE_IDLE_MINUTES"] * 60
    absolute = current_app.config["CONSOLE_ABSOLUTE_HOURS"] * 3600
    login_at, seen_at = session.get(LOGIN_AT, 0), session.get(SEEN_AT, 0)
    if now - seen_at > idle or now - login_at > absolute:
        return True
    session[SEEN_AT] = now
    return False


def init_app(app: Flask) -> None:
    """Bind Flask-Login; the console's guard, not Flask-Login, decides where to send people."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.session_protection = None  # sessions are revoked by version instead
