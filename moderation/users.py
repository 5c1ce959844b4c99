"""Administration of staff accounts, within the administrator's own unit subtree.

An account outside the subtree answers 404, as if it did not exist. A temporary password
travels to the page that shows it encrypted in the session, and that page shows it once.
An image supervisor's account also has an appointment, without which it can do nothing.
"""

from __future__ import annotations

from collections import Counter

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.forms import (
    AccountForm,
    ActionForm,
    AppointmentForm,
    EditAccountForm,
    NewAccountForm,
    form_status,
    show_error,
)
from moderation.guard import add_nav_item, requires
from moderation.loading import load_or_404
from portal import crypto
from portal.clock import local_today
from portal.extensions import db
from portal.i18n import current_language
from portal.models import Cadre, Post, Role, Unit, User
from portal.policy import Permission, in_term, unit_in_scope
from portal.services import accounts, supervisors, totp
from portal.services.errors import DomainError

#: Session key of a temporary password on its way to being shown (encrypted).
HANDOVER = "console_temporary_password"


@console.get("/users")
@requires(Permission.MANAGE_USERS)
def users():
    """List the accounts of the units in one's subtree."""
    listed = accounts.users_in_scope(current_user)
    return render_template("moderation/users.html", users=listed, in_term=in_term)


@console.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user():
    """Create an account with a temporary password, to be changed at first sign-in."""
    admin = current_user._get_current_object()
    form = _with_choices(NewAccountForm(), admin)
    if form.validate_on_submit():
        password = accounts.temporary_password()
        try:
            user = accounts.create_user(
                form.username.data,
                form.display_name.data,
                form.role.data,
                _chosen_unit(form),
                password,
                created_by=admin,
                cadre_id=form.cadre_id.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _hand_over(user, password)
    return render_template("moderation/users_new.html", form=form), form_status(form)


@console.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: int):
    """Change an account's name, role, unit, cadre or whether it may sign in."""
    admin = current_user._get_current_object()
    user = _load_account(user_id)
    form = _with_choices(EditAccountForm(obj=user), admin, keep=user.cadre)
    if form.validate_on_submit():
        try:
            changed = accounts.update_user(
                admin,
                user,
                display_name=form.display_name.data,
                role=form.role.data,
                unit=_chosen_unit(form),
                active=form.is_active.data,
                cadre_id=form.cadre_id.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The account is saved.") if changed else _("Nothing was changed."), "success")
            if user.role == Role.SUPERVISOR and user.supervisor_profile is None:
                return redirect(url_for("console.user_appointment", user_id=user.id), 303)
            return redirect(url_for("console.users"), 303)
    page = render_template(
        "moderation/users_edit.html", form=form, user=user, serving=in_term(user)
    )
    return page, form_status(form)


@console.post("/users/<int:user_id>/password")
@requires(Permission.MANAGE_USERS)
def reset_user_password(user_id: int):
    """Replace an account's password with a temporary one (a forgotten password)."""
    user = _load_account(user_id)
    try:
        password = accounts.reset_password(current_user._get_current_object(), user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("console.edit_user", user_id=user.id), 303)
    return _hand_over(user, password)


@console.post("/users/<int:user_id>/two-factor/reset")
@requires(Permission.MANAGE_USERS)
def reset_user_totp(user_id: int):
    """Remove an account's authenticator app (a lost phone)."""
    user = _load_account(user_id)
    try:
        totp.reset_totp(current_user._get_current_object(), user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Two-factor sign-in is removed; the account can set it up again."), "success")
    return redirect(url_for("console.edit_user", user_id=user.id), 303)


@console.get("/users/<int:user_id>/temporary-password")
@requires(Permission.MANAGE_USERS)
def temporary_password(user_id: int):
    """Show a new temporary password, once: a reload finds it gone."""
    user = _load_account(user_id)
    handed = session.get(HANDOVER)
    if not isinstance(handed, dict) or handed.get("user") != user.id:
        flash(_("A temporary password is shown only once. Reset it again if it was lost."), "info")
        return redirect(url_for("console.edit_user", user_id=user.id))
    session.pop(HANDOVER)
    password = crypto.decrypt_secret(handed["password"].encode()).decode()
    return render_template("moderation/users_password.html", user=user, password=password)


@console.route("/users/<int:user_id>/appointment", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_appointment(user_id: int):
    """Set an image supervisor's appointment, or change it: whom they represent, their term."""
    user = _load_account(user_id)
    if user.role != Role.SUPERVISOR:
        flash(_("Only an image supervisor's account has a term."), "info")
        return redirect(url_for("console.edit_user", user_id=user.id), 303)
    form = AppointmentForm(obj=user.supervisor_profile, term_starts=local_today())
    if form.validate_on_submit():
        admin, term = current_user._get_current_object(), form.term()
        try:
            supervisors.appoint_supervisor(admin, user, form.kind.data, term, form.affiliation.data)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The appointment is saved."), "success")
            return redirect(url_for("console.edit_user", user_id=user.id), 303)
    page = render_template(
        "moderation/users_appointment.html", form=form, user=user, end_form=ActionForm()
    )
    return page, form_status(form)


@console.post("/users/<int:user_id>/appointment/end")
@requires(Permission.MANAGE_USERS)
def end_user_appointment(user_id: int):
    """End an image supervisor's term now: from today they can do nothing."""
    user = _load_account(user_id)
    try:
        ended = supervisors.end_appointment(current_user._get_current_object(), user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        if ended:
            flash(_("The term is ended: from today the supervisor can do nothing."), "success")
        else:
            flash(_("No term was running, so nothing was changed."), "info")
    return redirect(url_for("console.edit_user", user_id=user.id), 303)


def _hand_over(user: User, password: str):
    """Commit, and send the temporary password to the page that shows it once."""
    token = crypto.encrypt_secret(password.encode()).decode()
    session[HANDOVER] = {"user": user.id, "password": token}
    db.session.commit()
    return redirect(url_for("console.temporary_password", user_id=user.id), 303)


def _load_account(user_id: int) -> User:
    """Return an account the signed-in administrator manages; any other answers 404."""
    return load_or_404(User, user_id, lambda user: unit_in_scope(current_user, user.unit))


def _with_choices(form: AccountForm, admin: User, keep: Cadre | None = None) -> AccountForm:
    """Offer every role, the units of the subtree as a tree, and the cadres posted in it."""
    locale = current_language()
    form.role.choices = [(role.value, role.label) for role in Role]
    form.unit_id.choices = [
        (unit.id, "\u3000" * (unit.depth - admin.unit.depth) + unit.display_name(locale))
        for unit in accounts.assignable_units(admin)
    ]
    cadres = [
        (cadre.id, _cadre_label(cadre, posts, locale))
        for cadre, posts in accounts.linkable_cadres(admin, keep)
    ]
    labels = Counter(label for _id, label in cadres)
    # Namesakes in one post are told apart by their number, the last thing left.
    cadres = [(id_, f"{label} (#{id_})" if labels[label] > 1 else label) for id_, label in cadres]
    form.cadre_id.choices = [("", _("None")), *cadres]
    return form


def _cadre_label(cadre: Cadre, posts: list[Post], locale: str) -> str:
    """Name a cadre with their posts, so that two people of one name can be told apart."""
    held = "; ".join(
        f"{post.unit.display_name(locale)} {post.display_title(locale)}" for post in posts
    )
    return f"{cadre.display_name(locale)} · {held}" if held else cadre.display_name(locale)


def _chosen_unit(form: AccountForm) -> Unit | None:
    return db.session.get(Unit, form.unit_id.data) if form.unit_id.data is not None else None


add_nav_item("console.users", _l("Accounts"), Permission.MANAGE_USERS, order=90)
