"""The reporter's forms that close the loop: the verdict on an answer, the retaliation check-in.

Shape only: whether a verdict or a check-in is asked for, and whether a dissatisfied verdict
gave its reason, the feedback service decides.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.forms import BODY_MAX, MaxLength, PageForm, PlainText, Required
from portal.models import Satisfaction


def _satisfaction_choices() -> list[SelectChoice]:
    return [SelectChoice(level.value, level.label) for level in Satisfaction]


class VerdictForm(PageForm):
    """How satisfied the reporter is with the answer, and why."""

    page_order = ("satisfaction", "reason")

    satisfaction = RadioField(
        _l("How satisfied are you with the handling of your case?"),
        choices=_satisfaction_choices,
        validators=[Required(_l("Please choose one of the three answers."))],
        invalid_choice_message=_l("Please choose one of the three answers."),
    )
    reason = TextAreaField(
        _l("What are you dissatisfied with, or what would you like to add?"),
        validators=[MaxLength(BODY_MAX), PlainText()],
    )


class CheckinForm(PageForm):
    """Whether a confidential reporter faced retaliation since they reported."""

    page_order = ("faced_retaliation", "description")

    faced_retaliation = RadioField(
        _l("Since you reported, have you faced retaliation (打击报复)?"),
        choices=[SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))],
        validators=[Required(_l("Please answer yes or no."))],
        invalid_choice_message=_l("Please answer yes or no."),
    )
    description = TextAreaField(
        _l("What happened? (optional)"),
        validators=[MaxLength(BODY_MAX), PlainText()],
    )
