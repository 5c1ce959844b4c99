"""Console forms: shape only; the services decide what is allowed.

Every message is our own, so that WTForms' built-in English never reaches a Chinese page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.forms import EventDateField, MaxLength, PlainText, Required, optional_id
from portal.models import Role, SupervisorKind
from portal.services.errors import DomainError
from portal.services.supervisors import AFFILIATION_MAX


def _required() -> DataRequired:
    return DataRequired(message=_l("Please fill in this field."))


def _at_most(count: int) -> Length:
    return Length(max=count, message=_l("Use at most %(max)d characters."))


def _role_or_none(value: Any) -> Role | None:
    """Read a role picker's value; a made-up value reads as no choice (the service refuses)."""
    try:
        return Role(value)
    except ValueError:
        return None


def _kind_or_none(value: Any) -> SupervisorKind | None:
    """Read a supervisor kind picker's value; a made-up value reads as no choice."""
    try:
        return SupervisorKind(value)
    except ValueError:
        return None


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def form_status(form: FlaskForm) -> int:
    """Return the status a form page answers with: 422 when it holds errors."""
    return 422 if form.errors else 200


class LoginForm(FlaskForm):
    """The first step of signing in: username and password."""

    username = StringField(_l("Username"), validators=[_required(), _at_most(60), PlainText()])
    password = PasswordField(_l("Password"), validators=[_required(), _at_most(200)])


class CodeForm(FlaskForm):
    """The second step of signing in: the code of the authenticator app."""

    code = StringField(_l("Six-digit code"), validators=[_required(), _at_most(12)])


class ChangePasswordForm(FlaskForm):
    """A new password for one's own account, proven by the current one."""

    current_password = PasswordField(
        _l("Current password"), validators=[_required(), _at_most(200)]
    )
    new_password = PasswordField(_l("New password"), validators=[_required()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            _required(),
            EqualTo("new_password", message=_l("The two new passwords differ. Type it again.")),
        ],
    )


class EnrolTotpForm(FlaskForm):
    """Confirm a new authenticator with its current code (and the password, to replace one)."""

    code = StringField(_l("Six-digit code"), validators=[_required(), _at_most(12)])
    password = PasswordField(_l("Current password"), validators=[_at_most(200)])


class AccountForm(FlaskForm):
    """What an administrator sets on any account: name, role, unit and the cadre it belongs to."""

    display_name = StringField(
        _l("Name shown to colleagues"), validators=[_required(), _at_most(120), PlainText()]
    )
    role = SelectField(_l("Role"), coerce=_role_or_none, validate_choice=False)
    unit_id = SelectField(
        _l("Unit (the account works on this unit and the units below it)"),
        coerce=optional_id,
        validate_choice=False,
    )
    #: Empty when the account belongs to no cadre; the service checks the choice.
    cadre_id = SelectField(
        _l("This account belongs to cadre"), coerce=optional_id, validate_choice=False
    )


class NewAccountForm(AccountForm):
    """A new staff account; its temporary password is generated, never typed."""

    username = StringField(_l("Username"), validators=[_required(), _at_most(60), PlainText()])


class EditAccountForm(AccountForm):
    """An existing account, which can also be switched off."""

    is_active = BooleanField(_l("The account may sign in"))


class AppointmentForm(FlaskForm):
    """An image supervisor's appointment: whom they represent, where from, and their term."""

    kind = SelectField(
        _l("Appointed as"),
        choices=lambda: [(kind.value, kind.label) for kind in SupervisorKind],
        coerce=_kind_or_none,
        invalid_choice_message=_l("Please choose from the list."),
    )
    affiliation = StringField(
        _l("Affiliation (the congress, committee or workplace they come from)"),
        validators=[MaxLength(AFFILIATION_MAX), PlainText()],
        filters=[lambda text: (text or "").strip()],
    )
    term_starts = EventDateField(
        _l("Term starts on"), validators=[Required(_l("Please give the first day of the term."))]
    )
    term_ends = EventDateField(
        _l("Term ends on (the day included)"),
        validators=[Required(_l("Please give the last day of the term."))],
    )

    def term(self) -> tuple[date, date]:
        """Return the term's first and last days."""
        return self.term_starts.data, self.term_ends.data


class ActionForm(FlaskForm):
    """A button that changes something: it carries the CSRF token only."""
