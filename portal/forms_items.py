"""The public board's filters: a GET form, so that a filtered board can be linked to."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from portal.forms import PageForm, optional_id
from portal.models import Category, ItemState
from portal.services.item_board import BoardFilter
from portal.services.items import PUBLIC_STATES
from portal.services.units import UnitChoice

#: Indents a unit under its parent; a no-break space survives every browser's picker.
INDENT = "\u00a0\u00a0\u00a0"
NOT_OFFERED = _l("Please choose one of the options offered.")


class BoardFilterForm(PageForm):
    """Narrow the board by unit (with the units below it), category, stage and lateness."""

    class Meta:
        csrf = False  # a GET form changes nothing

    page_order = ("unit", "category", "state", "overdue")

    unit = SelectField(_l("Unit"), coerce=optional_id, invalid_choice_message=NOT_OFFERED)
    category = SelectField(_l("Category"), coerce=optional_id, invalid_choice_message=NOT_OFFERED)
    state = SelectField(_l("Stage"), default="", invalid_choice_message=NOT_OFFERED)
    overdue = BooleanField(_l("Only items past their deadline"))

    def set_choices(self, units: list[UnitChoice], categories: list[Category], locale: str):
        """Offer the public units as a tree, the active categories and the public stages."""
        anything = [("", str(_l("All")))]
        self.unit.choices = anything + [
            (unit.id, INDENT * max(unit.depth, 0) + unit.name) for unit in units
        ]
        self.category.choices = anything + [(c.id, c.display_name(locale)) for c in categories]
        self.state.choices = [("", str(_l("All")))] + [
            (state.value, state.label) for state in ItemState if state in PUBLIC_STATES
        ]

    def board_filter(self) -> BoardFilter:
        """Return the filter the form describes."""
        return BoardFilter(
            unit_id=self.unit.data,
            category_id=self.category.data,
            state=ItemState(self.state.data) if self.state.data else None,
            overdue=bool(self.overdue.data),
        )
