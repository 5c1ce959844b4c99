"""The public board of rectification items, each item's rounds, and its published versions."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, make_response, render_template, request
from markupsafe import Markup
from sqlalchemy import select

from portal.clock import local_today
from portal.evidence_files import evidence_response
from portal.extensions import db
from portal.forms import optional_id
from portal.forms_items import BoardFilterForm
from portal.i18n import current_language
from portal.models import Attachment, Category, PublishedVersion, RectificationItem, Unit
from portal.sanitize import sanitize_html
from portal.services.item_board import RoundView, board_page, is_overdue, item_cards, item_rounds
from portal.services.items import is_public
from portal.services.units import unit_choices
from portal.views import public


@public.app_template_filter("staff_html")
def staff_html(text: str | None) -> Markup:
    """Render staff rich text, sanitized once more as it is shown."""
    return sanitize_html(text or "")


@public.get("/items")
def items():
    """List the public rectification items, narrowed by unit, category, stage and lateness."""
    locale = current_language()
    form = BoardFilterForm(formdata=request.args)
    form.set_choices(unit_choices(locale), _categories(), locale)
    valid = form.validate()
    after = request.args.get("after", type=optional_id)
    page = board_page(form.board_filter(), after) if valid else None
    filters = {key: value for key, value in request.args.items() if key != "after"}
    html = render_template("portal/items.html", form=form, page=page, filters=filters)
    return html, 200 if valid else 400


@public.get("/items/<int:item_id>")
def item(item_id: int):
    """Show an item round by round: commitment, progress, result, assessments, verdict."""
    shown = public_item(item_id)
    rounds = item_rounds(shown)
    return render_template(
        "portal/items_item.html",
        item=shown,
        rounds=rounds,
        overdue=is_overdue(shown, local_today()),
        unit_name=_unit_names(rounds),
    )


@public.get("/items/<int:item_id>/versions")
def item_versions(item_id: int):
    """Show every published version of an item's commitments and results, with fingerprints."""
    shown = public_item(item_id)
    rounds = item_rounds(shown)
    return render_template(
        "portal/items_versions.html", item=shown, rounds=rounds, unit_name=_unit_names(rounds)
    )


@public.get("/items/<int:item_id>/versions/<int:version_id>.json")
def version_content(item_id: int, version_id: int):
    """Send the exact text a fingerprint was taken of, so that anyone can check it."""
    shown = public_item(item_id)
    version = db.session.get(PublishedVersion, version_id)
    rounds = {round_.id: round_.number for round_ in shown.rounds}
    if version is None or version.round_id not in rounds:
        abort(404)
    number, kind = rounds[version.round_id], version.kind.value
    name = f"item-{shown.id}-round-{number}-{kind}-v{version.number}"
    response = make_response(version.content.encode("utf-8"))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@public.get("/items/<int:item_id>/files/<int:file_id>")
def milestone_file(item_id: int, file_id: int):
    """Send one evidence file of an item's progress, as a download."""
    shown = public_item(item_id)
    attachment = db.session.get(Attachment, file_id)
    milestone = attachment.milestone if attachment is not None else None
    if milestone is None or milestone.round.item_id != shown.id:
        abort(404)
    return evidence_response(attachment)


def public_item(item_id: int) -> RectificationItem:
    """Return an item the public may see; a draft, like a missing item, answers 404."""
    found = db.session.get(RectificationItem, item_id)
    if found is None or not is_public(found):
        abort(404)
    return found


def _categories() -> list[Category]:
    query = select(Category).where(Category.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Category.sort_order, Category.id)))


def _unit_names(rounds: list[RoundView]) -> Callable[[int | None, str], str]:
    """Return a function naming the units of published texts in the reader's language.

    A text names its units as they were called when it was published; the reader's language
    takes the unit's current name in that language, and the published name if it is gone.
    """
    texts = [text for view in rounds for text in (*view.commitments, *view.results)]
    ids = {text.unit_id for text in texts} | {m.owner_id for t in texts for m in t.measures}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids - {None})))}
    locale = current_language()

    def unit_name(unit_id: int | None, published: str) -> str:
        unit = units.get(unit_id) if unit_id is not None else None
        return unit.display_name(locale) if unit and locale == "en" else published

    return unit_name


@public.app_template_global()
def approved_title(item: RectificationItem) -> str:
    """Return an item's title as last approved, for pages that name it but show no round."""
    [card] = item_cards([item], local_today())
    return card.title
