"""The changes made from an item's page: one POST route per change, one view for all.

A form whose item changed meanwhile comes back with status 409, the changes highlighted and
the typed text kept; a refusal of the services comes back with 422 and its message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from moderation import console
from moderation.forms import show_error
from moderation.forms_case import UNREADABLE
from moderation.forms_items import (
    DraftForm,
    ItemForm,
    LinkCasesForm,
    MeasureForm,
    MilestoneForm,
    PublicationRequestForm,
    ResultForm,
)
from moderation.guard import refuse, requires
from moderation.items import load_item, prepare_form, render_item
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import Category, Measure, Milestone, RectificationItem, Unit
from portal.policy import Permission
from portal.services import item_progress, item_publication, rectification
from portal.services.errors import DomainError
from portal.services.evidence import clean_uploads
from portal.services.items import StaleItem


def _unit(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id else None


def _draft(item: RectificationItem, form: DraftForm) -> bool:
    category = db.session.get(Category, form.category_id.data) if form.category_id.data else None
    return rectification.update_draft(
        item,
        current_user,
        form.version.data,
        title=form.title.data,
        problem_statement=form.problem_statement.data,
        commitment=form.commitment.data,
        deadline=form.deadline.data,
        category=category,
    )


def _request(item: RectificationItem, form: PublicationRequestForm) -> bool:
    kind = form.publication_kind()
    if kind is None:
        raise DomainError(_l("There is nothing of that kind to publish."))
    item_publication.request_publication(item, current_user, form.version.data, kind)
    return True


def _milestone(item: RectificationItem, form: MilestoneForm) -> Milestone:
    files = clean_uploads(form.evidence.data)
    return item_progress.add_milestone(
        item, current_user, form.version.data, form.progress.data, form.percent.data, files
    )


def _link(item: RectificationItem, form: LinkCasesForm) -> bool:
    cases = rectification.cases_by_number(current_user, form.cases.data)
    return rectification.link_cases(item, current_user, form.version.data, cases) > 0


@dataclass(frozen=True)
class ItemAction:
    """A change made from the item page: its form, its call of a service, what success says."""

    form: type[ItemForm]
    run: Callable[[RectificationItem, FlaskForm], object]
    done: LazyString
    permission: Permission = Permission.DRAFT_ITEMS


ACTIONS: dict[str, ItemAction] = {
    "draft": ItemAction(DraftForm, _draft, _l("The draft is saved.")),
    "measure": ItemAction(
        MeasureForm,
        lambda i, f: rectification.add_measure(
            i, current_user, f.version.data, f.text.data, _unit(f.owner_id.data), f.due_on.data
        ),
        _l("The measure is added."),
    ),
    "start": ItemAction(
        ItemForm,
        lambda i, f: item_progress.start_rectification(i, current_user, f.version.data),
        _l("The rectification has started: report its progress as it goes."),
    ),
    "milestone": ItemAction(
        MilestoneForm,
        _milestone,
        _l("The progress is published."),
    ),
    "result": ItemAction(
        ResultForm,
        lambda i, f: item_progress.update_result(i, current_user, f.version.data, f.result.data),
        _l("The result is saved. Ask for its publication when it is ready."),
    ),
    "request": ItemAction(
        PublicationRequestForm,
        _request,
        _l("Publication is asked for: a second person in the organization department decides."),
    ),
    "link": ItemAction(LinkCasesForm, _link, _l("The cases are linked."), Permission.MANAGE_ITEMS),
}


def act(item_id: int, name: str):
    """Apply one change to an item, posted from its page."""
    item = load_item(item_id)
    form = prepare_form(ACTIONS[name].form())
    shown_as = _shown_as(name, form)
    if g.get("csrf_failed") or not form.validate():
        return _shown_again(item, 400 if g.get("csrf_failed") else 422, shown_as, form)
    try:
        changed = ACTIONS[name].run(item, form)
    except StaleItem as error:
        db.session.rollback()  # nothing of this request is kept; the item reloads as it is now
        seen = form.seen_seq.data
        return render_item(item, 409, (shown_as, form), changed_since=seen, message=error.message)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _shown_again(item, 422, shown_as, form)
    db.session.commit()
    flash(ACTIONS[name].done if changed is not False else _l("Nothing changed."), "success")
    return redirect(url_for("console.item", item_id=item.id), 303)


def _shown_again(item: RectificationItem, status: int, shown_as: str, form: FlaskForm):
    """Show the item page again with the form sent in vain.

    A publication request of no known kind has no form on the page to carry its errors: the
    refusal is said above the page instead.
    """
    message = None
    if shown_as == "request":
        message = form.form_errors[0] if form.form_errors else str(UNREADABLE)
    return render_item(item, status, posted=(shown_as, form), message=message)


def _shown_as(name: str, form: FlaskForm) -> str:
    """Return the name of the form on the page: the two publication requests differ by kind."""
    if isinstance(form, PublicationRequestForm) and form.kind.data in ("commitment", "result"):
        return f"request_{form.kind.data}"
    return name


def _action_view(name: str) -> Callable:
    def view(item_id: int):
        return act(item_id, name)

    view.__name__ = f"item_{name}"
    view.__doc__ = f"Apply the {name!r} change to an item."
    return requires(ACTIONS[name].permission)(keeps_text_on_csrf_failure(view))


for _name in ACTIONS:
    console.add_url_rule(
        f"/items/<int:item_id>/{_name}",
        endpoint=f"item_{_name}",
        view_func=_action_view(_name),
        methods=["POST"],
    )


@console.route("/items/<int:item_id>/measures/<int:measure_id>", methods=["GET", "POST"])
@requires(Permission.DRAFT_ITEMS)
@keeps_text_on_csrf_failure
def edit_measure(item_id: int, measure_id: int):
    """Change one measure of the commitment being drafted or corrected."""
    item, measure = _load_measure(item_id, measure_id)
    form = prepare_form(_measure_form(item, measure))
    if request.method == "GET" or g.get("csrf_failed") or not form.validate():
        return _measure_page(item, measure, form)
    try:
        changed = rectification.update_measure(
            measure, current_user, form.version.data, form.text.data,
            _unit(form.owner_id.data), form.due_on.data,
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        form.version.data = item.version  # sent again after reading the changes, it goes
        return _measure_page(item, measure, form, 409 if isinstance(error, StaleItem) else 422)
    db.session.commit()
    flash(_("The measure is saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("console.item", item_id=item.id), 303)


@console.post("/items/<int:item_id>/measures/<int:measure_id>/remove")
@requires(Permission.DRAFT_ITEMS)
def remove_measure(item_id: int, measure_id: int):
    """Remove one measure of the commitment being drafted or corrected."""
    item, measure = _load_measure(item_id, measure_id)
    form = ItemForm()
    if not form.validate():
        return render_item(item, 422, message=_("The form could not be read. Please try again."))
    try:
        rectification.remove_measure(measure, current_user, form.version.data)
    except DomainError as error:
        db.session.rollback()
        return render_item(
            item, 409 if isinstance(error, StaleItem) else 422, message=error.message
        )
    db.session.commit()
    flash(_("The measure is removed."), "success")
    return redirect(url_for("console.item", item_id=item.id), 303)


def _load_measure(item_id: int, measure_id: int) -> tuple[RectificationItem, Measure]:
    item = load_item(item_id)
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.round.item_id != item.id:
        refuse(404, reason="missing")
    return item, measure


def _measure_form(item: RectificationItem, measure: Measure) -> MeasureForm:
    if request.method == "POST":
        return MeasureForm()
    return MeasureForm(
        formdata=None,
        version=item.version,
        text=measure.text,
        owner_id=measure.owner_unit_id,
        due_on=measure.due_on,
    )


def _measure_page(item: RectificationItem, measure: Measure, form: MeasureForm, status=None):
    if status is None:
        status = 400 if g.get("csrf_failed") else 422 if form.errors else 200
    page = render_template("moderation/items_measure.html", item=item, measure=measure, form=form)
    return page, status
