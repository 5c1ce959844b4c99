"""Forms of the working-day clocks: asking for an extension, deciding one, deadline rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange

from portal.forms import PlainText
from portal.models import CaseKind, Channel, ClockStage
from portal.services.deadline_rules import MOST_DAYS, RuleTerms
from portal.services.extensions import MOST_DAYS as MOST_EXTENSION_DAYS
from portal.services.extensions import REASON_MAX


class WorkingDaysField(IntegerField):
    """A whole number of working days; anything else reads as none, which the range refuses.

    WTForms' own "Not a valid integer value." is English: the message must be our own.
    """

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed number, or None."""
        text = valuelist[0].strip() if valuelist else ""
        self.data = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else None


def _days(label: str, most: int) -> WorkingDaysField:
    message = _l("Give a whole number of working days from %(min)s to %(max)s.")
    return WorkingDaysField(label, validators=[NumberRange(1, most, message)])


class ExtensionRequestForm(FlaskForm):
    """Ask a superior for more working days on a case's deadline."""

    working_days = _days(_l("Working days more"), MOST_EXTENSION_DAYS)
    reason = TextAreaField(
        _l("Why more time is needed (shown to the reporter if approved)"),
        validators=[
            InputRequired(_l("Please say why more time is needed.")),
            Length(max=REASON_MAX, message=_l("Use at most %(max)d characters.")),
            PlainText(),
        ],
    )


class ExtensionDecisionForm(FlaskForm):
    """Approve or deny an extension, with an optional note for the requester."""

    decision = HiddenField(validators=[AnyOf(("approve", "deny"))])
    #: Where the decision was taken: the case page or the list of extensions.
    back = HiddenField(default="case", validators=[AnyOf(("case", "list"))])
    note = TextAreaField(
        _l("Note to the requester (optional, internal)"),
        validators=[
            Length(max=REASON_MAX, message=_l("Use at most %(max)d characters.")),
            PlainText(),
        ],
    )


def _any_or(enum_class) -> list[tuple[str, str]]:
    return [("", str(_l("Any")))] + [(member.value, member.label) for member in enum_class]


class DeadlineRuleForm(FlaskForm):
    """A deadline rule: a stage takes so many working days, for a kind and/or a channel."""

    stage = RadioField(
        _l("Stage"),
        choices=lambda: [(stage.value, stage.label) for stage in ClockStage],
        validators=[InputRequired(_l("Please choose the stage."))],
    )
    kind = SelectField(_l("Kind of case"), choices=lambda: _any_or(CaseKind), default="")
    channel = SelectField(_l("Channel"), choices=lambda: _any_or(Channel), default="")
    working_days = _days(_l("Working days"), MOST_DAYS)

    def terms(self) -> RuleTerms:
        """Return the rule the form describes."""
        return RuleTerms(
            stage=ClockStage(self.stage.data),
            kind=CaseKind(self.kind.data) if self.kind.data else None,
            channel=Channel(self.channel.data) if self.channel.data else None,
            working_days=self.working_days.data,
        )
