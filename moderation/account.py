"""One's own account: the password and the authenticator app (two-factor sign-in)."""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from flask import current_app, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.forms import ChangePasswordForm, EnrolTotpForm, form_status, show_error
from moderation.guard import add_nav_item, requires
from portal import auth, crypto
from portal.extensions import db
from portal.qr import qr_data_uri
from portal.services import accounts, totp
from portal.services.errors import DomainError

#: Session key of the secret being enrolled, encrypted: the cookie is signed, not sealed.
ENROLMENT = "console_totp_enrolment"


@console.get("/account")
@requires()
def account():
    """Show one's own account and the ways to change its password and two-factor sign-in."""
    return render_template("moderation/account.html", user=current_user)


@console.route("/account/password", methods=["GET", "POST"])
@requires()
def change_password():
    """Change one's own password; the other sessions of the account end."""
    user = current_user._get_current_object()
    forced = user.must_change_password
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except DomainError as error:
            db.session.commit()  # keep the count of wrong current passwords
            show_error(form, error)
        else:
            auth.start_session(user)
            db.session.commit()
            flash(_("Your password is changed. Your other sessions are signed out."), "success")
            return redirect(url_for("console.dashboard" if forced else "console.account"), 303)
    page = render_template("moderation/change_password.html", form=form, forced=forced)
    return page, form_status(form)


@console.route("/account/two-factor", methods=["GET", "POST"])
@requires()
def enroll_totp():
    """Set up or replace the authenticator app, confirmed by a code it shows."""
    user = current_user._get_current_object()
    secret = _enrolment_secret()
    form = EnrolTotpForm()
    if form.validate_on_submit():
        try:
            replaced = totp.set_totp(user, secret, form.code.data, form.password.data or "")
        except DomainError as error:
            db.session.commit()  # keep the count of wrong current passwords
            show_error(form, error)
        else:
            session.pop(ENROLMENT, None)
            if replaced:
                auth.start_session(user)
            db.session.commit()
            flash(_("Two-factor sign-in is set up. Keep the device with you."), "success")
            return redirect(url_for("console.account"), 303)
    return _enrolment_page(form, user, secret)


def _enrolment_page(form: EnrolTotpForm, user, secret: str):
    """Render the QR code and the secret for manual entry, kept out of every cache."""
    issuer = current_app.config["SITE_NAME"] or _("Supervision console")
    page = render_template(
        "moderation/enroll_totp.html",
        form=form,
        user=user,
        qr_code=qr_data_uri(totp.provisioning_uri(user, secret, issuer)),
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
    )
    response = make_response(page, form_status(form))
    response.headers["Cache-Control"] = "no-store"
    return response


def _enrolment_secret() -> str:
    """Return the secret being set up, the same across reloads until it is confirmed."""
    token = session.get(ENROLMENT)
    if token:
        try:
            return crypto.decrypt_secret(token.encode()).decode()
        except InvalidToken:  # the data keys were rotated meanwhile: start afresh
            pass
    secret = totp.new_secret()
    session[ENROLMENT] = crypto.encrypt_secret(secret.encode()).decode()
    return secret


add_nav_item("console.account", _l("My account"), None, order=95)
