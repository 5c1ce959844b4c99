"""Voting in a satisfaction round: the answer, then the right, counted once; no one's choice shown.

Every attempt counts against ``VOTE_RATE_LIMIT`` (each checks a ballot code or a receipt);
the general public's votes, where a round takes them, also against ``PUBLIC_VOTE_RATE_LIMIT``
per item. After a vote the page says only that it was counted.
"""

from __future__ import annotations

from flask import (
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db, limiter
from portal.forms_votes import VoteForm
from portal.models import RectificationItem, ReviewRound
from portal.qr import public_url, qr_svg
from portal.security import hashed_client_address
from portal.services.ballots import RightKind, cast_vote
from portal.services.errors import DomainError
from portal.services.reviews import accepts_votes, current_review
from portal.services.tally import round_review
from portal.views import public
from portal.views.items import public_item
from portal.views.limits import form_expired, recorded
from portal.views.pages import no_store, render_form

VOTED_KEY = "voted_item"
TEMPLATE = "portal/vote.html"


# For the tally partial, which the item page includes round by round.
public.add_app_template_global(round_review)
public.add_app_template_global(accepts_votes)


def vote_limit() -> str:
    """Return the limit on attempts to vote."""
    return current_app.config["VOTE_RATE_LIMIT"]


def public_vote_limit() -> str:
    """Return the limit on the general public's votes on one item."""
    return current_app.config["PUBLIC_VOTE_RATE_LIMIT"]


def _address_and_item() -> str:
    return f"{hashed_client_address()}/item/{(request.view_args or {}).get('item_id')}"


def _not_a_public_vote() -> bool:
    return form_expired() or request.form.get("voter") != RightKind.PUBLIC.value


@public.route("/items/<int:item_id>/vote", methods=["GET", "POST"])
@keeps_text_on_csrf_failure
@limiter.limit(vote_limit, methods=["POST"], exempt_when=form_expired)
@limiter.limit(
    public_vote_limit,
    methods=["POST"],
    key_func=_address_and_item,
    deduct_when=recorded,
    exempt_when=_not_a_public_vote,
)
@no_store
def vote(item_id: int):
    """Take one vote on the result of an item's rectification."""
    item = public_item(item_id)
    review = current_review(item)
    if not accepts_votes(review):
        return _no_vote_page(item, review, 409 if request.method == "POST" else 200)
    form = VoteForm(public_voting=review.public_voting)
    if not form.is_submitted() or g.get("csrf_failed") or not form.validate():
        return render_form(TEMPLATE, form, item=item, review=review)
    try:
        cast_vote(review, form.choice.data, form.right())
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return render_form(TEMPLATE, form, item=item, review=review)
    db.session.commit()
    session[VOTED_KEY] = item_id
    return redirect(url_for("public.vote_counted", item_id=item_id), 303)


@public.get("/items/<int:item_id>/vote/counted")
@no_store
def vote_counted(item_id: int):
    """Say that the vote just cast is counted, and nothing about what it was."""
    item = public_item(item_id)
    if session.pop(VOTED_KEY, None) != item_id:
        return redirect(url_for("public.vote", item_id=item_id), 303)
    return render_template("portal/vote_counted.html", item=item, review=current_review(item))


@public.get("/items/<int:item_id>/vote/qr.svg")
def vote_qr(item_id: int):
    """Send the QR code of the item's vote page, as printed on the ballot slips."""
    public_item(item_id)
    response = make_response(qr_svg(public_url("public.vote", item_id=item_id)))
    response.mimetype = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _no_vote_page(item: RectificationItem, review: ReviewRound | None, status: int):
    """Say that the item takes no votes now, and where its rounds' results are."""
    return render_template(TEMPLATE, item=item, review=review, form=None), status
