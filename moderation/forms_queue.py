"""Forms of the case queue: the filters (a GET form) and bulk assignment."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField, SelectMultipleField
from wtforms.validators import Length, ValidationError

from portal.forms import optional_id
from portal.models import CaseKind, CaseStatus, Category, Channel, Unit, User
from portal.services.queue import QueueFilter

SEARCH_MAX = 100
#: A ticked row of the queue: the case's number and the version the page showed.
TICKED = re.compile(r"(?P<number>\d{4}-\d{6,9}):(?P<version>\d{1,9})")


def _enum_choices(enum_class) -> list[tuple[str, str]]:
    return [("", str(_l("Any")))] + [(member.value, member.label) for member in enum_class]


class QueueFilterForm(FlaskForm):
    """Narrow the queue; read from the query string, so filtered pages can be linked to."""

    class Meta:
        csrf = False  # a GET form changes nothing

    q = SearchField(_l("Search title and text"), validators=[Length(max=SEARCH_MAX)])
    status = SelectField(_l("Status"), choices=lambda: _enum_choices(CaseStatus), default="")
    channel = SelectField(_l("Channel"), choices=lambda: _enum_choices(Channel), default="")
    kind = SelectField(_l("Kind"), choices=lambda: _enum_choices(CaseKind), default="")
    category = SelectField(_l("Category"), coerce=optional_id)
    unit = SelectField(_l("Unit (with the units below it)"), coerce=optional_id)
    overdue = BooleanField(_l("Overdue only"))
    mine = BooleanField(_l("Assigned to me"))
    dissatisfied = BooleanField(_l("Reporter dissatisfied"))

    def set_choices(self, categories: list[Category], units: list[Unit], locale: str) -> None:
        """Offer the categories and the units of the account's scope."""
        anything = [(None, str(_l("Any")))]
        self.category.choices = anything + [(c.id, c.display_name(locale)) for c in categories]
        self.unit.choices = anything + [
            (u.id, "\u3000" * max(u.depth - self._top_depth(units), 0) + u.display_name(locale))
            for u in units
        ]

    @staticmethod
    def _top_depth(units: list[Unit]) -> int:
        return min((unit.depth for unit in units), default=0)

    def queue_filter(self) -> QueueFilter:
        """Return the filter the form describes."""
        return QueueFilter(
            status=CaseStatus(self.status.data) if self.status.data else None,
            channel=Channel(self.channel.data) if self.channel.data else None,
            kind=CaseKind(self.kind.data) if self.kind.data else None,
            category_id=self.category.data,
            unit_id=self.unit.data,
            overdue=self.overdue.data,
            mine=self.mine.data,
            dissatisfied=self.dissatisfied.data,
            text=(self.q.data or "").strip(),
        )


class AssigneeForm(FlaskForm):
    """Choose a unit, and optionally a handler there, to give cases to."""

    unit = SelectField(_l("Assign to unit"), coerce=optional_id)
    handler = SelectField(_l("Handler (optional)"), coerce=optional_id)

    def set_choices(self, units: list[Unit], handlers: list[User], locale: str) -> None:
        """Offer the units of the account's scope and the people who could handle them."""
        self.unit.choices = [(None, "")] + [(u.id, u.display_name(locale)) for u in units]
        self.handler.choices = [(None, str(_l("Nobody in particular")))] + [
            (h.id, f"{h.display_name} · {h.unit.display_name(locale)}") for h in handlers
        ]

    def validate_unit(self, field) -> None:
        """Require a unit (the empty option reads as None)."""
        if field.data is None:
            raise ValidationError(_l("Please choose the unit."))


class BulkAssignForm(AssigneeForm):
    """Assign the ticked cases of the queue."""

    cases = SelectMultipleField(validate_choice=False)

    def validate_cases(self, field) -> None:
        """Require ticked rows, each read as "number:version"."""
        if not field.data:
            raise ValidationError(_l("Please tick the cases to assign."))
        if not all(TICKED.fullmatch(value) for value in field.data):
            raise ValidationError(
                _l("The list of cases could not be read. Please reload the page.")
            )

    def items(self) -> list[tuple[str, int]]:
        """Return the ticked (case number, version) pairs."""
        matches = (TICKED.fullmatch(value) for value in self.cases.data)
        return [(m["number"], int(m["version"])) for m in matches if m]
