"""Signing in and out of the console: the password, then a code if two-factor is set up.

Between the two steps the session holds who is signing in and until when (a few minutes),
never the password. Both steps are throttled per client address, and every account locks
itself for a while after repeated failures (``portal.services.accounts``).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user

from moderation import console
from moderation.forms import CodeForm, LoginForm
from moderation.guard import sign_in_page
from portal import auth
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db, limiter
from portal.models import User
from portal.services import accounts, totp

#: Session key of a sign-in whose password passed and whose code is awaited.
PENDING = "console_sign_in"
#: Seconds the code step waits before the password must be given again.
PENDING_SECONDS = 300

#: One answer for an unknown username, a wrong password and a locked account alike.
REFUSED_PASSWORD = _l(
    "The username or password is not right. After several failed attempts an account "
    "waits a few minutes before it can sign in again."
)
REFUSED_CODE = _l(
    "The code is not right, or it was used already. Wait for the next code and try again."
)

#: Shared by both steps, so a guesser gets no second allowance; only refusals count, so an
#: office of colleagues behind one address can always sign in.
sign_in_limit = limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    scope="console-sign-in",
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 303,
)


@console.route("/login", methods=["GET", "POST"])
@sign_in_page
@keeps_text_on_csrf_failure
@sign_in_limit
def login():
    """Check a staff member's username and password, the first step of signing in."""
    form = LoginForm()
    if g.get("csrf_failed") or not form.validate_on_submit():
        return _form_page("moderation/login.html", form)
    result = accounts.authenticate(form.username.data, form.password.data)
    if not result.succeeded:
        db.session.commit()  # keep the failure's count and audit row
        return _refused("moderation/login.html", form, REFUSED_PASSWORD)
    if not result.user.has_totp:
        return _finish(result.user, _next_page())
    _await_code(result.user, _next_page())
    db.session.commit()  # a password hash brought up to today's settings
    return redirect(url_for("console.login_totp"), 303)


@console.route("/login/code", methods=["GET", "POST"])
@sign_in_page
@keeps_text_on_csrf_failure
@sign_in_limit
def login_totp():
    """Check the code of the authenticator app, the second step of signing in."""
    user, next_page = _awaited_sign_in()
    if user is None:
        flash(_("Please sign in with your password again, then give the code."), "info")
        return redirect(url_for("console.login"), 303)
    form = CodeForm()
    if g.get("csrf_failed") or not form.validate_on_submit():
        return _form_page("moderation/login_totp.html", form)
    result = totp.sign_in_with_code(user, form.code.data)
    if not result.succeeded:
        db.session.commit()  # keep the failure's count and audit row
        return _refused("moderation/login_totp.html", form, REFUSED_CODE)
    return _finish(user, next_page)


@console.post("/logout")
@sign_in_page
def logout():
    """End the session on this device and every other one."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None:
        accounts.record_sign_out(user)
    auth.end_session(user)
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for("console.login"), 303)


@console.errorhandler(RateLimitExceeded)
def too_many_attempts(error: RateLimitExceeded):
    """Explain a per-address limit on the console's own page (the public one sends citizens)."""
    retry_after = error.limit.limit.get_expiry() if getattr(error, "limit", None) else None
    signing_in = request.endpoint in ("console.login", "console.login_totp")
    page = render_template(
        "moderation/login_limited.html", retry_after=retry_after, signing_in=signing_in
    )
    return page, 429


def _form_page(template: str, form):
    """Render a sign-in step: 400 for an expired form, 422 for a form with errors."""
    if g.get("csrf_failed"):
        form.form_errors.append(_("This form had expired. Please try again."))
        return render_template(template, form=form), 400
    return render_template(template, form=form), 422 if form.errors else 200


def _refused(template: str, form, message: str):
    form.form_errors.append(message)
    return render_template(template, form=form), 401


def _finish(user: User, next_page: str):
    """Open a new session for an account that has proven who it is."""
    accounts.complete_sign_in(user)
    auth.start_session(user)
    db.session.commit()
    return redirect(next_page, 303)


def _await_code(user: User, next_page: str) -> None:
    session.clear()  # whoever was signed in here before is not any more
    session[PENDING] = {
        "user": user.id,
        "version": user.session_version,
        "until": int(time.time()) + PENDING_SECONDS,
        "next": next_page,
    }


def _awaited_sign_in() -> tuple[User | None, str]:
    """Return the account whose code is awaited, unless the wait expired or it changed."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        session.pop(PENDING, None)
        return None, ""
    user = db.session.get(User, pending["user"])
    if user is None or user.session_version != pending["version"] or not user.has_totp:
        return None, ""
    return user, pending["next"]


def _next_page() -> str:
    """Return the console page the sign-in was for, never another site."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/console") and not parts.scheme and not parts.netloc:
        return target
    return url_for("console.dashboard")
