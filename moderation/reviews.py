"""Satisfaction rounds in the console: schedule, open and close them, and watch the tally.

Staff see a round's counts while it runs; the public sees them once it is closed. Every
page and action needs the right to manage items, on an item in one's scope (else 404).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, g, make_response, redirect, render_template, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from moderation import console
from moderation.forms import show_error
from moderation.forms_reviews import RESCHEDULE_PREFIX, BallotForm, ScheduleForm
from moderation.guard import add_nav_item, requires
from moderation.items import add_item_panel, load_item
from moderation.loading import load_or_404
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import ItemState, RectificationItem, ReviewRound, ReviewStatus
from portal.policy import Permission, can
from portal.services import reviews
from portal.services.ballots import ballot_batches
from portal.services.errors import DomainError
from portal.services.items import StaleItem, item_in_scope
from portal.services.tally import item_reviews


@console.get("/reviews")
@requires(Permission.MANAGE_ITEMS)
def review_list():
    """List the items awaiting a satisfaction round and the rounds in the account's scope."""
    return render_template(
        "moderation/review_list.html",
        ready=reviews.ready_items(current_user),
        rounds=reviews.scoped_reviews(current_user),
    )


@console.get("/items/<int:item_id>/reviews")
@requires(Permission.MANAGE_ITEMS)
def item_review(item_id: int):
    """Show an item's satisfaction rounds, their live tallies, and what can be done now."""
    return render_reviews(load_item(item_id))


@console.post("/items/<int:item_id>/reviews")
@requires(Permission.MANAGE_ITEMS)
@keeps_text_on_csrf_failure
def schedule_review(item_id: int):
    """Schedule the satisfaction round of the item's published result."""
    item = load_item(item_id)
    form = ScheduleForm()
    if g.get("csrf_failed") or not form.validate():
        return render_reviews(item, 400 if g.get("csrf_failed") else 422, schedule_form=form)
    try:
        reviews.schedule_review(item, current_user, form.version.data, form.schedule())
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_reviews(load_item(item_id), refusal_status(error), schedule_form=form)
    db.session.commit()
    flash(_("The satisfaction round is scheduled."), "success")
    return redirect(url_for("console.item_review", item_id=item_id), 303)


@console.post("/reviews/<int:review_id>/schedule")
@requires(Permission.MANAGE_ITEMS)
@keeps_text_on_csrf_failure
def reschedule_review(review_id: int):
    """Change the schedule and rules of a round that has not opened yet."""
    review = load_review(review_id)
    item_id = review.round.item_id
    form = ScheduleForm(prefix=RESCHEDULE_PREFIX)
    if g.get("csrf_failed") or not form.validate():
        status = 400 if g.get("csrf_failed") else 422
        return render_reviews(review.round.item, status, reschedule_form=form)
    try:
        changed = reviews.reschedule_review(review, current_user, form.schedule())
    except reviews.InvalidReviewTransition as error:
        db.session.rollback()
        return render_reviews(load_item(item_id), 422, message=error.message)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_reviews(load_item(item_id), 422, reschedule_form=form)
    db.session.commit()
    if changed:
        flash(_("The round's schedule is changed."), "success")
    else:
        flash(_("Nothing changed: the schedule was already so."), "warning")
    return redirect(url_for("console.item_review", item_id=item_id), 303)


@console.post("/reviews/<int:review_id>/open")
@requires(Permission.MANAGE_ITEMS)
def open_review(review_id: int):
    """Open a round for votes now, by hand."""
    return _move(review_id, reviews.open_review, _l("The round is open for votes."))


@console.post("/reviews/<int:review_id>/close")
@requires(Permission.MANAGE_ITEMS)
def close_review(review_id: int):
    """Close a round now, by hand, and count it."""
    return _move(review_id, reviews.close_review, _l("The round is closed and counted."))


def _move(review_id: int, move: Callable[..., bool], done: LazyString):
    """Make a move; a second click finds it made, a refusal shows the page again with why."""
    review = load_review(review_id)
    try:
        moved = move(review, current_user)
    except DomainError as error:
        db.session.rollback()
        item = load_review(review_id).round.item
        return render_reviews(item, refusal_status(error), message=error.message)
    db.session.commit()
    flash(
        done if moved else _("Someone made this move already."), "success" if moved else "warning"
    )
    return redirect(url_for("console.item_review", item_id=review.round.item_id), 303)


def refusal_status(error: DomainError) -> int:
    """Return 409 when the item changed meanwhile, 422 for any other refusal."""
    return 409 if isinstance(error, StaleItem) else 422


def load_review(review_id: int) -> ReviewRound:
    """Return a round of an item in the signed-in account's scope; any other answers 404."""
    return load_or_404(
        ReviewRound, review_id, lambda found: item_in_scope(current_user, found.round.item)
    )


def render_reviews(
    item: RectificationItem,
    status: int = 200,
    schedule_form: ScheduleForm | None = None,
    ballot_form: BallotForm | None = None,
    message: str | None = None,
    reschedule_form: ScheduleForm | None = None,
):
    """Render an item's rounds; a form posted in vain comes back with its values and errors."""
    current = reviews.current_review(item)
    schedulable = item.state == ItemState.RESULT_PUBLISHED and not current
    if reschedule_form is None and current and current.status == ReviewStatus.SCHEDULED:
        reschedule_form = ScheduleForm.of_review(current)
    rounds = item_reviews(item, live=True)
    page = render_template(
        "moderation/review_item.html",
        item=item,
        rounds=rounds,
        batches={entry.review.id: ballot_batches(entry.review) for entry in rounds},
        schedule_form=schedule_form
        or (ScheduleForm.offered(item.version) if schedulable else None),
        ballot_form=ballot_form or BallotForm(formdata=None),
        move_form=FlaskForm(),
        message=message,
        reschedule_form=reschedule_form,
    )
    return make_response(page, status)


def _panel(item: RectificationItem) -> dict | None:
    """Give the item's console page its satisfaction rounds, for those who run them."""
    if not can(current_user, Permission.MANAGE_ITEMS):
        return None
    return {"item": item, "rounds": item_reviews(item, live=True)}


add_item_panel("moderation/review_panel.html", _panel, order=60)
add_nav_item("console.review_list", _l("Satisfaction rounds"), Permission.MANAGE_ITEMS, order=45)
