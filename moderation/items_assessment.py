"""Image supervisors' assessments of rectification items, published beside the unit's report.

A supervisor sees the items of their area that are under way or judged, except those of the
units they declared a conflict with, which answer 404 as if they did not exist.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.forms import show_error
from moderation.forms_items import AssessmentForm
from moderation.guard import add_nav_item, requires
from moderation.loading import load_or_404
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import RectificationItem
from portal.policy import Permission
from portal.services import item_progress
from portal.services.errors import DomainError
from portal.services.item_board import item_rounds


@console.get("/items/assessments")
@requires(Permission.SUPERVISE)
def assessments():
    """List the items the image supervisor may assess now."""
    shown = item_progress.assessable_items(current_user)
    return render_template(
        "moderation/items_assessments.html",
        items=shown,
        assessed={item.id for item in shown if item_progress.has_assessed(current_user, item)},
    )


@console.route("/items/<int:item_id>/assessment", methods=["GET", "POST"])
@requires(Permission.SUPERVISE)
@keeps_text_on_csrf_failure
def assess_item(item_id: int):
    """Show an item's commitment, progress and result, and take the supervisor's assessment."""
    item = _load_assessable(item_id)
    form = AssessmentForm() if request.method == "POST" else AssessmentForm(formdata=None)
    if request.method == "GET" or g.get("csrf_failed") or not form.validate():
        return _page(item, form)
    try:
        item_progress.add_assessment(item, current_user, form.text.data)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _page(item, form)
    db.session.commit()
    flash(_("Your assessment is published beside the unit's report."), "success")
    return redirect(url_for("console.assess_item", item_id=item.id), 303)


def _load_assessable(item_id: int) -> RectificationItem:
    """Return an item of the supervisor's area, outside their conflicts; else answer 404."""
    return load_or_404(
        RectificationItem, item_id, lambda found: item_progress.may_assess(current_user, found)
    )


def _page(item: RectificationItem, form: AssessmentForm):
    status = 400 if g.get("csrf_failed") else 422 if form.errors else 200
    page = render_template(
        "moderation/items_assess.html",
        item=item,
        form=form,
        view=item_rounds(item)[0],
        open_for_assessment=item.state in item_progress.ASSESSABLE,
        assessed=item_progress.has_assessed(current_user, item),
        unit_name=lambda _unit_id, name: name,
    )
    return page, status


add_nav_item("console.assessments", _l("Items to assess"), Permission.SUPERVISE, order=42)
