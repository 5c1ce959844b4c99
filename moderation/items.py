"""Rectification items in the console: the list, a new item made from cases, an item's page.

The page gathers what the account may do on the item now: draft the commitment and its
measures, start the rectification, report progress, write the result, ask for publication,
link more cases. Other areas add panels to it (``add_item_panel``). A form whose item
changed meanwhile comes back with status 409, the changes highlighted, the typed text kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from moderation import console
from moderation.cases import add_case_panel
from moderation.forms import show_error
from moderation.forms_items import (
    DraftForm,
    ItemForm,
    LinkCasesForm,
    MeasureForm,
    MilestoneForm,
    NewItemForm,
    PublicationRequestForm,
    ResultForm,
)
from moderation.guard import add_nav_item, requires
from moderation.loading import load_or_404
from portal.clock import local_today
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.i18n import current_language
from portal.models import (
    Case,
    Category,
    ItemCase,
    ItemState,
    PublicationKind,
    RectificationItem,
    RectificationRound,
    Unit,
)
from portal.policy import Permission, can, can_see_case
from portal.services import item_publication, item_versions, rectification
from portal.services.cases import assignable_units
from portal.services.errors import DomainError
from portal.services.item_board import is_overdue, item_cards
from portal.services.item_progress import milestone_files, result_editable
from portal.services.items import item_in_scope, visible_items


@dataclass(frozen=True)
class ItemPanel:
    """A section that another area of the console adds to an item's page."""

    template: str
    #: Return the panel's values for an item, or None to leave the panel out.
    values: Callable[[RectificationItem], dict | None]
    order: int


ITEM_PANELS: list[ItemPanel] = []


def add_item_panel(
    template: str, values: Callable[[RectificationItem], dict | None], order: int = 50
) -> None:
    """Put a panel on the item page; its template reads ``panel_values``."""
    ITEM_PANELS.append(ItemPanel(template, values, order))
    ITEM_PANELS.sort(key=lambda panel: panel.order)


@console.get("/items")
@requires(Permission.DRAFT_ITEMS)
def items():
    """List the rectification items in the account's scope, the latest changed first."""
    query = (
        select(RectificationItem)
        .where(visible_items(current_user))
        .options(joinedload(RectificationItem.unit))
        .order_by(RectificationItem.updated_at.desc(), RectificationItem.id.desc())
    )
    approver = can(current_user, Permission.APPROVE_PUBLICATION)
    shown = list(db.session.scalars(query))
    # One query for the published deadlines of the whole list, not one per item.
    cards = item_cards(shown, local_today())
    return render_template(
        "moderation/items.html",
        items=shown,
        overdue={card.item.id for card in cards if card.overdue},
        can_create=can(current_user, Permission.MANAGE_ITEMS),
        waiting=len(item_publication.pending_requests(current_user)) if approver else None,
    )


@console.route("/items/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ITEMS)
@keeps_text_on_csrf_failure
def new_item():
    """Make a rectification item of the common problem that some cases raised."""
    form = _new_item_form()
    if not form.is_submitted() or g.get("csrf_failed") or not form.validate():
        return _new_item_page(form)
    try:
        cases = rectification.cases_by_number(current_user, form.cases.data)
        item = rectification.create_item(
            current_user,
            db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None,
            form.title.data,
            form.problem_statement.data,
            cases,
            db.session.get(Category, form.category_id.data) if form.category_id.data else None,
        )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _new_item_page(form)
    db.session.commit()
    flash(_("The item is made. Draft its commitment below."), "success")
    return redirect(url_for("console.item", item_id=item.id), 303)


@console.get("/items/<int:item_id>")
@requires(Permission.DRAFT_ITEMS)
def item(item_id: int):
    """Show an item, its history, and what the account may do on it now."""
    return render_item(load_item(item_id))


def load_item(item_id: int) -> RectificationItem:
    """Return an item in the signed-in account's scope; any other answers 404."""
    return load_or_404(RectificationItem, item_id, lambda found: item_in_scope(current_user, found))


def render_item(
    shown: RectificationItem,
    status: int = 200,
    posted: tuple[str, FlaskForm] | None = None,
    changed_since: int | None = None,
    message: str | None = None,
):
    """Render the item page; a form posted in vain comes back with its text and errors."""
    history = rectification.item_history(shown)
    seen = {"version": shown.version, "seen_seq": history[-1].seq if history else 0}
    forms = _blank_forms(shown, seen)
    if posted is not None:
        name, form = posted
        # Sent again after reading the changes, the form must carry what is now current.
        form.version.data, form.seen_seq.data = seen["version"], seen["seen_seq"]
        forms[name] = form
    panels = [(panel, values) for panel in ITEM_PANELS if (values := panel.values(shown))]
    page = render_template(
        "moderation/items_item.html",
        item=shown,
        round=shown.current_round,
        forms=forms,
        history=history,
        requests=item_publication.item_requests(shown),
        linked_cases=[case for case in shown.cases if can_see_case(current_user, case)],
        milestone_files=milestone_files(shown.current_round.milestones),
        panels=panels,
        changed_since=changed_since,
        message=message,
        overdue=is_overdue(shown, local_today()),
        unpublished={
            kind.value: item_versions.has_changes(shown.current_round, kind)
            for kind in PublicationKind
        },
    )
    return make_response(page, status)


def prepare_form(form: FlaskForm) -> FlaskForm:
    """Give a form the choices the signed-in account may make."""
    locale = current_language()
    if isinstance(form, DraftForm):
        form.set_choices(_categories(), locale)
    if isinstance(form, MeasureForm):
        form.set_choices(assignable_units(current_user), locale)
    return form


def _blank_forms(shown: RectificationItem, seen: dict) -> dict[str, FlaskForm]:
    """Return the forms of what the account may do on the item now, filled as it stands."""
    forms: dict[str, FlaskForm] = {}
    round_ = shown.current_round
    if rectification.may_draft(current_user, shown):
        if rectification.commitment_editable(shown):
            forms["draft"] = DraftForm(
                formdata=None,
                title=shown.title,
                category_id=shown.category_id,
                problem_statement=shown.problem_statement,
                commitment=round_.commitment,
                deadline=round_.deadline,
                **seen,
            )
            forms["measure"] = MeasureForm(formdata=None, **seen)
            if _may_ask(round_, PublicationKind.COMMITMENT):
                forms["request_commitment"] = PublicationRequestForm(
                    formdata=None, kind="commitment", **seen
                )
        if shown.state == ItemState.COMMITMENT_PUBLISHED:
            forms["start"] = ItemForm(formdata=None, **seen)
        if shown.state == ItemState.IN_RECTIFICATION:
            forms["milestone"] = MilestoneForm(formdata=None, **seen)
        if result_editable(shown):
            forms["result"] = ResultForm(formdata=None, result=round_.result, **seen)
            if _may_ask(round_, PublicationKind.RESULT):
                forms["request_result"] = PublicationRequestForm(
                    formdata=None, kind="result", **seen
                )
    if can(current_user, Permission.MANAGE_ITEMS):
        forms["link"] = LinkCasesForm(formdata=None, **seen)
    return {name: prepare_form(form) for name, form in forms.items()}


def _may_ask(round_: RectificationRound, kind: PublicationKind) -> bool:
    """Tell whether asking to publish makes sense: never published, or changed since."""
    if getattr(round_, f"{kind.value}_published_at") is None:
        return True
    return item_versions.has_changes(round_, kind)


def _new_item_form() -> NewItemForm:
    form = NewItemForm() if request.method == "POST" else NewItemForm(formdata=None)
    if request.method == "GET":
        form.cases.data = request.args.get("cases", "")[:2000]
    form.set_choices(assignable_units(current_user), _categories(), current_language())
    return form


def _new_item_page(form: NewItemForm):
    status = 400 if g.get("csrf_failed") else 422 if form.errors else 200
    return render_template("moderation/items_new.html", form=form), status


def _case_items(case: Case) -> dict | None:
    """Return the items a case is linked to, and whether one may be made from it."""
    if not can(current_user, Permission.DRAFT_ITEMS):
        return None
    linked = db.session.scalars(
        select(RectificationItem)
        .join(ItemCase, ItemCase.item_id == RectificationItem.id)
        .where(ItemCase.case_id == case.id, visible_items(current_user))
        .order_by(RectificationItem.id)
    ).all()
    can_create = can(current_user, Permission.MANAGE_ITEMS)
    if not linked and not can_create:
        return None
    return {"linked_items": linked, "can_create": can_create}


def _categories() -> list[Category]:
    query = select(Category).where(Category.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Category.sort_order, Category.id)))


add_case_panel("moderation/_item_case_panel.html", _case_items, column="side", order=70)
add_nav_item("console.items", _l("Rectification items"), Permission.DRAFT_ITEMS, order=40)
