"""The operator's intake form: a case that came by phone, letter, visit, box or referral.

Shape only, as the public forms: the intake service decides what a unit, a cadre, a
category, a date or a reporter's mode may be, and its refusals come back on their fields.
The field names are the service's, so that a refusal finds its field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from portal.forms import (
    BODY_MAX,
    CONTACT_FIELDS,
    CONTACT_PARTS,
    PLACE_MAX,
    SCORE_LABELS,
    TITLE_MAX,
    EventDateField,
    MaxLength,
    PageForm,
    PlainText,
    Required,
    optional_id,
)
from portal.i18n import DEFAULT_LOCALE
from portal.models import SCORE_COLUMNS, CaseKind, Channel, ReporterMode
from portal.services.intake import ContactDetails, Submission

#: The channels an operator records. The web form records itself; image supervisors will
#: record their own findings.
INTAKE_CHANNELS = tuple(c for c in Channel if c not in (Channel.WEB, Channel.SUPERVISOR))


def _text(label: str, limit: int, **kwargs) -> StringField:
    return StringField(label, validators=[MaxLength(limit), PlainText()], **kwargs)


def _score(label: str) -> SelectField:
    return SelectField(
        label,
        coerce=optional_id,
        choices=[SelectChoice("", "—")]
        + [SelectChoice(str(score), text) for score, text in SCORE_LABELS.items()],
        invalid_choice_message=_l("Please give a score from 1 to 5."),
    )


class IntakeForm(PageForm):
    """What the operator takes down, in the order the conversation goes."""

    page_order = (
        *("channel", "received_on", "kind", "unit_id", "cadre_id", "category_id"),
        *(*SCORE_COLUMNS, "title", "body", "event_date", "event_place", "evidence"),
        *("reporter_mode", *CONTACT_FIELDS),
    )

    channel = SelectField(
        _l("Channel"),
        choices=[],
        validators=[Required(_l("Please choose the channel the case came through."))],
        invalid_choice_message=_l("Please choose the channel the case came through."),
    )
    received_on = EventDateField(
        _l("Date received"),
        validators=[Required(_l("Please give the date the case reached us."))],
        description=_l("The day of the call or visit, or the postmark of the letter."),
    )
    kind = RadioField(
        _l("Kind"),
        choices=[],
        invalid_choice_message=_l("Please choose the kind of case."),
    )
    unit_id = SelectField(
        _l("Unit"),
        coerce=optional_id,
        choices=[],
        validators=[Required(_l("Please choose a unit from the list."))],
        invalid_choice_message=_l("Please choose a unit from the list."),
    )
    cadre_id = SelectField(
        _l("Cadre"),
        coerce=optional_id,
        choices=[],
        invalid_choice_message=_l("Please choose a cadre from the list, or leave it empty."),
    )
    category_id = SelectField(
        _l("What is it about?"),
        coerce=optional_id,
        choices=[],
        invalid_choice_message=_l("Please choose a category from the list."),
    )
    score_fairness = _score(_l("Fairness"))
    score_style = _score(_l("Work style"))
    score_efficiency = _score(_l("Efficiency"))
    score_integrity = _score(_l("Integrity"))
    title = _text(_l("Title"), TITLE_MAX)
    body = TextAreaField(
        _l("What the reporter says"), validators=[MaxLength(BODY_MAX), PlainText()]
    )
    event_date = EventDateField(_l("When did it happen?"))
    event_place = _text(_l("Where did it happen?"), PLACE_MAX)
    # Checked by their content in portal.services.evidence, as on the public forms.
    evidence = MultipleFileField(_l("Scans or photos"))
    reporter_mode = RadioField(
        _l("How the reporter wants to be known"),
        default=ReporterMode.ANONYMOUS.value,
        choices=[],
        invalid_choice_message=_l("Please choose how the reporter wants to be known."),
    )
    contact_name = _text(_l("Name"), 60)
    contact_phone = _text(_l("Phone"), 40)
    contact_email = _text(_l("E-mail"), 120)
    contact_address = _text(_l("Address"), PLACE_MAX)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels are read per request, in the operator's language.
        self.channel.choices = [SelectChoice("", "")] + [
            SelectChoice(channel.value, channel.label) for channel in INTAKE_CHANNELS
        ]
        self.kind.choices = [SelectChoice(kind.value, kind.label) for kind in CaseKind]
        self.reporter_mode.choices = [SelectChoice(mode.value, mode.label) for mode in ReporterMode]

    def validate_body(self, field: TextAreaField) -> None:
        """Ask for the text of every kind but a rating, whose scores can stand alone."""
        if self.kind.data != CaseKind.RATING.value and not (field.data or "").strip():
            raise StopValidation(_l("Please write down what the reporter says."))

    def to_submission(self) -> Submission:
        """Return what the reporter raised, for the intake service."""
        kind = CaseKind(self.kind.data)
        scores = {column: self[column].data for column in SCORE_COLUMNS}
        return Submission(
            kind=kind,
            channel=Channel(self.channel.data),
            received_on=self.received_on.data,
            unit_id=self.unit_id.data,
            cadre_id=self.cadre_id.data,
            category_id=self.category_id.data,
            title=self.title.data or "",
            body=self.body.data or "",
            event_date=self.event_date.data,
            event_place=self.event_place.data or None,
            reporter_mode=ReporterMode(self.reporter_mode.data),
            contact=ContactDetails(
                **{part: self[f"contact_{part}"].data or "" for part in CONTACT_PARTS}
            ),
            scores=scores if kind == CaseKind.RATING else None,
            # Staff answer hotline, letter and visit reporters in the default language.
            locale=DEFAULT_LOCALE,
        )
