"""Forms of the image supervisors' workspace: the list's filters, findings, comments, conflicts.

Shape only: the supervisors and intake services decide what a unit, a cadre or a category
may be, and their refusals come back on the fields, whose names are the services'.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.forms import (
    BODY_MAX,
    PLACE_MAX,
    TITLE_MAX,
    EventDateField,
    MaxLength,
    PageForm,
    PlainText,
    Required,
    optional_id,
)
from portal.i18n import DEFAULT_LOCALE
from portal.models import CaseKind, CaseStatus, Post, Unit
from portal.services.cases import NOTE_MAX
from portal.services.intake import Submission
from portal.services.supervisors import FINDING_KINDS, SupervisionFilter


def _any(members) -> list[tuple[str, str]]:
    return [("", str(_l("Any")))] + [(member.value, member.label) for member in members]


class SupervisionFilterForm(FlaskForm):
    """Narrow the supervisor's list; read from the query string."""

    class Meta:
        csrf = False  # a GET form changes nothing

    status = SelectField(_l("Status"), choices=lambda: _any(CaseStatus), default="")
    kind = SelectField(_l("Kind"), choices=lambda: _any(CaseKind), default="")

    def supervision_filter(self) -> SupervisionFilter:
        """Return the filter the form describes."""
        return SupervisionFilter(
            status=CaseStatus(self.status.data) if self.status.data else None,
            kind=CaseKind(self.kind.data) if self.kind.data else None,
        )


class CommentForm(FlaskForm):
    """An image supervisor's comment on a case, for the staff."""

    body = TextAreaField(
        _l("Your comment (the staff handling the case read it; the reporter does not)"),
        validators=[
            InputRequired(_l("Please write the comment.")),
            Length(max=NOTE_MAX, message=_l("A comment can have at most 5000 characters.")),
            PlainText(),
        ],
    )


class ConflictForm(FlaskForm):
    """Declare a conflict of interest with a unit."""

    unit = SelectField(
        _l("Unit"),
        coerce=optional_id,
        choices=[],
        validators=[Required(_l("Please choose a unit."))],
        invalid_choice_message=_l("Please choose a unit."),
    )
    reason = StringField(
        _l("What ties you to it (your workplace, a relative, ...)"),
        validators=[
            InputRequired(_l("Please say what ties you to this unit.")),
            Length(max=500, message=_l("Please write at most 500 characters.")),
            PlainText(),
        ],
    )

    def set_choices(self, units: list[Unit], locale: str) -> None:
        """Offer the units of the supervisor's jurisdiction."""
        self.unit.choices = [SelectChoice("", _l("Choose a unit"))] + [
            SelectChoice(str(unit.id), unit.display_name(locale)) for unit in units
        ]


class FindingForm(PageForm):
    """What an image supervisor observed: the unit, perhaps a cadre, and what happened."""

    page_order = ("kind", "unit_id", "cadre_id", "category_id", "title", "body", "event_date")

    kind = RadioField(
        _l("Kind"),
        choices=[],
        default=CaseKind.REPORT.value,
        invalid_choice_message=_l("Please choose the kind of finding."),
    )
    unit_id = SelectField(
        _l("Unit"),
        coerce=optional_id,
        choices=[],
        validators=[Required(_l("Please choose a unit of your jurisdiction."))],
        invalid_choice_message=_l("Please choose a unit of your jurisdiction."),
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
    title = StringField(
        _l("Title"),
        validators=[Required(_l("Please give a short title.")), MaxLength(TITLE_MAX), PlainText()],
    )
    body = TextAreaField(
        _l("What you observed"),
        validators=[
            Required(_l("Please write what you observed.")),
            MaxLength(BODY_MAX),
            PlainText(),
        ],
    )
    event_date = EventDateField(_l("When did it happen?"))
    event_place = StringField(
        _l("Where did it happen?"), validators=[MaxLength(PLACE_MAX), PlainText()]
    )

    def set_choices(self, units: list[Unit], posts: list[Post], categories, locale: str) -> None:
        """Offer the finding kinds, the units of the jurisdiction and the cadres in post there."""
        self.kind.choices = [SelectChoice(kind.value, kind.label) for kind in FINDING_KINDS]
        self.unit_id.choices = [SelectChoice("", _l("Choose a unit"))] + [
            SelectChoice(str(unit.id), unit.display_name(locale)) for unit in units
        ]
        self.cadre_id.choices = [SelectChoice("", _l("Not about one particular cadre"))] + [
            SelectChoice(
                str(post.cadre_id),
                f"{post.cadre.display_name(locale)} – {post.display_title(locale)}",
                optgroup=post.unit.display_name(locale),
            )
            for post in posts
        ]
        self.category_id.choices = categories

    def to_submission(self) -> Submission:
        """Return the finding for the supervisors service."""
        return Submission(
            kind=CaseKind(self.kind.data),
            unit_id=self.unit_id.data,
            cadre_id=self.cadre_id.data,
            category_id=self.category_id.data,
            title=self.title.data or "",
            body=self.body.data or "",
            event_date=self.event_date.data,
            event_place=self.event_place.data or None,
            # Staff read findings in the default language, as other offline channels.
            locale=DEFAULT_LOCALE,
        )
