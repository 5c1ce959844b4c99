"""The audit trail page's filters: a GET form, so that a filtered view can be linked to."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import Length, ValidationError

from portal.forms import STAFF_YEARS, EventDateField


def _check_year(field: EventDateField) -> None:
    if field.data and field.data.year not in STAFF_YEARS:
        first, last = STAFF_YEARS[0], STAFF_YEARS[-1]
        raise ValidationError(
            _l("Please give a day from %(first)d to %(last)d.", first=first, last=last)
        )


def _day(label: str) -> EventDateField:
    return EventDateField(label, render_kw={"type": "date"})


class AuditFilterForm(FlaskForm):
    """Narrow the trail to some acts, an actor, an object or some days."""

    class Meta:
        csrf = False  # a GET form changes nothing

    action = SearchField(
        _l("Action starts with"),
        validators=[Length(max=60)],
        render_kw={"placeholder": "case."},
    )
    actor = SearchField(_l("Actor (username)"), validators=[Length(max=80)])
    object_type = SearchField(
        _l("Object type"), validators=[Length(max=40)], render_kw={"placeholder": "case"}
    )
    object_id = SearchField(
        _l("Object"), validators=[Length(max=40)], render_kw={"placeholder": "2026-000123"}
    )
    since = _day(_l("From (Beijing time)"))
    until = _day(_l("To (the day included)"))

    def validate_since(self, field: EventDateField) -> None:
        """Refuse a day no event can have (the city's midnight of year 1 is no UTC moment)."""
        _check_year(field)

    def validate_until(self, field: EventDateField) -> None:
        """Refuse a range that ends before it starts."""
        _check_year(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end of the range is before its start."))

    def active(self) -> dict[str, str]:
        """Return the filters in use, as query-string values for the pager's links."""
        return {
            name: field.raw_data[0].strip()
            for name, field in self._fields.items()
            if field.raw_data and field.raw_data[0].strip()
        }
