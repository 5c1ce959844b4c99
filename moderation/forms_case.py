"""Forms of the case page: one per workflow action, internal notes, revealing contact details.

Every action form carries the case's version and the newest event its author had seen, so
that a change made meanwhile by someone else is refused and shown instead of overwritten.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from moderation.forms_queue import AssigneeForm
from portal.forms import PlainText
from portal.models import RejectionReason
from portal.services.cases import NOTE_MAX

TEXT_MAX = 20_000
REASON_MAX = 2_000
#: Said above a form whose hidden values are missing or malformed: nobody can correct those.
UNREADABLE = _l("This form could not be read. Please reload the page and try again.")


class HiddenInteger(IntegerField):
    """An integer in a hidden input that shows its current value, not the one posted.

    A form shown again after a conflict carries the case's new version, so that sending it
    once more (after reading the changes) goes through. A missing or malformed value would
    have its error shown nowhere, so the whole form says it could not be read.
    """

    widget = HiddenInput()

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def post_validate(self, form: FlaskForm, validation_stopped: bool) -> None:
        """Say above the form that it could not be read, once, when this value is wrong."""
        message = str(UNREADABLE)
        if self.errors and message not in form.form_errors:
            form.form_errors.append(message)


class CaseActionForm(FlaskForm):
    """What every action posts; the accept, start and close actions post nothing more."""

    version = HiddenInteger(validators=[InputRequired()])
    seen_event_id = HiddenInteger(validators=[Optional()])


def _rejection_choices() -> list[tuple[str, str]]:
    return [(reason.value, reason.label) for reason in RejectionReason]


class RejectForm(CaseActionForm):
    """Decline a case, saying why: the reporter reads the reason and the explanation."""

    reason = SelectField(_l("Reason, shown to the reporter"), choices=_rejection_choices)
    explanation = TextAreaField(
        _l("Explanation for the reporter (optional)"),
        validators=[Length(max=REASON_MAX), PlainText()],
    )


class AssignForm(AssigneeForm, CaseActionForm):
    """Give the case to a unit, and optionally to a handler there."""


class AnswerForm(CaseActionForm):
    """Write the answer the reporter will read on their track page."""

    answer = TextAreaField(
        _l("Answer to the reporter (plain text)"),
        validators=[InputRequired(_l("Please write the answer to the reporter.")),
                    Length(max=TEXT_MAX), PlainText()],
    )  # fmt: skip


class ReopenForm(CaseActionForm):
    """Reopen a finished case; the reason is shown to the reporter."""

    reason = TextAreaField(
        _l("Why the case is reopened (shown to the reporter)"),
        validators=[InputRequired(_l("Please say why the case is reopened.")),
                    Length(max=REASON_MAX), PlainText()],
    )  # fmt: skip


class MergeForm(CaseActionForm):
    """Merge this case, as a duplicate, into a master case."""

    master = StringField(
        _l("Number of the master case"),
        validators=[InputRequired(_l("Please give the number of the master case.")),
                    Length(max=16), PlainText()],
    )  # fmt: skip


class NoteForm(FlaskForm):
    """Add an internal note: staff only, never shown to the reporter."""

    body = TextAreaField(
        _l("Write an internal note"),
        validators=[
            InputRequired(_l("Please write the note.")),
            Length(max=NOTE_MAX),
            PlainText(),
        ],
    )


#: The form of each action the case page offers ("assign" also reassigns).
ACTION_FORMS: dict[str, type[CaseActionForm]] = {
    "accept": CaseActionForm,
    "reject": RejectForm,
    "assign": AssignForm,
    "start": CaseActionForm,
    "answer": AnswerForm,
    "close": CaseActionForm,
    "reopen": ReopenForm,
    "merge": MergeForm,
}
