"""The public site's forms: shape, lengths and plain-text rules, never database writes.

One form per kind of case, on a shared :class:`CaseForm`. The views fill in the pickers'
choices (units, cadres, categories), which come from the database. Every message is our
own, so that WTForms' built-in English never reaches a reader of the Chinese pages.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any, ClassVar

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from portal.models import SCORE_COLUMNS, CaseKind, ReporterMode
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails, Submission

TITLE_MAX = 120
BODY_MAX = 20_000
PLACE_MAX = 200
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d")
CONTACT_PARTS = ("name", "phone", "email", "address")
CONTACT_FIELDS = tuple(f"contact_{part}" for part in CONTACT_PARTS)

#: Unicode category Cc (C0 and C1 controls and DEL) except tab, line feed and carriage return,
#: and the bidirectional embeddings, overrides and isolates, which make a text read otherwise
#: than it is stored ("Trojan Source").
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What Werkzeug puts where a browser sent bytes that are not UTF-8.
REPLACEMENT_CHARACTER = "\ufffd"


#: The largest id a row can have (PostgreSQL's ``integer``); a larger one names no row.
MAX_ID = 2**31 - 1
#: The years a day or time typed by staff (a round's times, the trail's days) may fall in:
#: others are typing slips, and year 1 in the city's zone has no UTC equivalent.
STAFF_YEARS = range(2000, 3000)


def optional_id(value: Any) -> int | None:
    """Read a picker's value as an id; an empty, malformed or impossible one reads as none."""
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 12):
            return None
        number = int(text)
    return number if 0 <= number <= MAX_ID else None


class Required:
    """Refuse an empty answer with the field's own message."""

    field_flags: ClassVar[dict] = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field) -> None:
        if field.process_errors:
            raise StopValidation()  # the unreadable value has said what is wrong already
        data = field.data
        if data is None or (isinstance(data, str) and not visible_text(data)):
            raise StopValidation(str(self.message))


def visible_text(text: str) -> bool:
    """Tell whether a text holds anything but spaces and invisible format characters (Cf),
    such as a zero-width space."""
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in text)


class MaxLength:
    """Refuse a text longer than a limit, saying how long it is."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, form: FlaskForm, field) -> None:
        length = len(field.data or "")
        if length > self.limit:
            raise StopValidation(
                gettext(
                    "Please shorten this to at most %(limit)s characters. It now has %(length)s.",
                    limit=format_number(self.limit),
                    length=format_number(length),
                )
            )


class PlainText:
    """Refuse damaged text, and control characters, which are removed from the text shown back."""

    def __call__(self, form: FlaskForm, field) -> None:
        text = field.data or ""
        if REPLACEMENT_CHARACTER in text:
            raise ValidationError(
                gettext(
                    "Some characters of this text could not be read; they are shown as "
                    "\ufffd. Please type those parts again."
                )
            )
        cleaned = CONTROL_CHARACTERS.sub("", text)
        if cleaned != text:
            field.data = cleaned
            raise ValidationError(
                gettext(
                    "We removed invisible control characters from this text. "
                    "Please check it and send it again."
                )
            )


class EventDateField(DateField):
    """A day typed as year-month-day; an empty answer is no date."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the typed day, or say in the reader's language how to type it."""
        text = " ".join(valuelist).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        for pattern in DATE_FORMATS:
            try:
                self.data = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError(gettext("Please give the date as year-month-day, for example 2026-03-15."))


def _text(label: str, limit: int, required: str | None = None, **kwargs) -> StringField:
    checks = [Required(required)] if required else []
    return StringField(label, validators=[*checks, MaxLength(limit), PlainText()], **kwargs)


def _long_text(label: str, required: str | None = None, **kwargs) -> TextAreaField:
    checks = [Required(required)] if required else []
    return TextAreaField(label, validators=[*checks, MaxLength(BODY_MAX), PlainText()], **kwargs)


def _category(required: bool) -> SelectField:
    message = _l("Please choose what the problem is about.")
    return SelectField(
        _l("What is it about?"),
        coerce=optional_id,
        choices=[],
        validators=[Required(message)] if required else [],
        invalid_choice_message=_l("Please choose a category from the list."),
    )


def _event_date(required: bool) -> EventDateField:
    message = _l("Please give the date it happened, or the closest date you remember.")
    return EventDateField(
        _l("When did it happen?"),
        validators=[Required(message)] if required else [],
        description=_l("Year-month-day, for example 2026-03-15."),
    )


def _evidence() -> MultipleFileField:
    # The files are checked by their content in portal.services.evidence, not by the form.
    return MultipleFileField(_l("Photos or documents"))


SCORE_LABELS = {
    1: _l("1 – very poor"),
    2: _l("2 – poor"),
    3: _l("3 – fair"),
    4: _l("4 – good"),
    5: _l("5 – very good"),
}


def _score(label: str, message: str) -> RadioField:
    return RadioField(
        label,
        coerce=optional_id,
        choices=[SelectChoice(str(score), text) for score, text in SCORE_LABELS.items()],
        invalid_choice_message=message,
    )


class PageForm(FlaskForm):
    """A form that lists its errors in page order and takes the services' refusals."""

    #: The order of the fields on the page, which the error summary follows.
    page_order: tuple[str, ...] = ()

    def add_domain_error(self, error: DomainError) -> None:
        """Show a rule's refusal at the field it names, or above the form."""
        field = self._fields.get(error.field or "")
        if field is None:
            self.form_errors.append(str(error.message))
        else:
            field.errors = [*field.errors, str(error.message)]

    def errors_in_page_order(self) -> list[tuple[str, str]]:
        """Return (field name, message) pairs in the order the fields appear on the page."""
        names = self.page_order or tuple(self._fields)
        return [
            (name, str(message))
            for name in names
            if name in self._fields
            for message in self._fields[name].errors
        ]

    def has_errors(self) -> bool:
        """Tell whether the form holds any error, its own or a field's."""
        return bool(self.form_errors) or any(field.errors for field in self)


class CaseForm(PageForm):
    """What every kind of case asks: its subject, its text and who the reporter is."""

    page_order = (
        *("unit_id", "cadre_id", "category_id", *SCORE_COLUMNS, "title", "body"),
        *("event_date", "event_place", "evidence", "reporter_mode", *CONTACT_FIELDS),
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
        invalid_choice_message=_l(
            "This cadre does not hold a post in the chosen unit. Choose again, or leave it empty."
        ),
    )
    title = _text(_l("Title"), TITLE_MAX, _l("Please give a short title."))
    body = _long_text(_l("Your opinion or suggestion"), _l("Please write what you want to say."))
    event_date = _event_date(required=False)
    event_place = _text(_l("Where did it happen?"), PLACE_MAX)
    evidence = _evidence()
    reporter_mode = RadioField(
        _l("How do you want to be known?"),
        default=ReporterMode.ANONYMOUS.value,
        choices=[],
        invalid_choice_message=_l("Please choose how you want to be known."),
    )
    contact_name = _text(_l("Your name"), 60)
    contact_phone = _text(_l("Phone"), 40)
    contact_email = _text(_l("E-mail"), 120)
    contact_address = _text(_l("Address"), PLACE_MAX)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels are read per request, in the reader's language.
        self.reporter_mode.choices = [SelectChoice(mode.value, mode.label) for mode in ReporterMode]

    def to_submission(self, kind: CaseKind, locale: str) -> Submission:
        """Return what the reporter raised, for the intake service."""
        category = getattr(self, "category_id", None)
        return Submission(
            kind=kind,
            unit_id=self.unit_id.data,
            cadre_id=self.cadre_id.data,
            category_id=category.data if category is not None else None,
            title=self.title.data or "",
            body=self.body.data or "",
            event_date=self.event_date.data,
            event_place=self.event_place.data or None,
            reporter_mode=ReporterMode(self.reporter_mode.data),
            contact=ContactDetails(
                **{name: self._fields[f"contact_{name}"].data or "" for name in CONTACT_PARTS}
            ),
            scores=self.scores(),
            locale=locale,
        )

    def scores(self) -> dict[str, int] | None:
        """Return a rating's scores by column, or None for the other kinds."""
        return None


class OpinionForm(CaseForm):
    """An opinion or suggestion: a category may be chosen."""

    category_id = _category(required=False)


class ReportForm(CaseForm):
    """A complaint or report: it must say what it is about, when and where."""

    category_id = _category(required=True)
    body = _long_text(_l("What happened?"), _l("Please write what happened."))
    event_date = _event_date(required=True)
    event_place = _text(_l("Where did it happen?"), PLACE_MAX, _l("Please say where it happened."))


class RatingForm(CaseForm):
    """A rating: four scores; the title and a comment are optional."""

    score_fairness = _score(_l("Fairness"), _l("Please score fairness from 1 to 5."))
    score_style = _score(_l("Work style"), _l("Please score the work style from 1 to 5."))
    score_efficiency = _score(_l("Efficiency"), _l("Please score efficiency from 1 to 5."))
    score_integrity = _score(_l("Integrity"), _l("Please score integrity from 1 to 5."))
    title = _text(_l("Title"), TITLE_MAX)
    body = _long_text(_l("Comment"))

    def scores(self) -> dict[str, int] | None:
        """Return the four scores by column."""
        return {column: self._fields[column].data for column in SCORE_COLUMNS}


class PraiseForm(CaseForm):
    """Praise of a cadre or a unit."""

    body = _long_text(_l("What do you want to praise?"), _l("Please write what you want to say."))


FORMS_BY_KIND: dict[CaseKind, type[CaseForm]] = {
    CaseKind.OPINION: OpinionForm,
    CaseKind.REPORT: ReportForm,
    CaseKind.RATING: RatingForm,
    CaseKind.PRAISE: PraiseForm,
}


class TrackForm(PageForm):
    """A case number and its receipt."""

    number = StringField(
        _l("Case number"),
        validators=[Required(_l("Please enter the case number.")), MaxLength(32), PlainText()],
        description=_l("For example 2026-000123."),
    )
    receipt = StringField(
        _l("Receipt"),
        validators=[Required(_l("Please enter the receipt.")), MaxLength(64), PlainText()],
        description=_l("The 28 letters and digits you were given, with or without the dashes."),
    )


class InformationForm(PageForm):
    """More information a reporter adds to their case: a text, files, or both."""

    # Not required on its own: files may come alone, and the intake service asks for one
    # or the other.
    body = _long_text(_l("Your information"))
    evidence = _evidence()


class ConfirmForm(PageForm):
    """A form with nothing to fill in but its CSRF token, for a button that changes state."""
