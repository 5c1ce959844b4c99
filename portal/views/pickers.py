"""The choices of the case forms' pickers: units by branch, a unit's cadres, categories."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.clock import local_today
from portal.extensions import db
from portal.forms import CaseForm
from portal.models import Category
from portal.services.units import cadres_in_unit, get_unit, unit_choices

#: Indents a unit under its branch; a no-break space survives every browser's picker.
INDENT = "\u00a0\u00a0\u00a0"


def offer_choices(form: CaseForm, locale: str) -> None:
    """Fill a case form's pickers for the reader's language and the unit chosen so far."""
    form.unit_id.choices = unit_picker(locale)
    form.cadre_id.choices = cadre_picker(form.unit_id.data, locale)
    if "category_id" in form:
        form.category_id.choices = category_picker(locale)


def unit_picker(locale: str) -> list[SelectChoice]:
    """Return the public units, grouped by top-level branch and indented by depth."""
    choices = [SelectChoice("", _("Choose a unit"))]
    for unit in unit_choices(locale):
        label = INDENT * max(unit.depth - 1, 0) + unit.name
        choices.append(SelectChoice(str(unit.id), label, optgroup=unit.group))
    return choices


def cadre_picker(unit_id: int | None, locale: str) -> list[SelectChoice]:
    """Return the cadres holding a post in the unit today, each with their post."""
    choices = [SelectChoice("", _("Not about one particular cadre"))]
    if get_unit(unit_id) is None:
        return choices
    seen: set[int] = set()
    for cadre, post in cadres_in_unit(unit_id, local_today()):
        if cadre.id not in seen:
            seen.add(cadre.id)
            label = f"{cadre.display_name(locale)} – {post.display_title(locale)}"
            choices.append(SelectChoice(str(cadre.id), label))
    return choices


def category_picker(locale: str) -> list[SelectChoice]:
    """Return the active categories: the eight prohibitions first, then the others."""
    query = select(Category).where(Category.is_active.is_(True))
    categories = db.session.scalars(query.order_by(Category.sort_order, Category.id)).all()
    groups = {True: _("The eight prohibitions"), False: _("Other problems")}
    choices = [SelectChoice("", _("Choose what it is about"))]
    for prohibition in (True, False):
        group = groups[prohibition]
        choices.extend(
            SelectChoice(str(category.id), category.display_name(locale), optgroup=group)
            for category in categories
            if category.is_prohibition is prohibition
        )
    return choices


def cadre_is_offered(form: CaseForm) -> bool:
    """Tell whether the chosen cadre is among those the picker offers."""
    return any(choice.value == str(form.cadre_id.data) for choice in form.cadre_id.choices)
