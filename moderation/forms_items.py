"""Forms of the rectification items in the console: shape only; the services decide.

Every form that changes an item carries the item's version and the newest history event its
author had seen, so that a change made meanwhile by someone else is refused and shown
instead of overwritten.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from moderation.forms_case import HiddenInteger
from portal.forms import EventDateField, MaxLength, PlainText, Required, optional_id
from portal.models import Category, PublicationKind, Unit
from portal.services.item_progress import ASSESSMENT_MAX, MILESTONE_MAX
from portal.services.item_publication import NOTE_MAX
from portal.services.item_texts import TEXT_MAX
from portal.services.rectification import MEASURE_MAX, TITLE_MAX

CASES_TEXT_MAX = 2_000
NOT_OFFERED = _l("Please choose one of the options offered.")
PUBLIC_HINT = _l(
    "Public text: write it for everyone to read. No names of reporters, no phone numbers, "
    "e-mail addresses or ID-card numbers."
)


class PercentField(IntegerField):
    """A whole percentage typed as digits; anything else is refused in the reader's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the digits, or say how to write the percentage."""
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not (text.isascii() and text.isdigit() and len(text) <= 3):
            raise ValueError(gettext("Give a percentage from 0 to 100."))
        self.data = int(text)


def _units(units: list[Unit], locale: str) -> list[tuple[str, str]]:
    top = min((unit.depth for unit in units), default=0)
    return [("", "")] + [
        (str(u.id), "\u3000" * (u.depth - top) + u.display_name(locale)) for u in units
    ]


class ItemForm(FlaskForm):
    """What every change of an item posts: the version seen, and the history seen."""

    version = HiddenInteger(validators=[InputRequired()])
    seen_seq = HiddenInteger(validators=[Optional()])


class DraftForm(ItemForm):
    """The commitment as drafted: title, problem, summary, deadline, category."""

    title = StringField(
        _l("Title"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(TITLE_MAX), PlainText()],
    )
    category_id = SelectField(
        _l("Category (optional)"), coerce=optional_id, invalid_choice_message=NOT_OFFERED
    )
    problem_statement = TextAreaField(
        _l("The problem, as the public reads it"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(TEXT_MAX)],
    )
    commitment = TextAreaField(
        _l("Summary of the commitment (optional)"), validators=[MaxLength(TEXT_MAX)]
    )
    deadline = EventDateField(_l("Deadline of the whole commitment"))

    def set_choices(self, categories: list[Category], locale: str) -> None:
        """Offer the categories."""
        self.category_id.choices = [("", "—")] + [
            (str(c.id), c.display_name(locale)) for c in categories
        ]


class NewItemForm(FlaskForm):
    """A new rectification item: the common problem of some cases, and who must fix it."""

    title = StringField(
        _l("Title"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(TITLE_MAX), PlainText()],
    )
    unit_id = SelectField(
        _l("Responsible unit"), coerce=optional_id, invalid_choice_message=NOT_OFFERED
    )
    category_id = SelectField(
        _l("Category (optional)"), coerce=optional_id, invalid_choice_message=NOT_OFFERED
    )
    cases = TextAreaField(
        _l("Numbers of the cases it comes from"),
        validators=[Required(_l("Please give the numbers of the cases.")),
                    MaxLength(CASES_TEXT_MAX), PlainText()],
    )  # fmt: skip
    problem_statement = TextAreaField(
        _l("The problem, as the public reads it"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(TEXT_MAX)],
    )

    def set_choices(self, units: list[Unit], categories: list[Category], locale: str) -> None:
        """Offer the units of the account's scope and the categories."""
        self.unit_id.choices = _units(units, locale)
        self.category_id.choices = [("", "—")] + [
            (str(c.id), c.display_name(locale)) for c in categories
        ]


class LinkCasesForm(ItemForm):
    """More cases about the same problem."""

    cases = TextAreaField(
        _l("Numbers of the cases to link"),
        validators=[Required(_l("Please give the numbers of the cases.")),
                    MaxLength(CASES_TEXT_MAX), PlainText()],
    )  # fmt: skip


class MeasureForm(ItemForm):
    """One measure of the commitment: what, by which unit, by when."""

    text = TextAreaField(
        _l("Measure"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(MEASURE_MAX),
                    PlainText()],
    )  # fmt: skip
    owner_id = SelectField(
        _l("Carried out by"), coerce=optional_id, invalid_choice_message=NOT_OFFERED
    )
    due_on = EventDateField(_l("Due on"), validators=[Required(_l("Please give the due date."))])

    def set_choices(self, units: list[Unit], locale: str) -> None:
        """Offer the units of the account's scope."""
        self.owner_id.choices = _units(units, locale)


class MilestoneForm(ItemForm):
    """A step of progress, public at once."""

    progress = TextAreaField(
        _l("What was done"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(MILESTONE_MAX),
                    PlainText()],
    )  # fmt: skip
    percent = PercentField(
        _l("How far along the whole commitment is (%)"),
        validators=[Required(_l("Give a percentage from 0 to 100."))],
    )
    # The files are checked by their content in portal.services.evidence, not by the form.
    evidence = MultipleFileField(_l("Evidence: photos or documents, published with the progress"))


class ResultForm(ItemForm):
    """The unit's report of what it did in the round."""

    result = TextAreaField(
        _l("The result, as the public reads it"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(TEXT_MAX)],
    )


class PublicationRequestForm(ItemForm):
    """Ask a second person to publish the commitment or the result."""

    kind = HiddenField(validators=[InputRequired()])

    def publication_kind(self) -> PublicationKind | None:
        """Return the kind asked for, or None for a value that is none."""
        try:
            return PublicationKind(self.kind.data)
        except ValueError:
            return None


class ApproveForm(ItemForm):
    """Approve a publication; a correction says publicly what changed."""

    change_note = TextAreaField(
        _l("What changed, for the public (corrections only)"),
        validators=[MaxLength(NOTE_MAX), PlainText()],
    )


class DenyForm(ItemForm):
    """Refuse a publication, saying why to the unit."""

    note = TextAreaField(
        _l("Why it is refused (for the unit)"),
        validators=[Required(_l("Please say why the publication is refused.")),
                    MaxLength(NOTE_MAX), PlainText()],
    )  # fmt: skip


class AssessmentForm(FlaskForm):
    """An image supervisor's assessment of a round, published beside the unit's report."""

    text = TextAreaField(
        _l("Your assessment"),
        validators=[Required(_l("Please fill in this field.")), MaxLength(ASSESSMENT_MAX),
                    PlainText()],
    )  # fmt: skip
