"""Printing ballot codes: a batch per group of representatives, one cut-out slip per code.

The codes are shown once, on the printable sheet, to the member of staff who made them: the
batch's seed travels from the POST to the sheet encrypted in the session (under the server's
data keys) and is kept :data:`KEEP_SECONDS` at most, or until cleared. No code is ever put in
a URL, a log line, a flash message or a page title; the database keeps only their hashes.
"""

from __future__ import annotations

import base64
import json
import time

from cryptography.fernet import InvalidToken
from flask import flash, g, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from moderation import console
from moderation.forms import show_error
from moderation.forms_reviews import BallotForm
from moderation.guard import requires
from moderation.reviews import load_review, render_reviews
from portal import crypto
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import VoterGroup
from portal.policy import Permission
from portal.qr import public_url
from portal.services.ballots import PrintedBatch, generate_ballots
from portal.services.errors import DomainError

BATCH_KEY = "console_ballot_batch"
#: How long the sheet can be shown after the codes were made: enough to print it twice.
KEEP_SECONDS = 600


@console.post("/reviews/<int:review_id>/ballots")
@requires(Permission.MANAGE_ITEMS)
@keeps_text_on_csrf_failure
def make_ballots(review_id: int):
    """Make a batch of ballot codes and show them once, on a printable sheet."""
    review = load_review(review_id)
    form = BallotForm()
    if g.get("csrf_failed") or not form.validate():
        status = 400 if g.get("csrf_failed") else 422
        return render_reviews(review.round.item, status, ballot_form=form)
    try:
        printed = generate_ballots(review, form.group(), form.count.data, current_user)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_reviews(load_review(review_id).round.item, 422, ballot_form=form)
    db.session.commit()
    session[BATCH_KEY] = _seal(printed)
    return redirect(url_for("console.ballot_sheet", review_id=review_id), 303)


@console.get("/reviews/<int:review_id>/ballots/sheet")
@requires(Permission.MANAGE_ITEMS)
def ballot_sheet(review_id: int):
    """Show the codes just made, one cut-out slip each, with the vote's address and QR code."""
    review = load_review(review_id)
    printed = _kept_batch(review_id)
    item = review.round.item
    page = render_template(
        "moderation/ballot_sheet.html",
        review=review,
        item=item,
        printed=printed,
        codes=printed.codes if printed else [],
        vote_url=public_url("public.vote", item_id=item.id),
        clear_form=FlaskForm(),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@console.post("/reviews/<int:review_id>/ballots/clear")
@requires(Permission.MANAGE_ITEMS)
def clear_ballots(review_id: int):
    """Forget the codes in this browser, once they are printed."""
    review = load_review(review_id)
    session.pop(BATCH_KEY, None)
    flash(_("The codes are cleared from this browser."), "success")
    return redirect(url_for("console.item_review", item_id=review.round.item_id), 303)


def _seal(printed: PrintedBatch) -> str:
    """Return the batch encrypted, with the moment it was made, to carry in the session."""
    payload = {
        "review": printed.review_id,
        "group": printed.group.value,
        "batch": printed.batch,
        "count": printed.count,
        "seed": base64.b64encode(printed.seed).decode(),
        "at": int(time.time()),
    }
    return crypto.encrypt_secret(json.dumps(payload).encode()).decode()


def _kept_batch(review_id: int) -> PrintedBatch | None:
    """Return the batch made last in this browser for the round, while it is kept."""
    token = session.get(BATCH_KEY)
    if not isinstance(token, str):
        return None
    try:
        data = json.loads(crypto.decrypt_secret(token.encode()))
    except (InvalidToken, ValueError):
        data = None
    if data is None or data["at"] + KEEP_SECONDS < time.time():
        session.pop(BATCH_KEY, None)  # expired or damaged: it never comes back
        return None
    if data["review"] != review_id:
        return None
    seed = base64.b64decode(data["seed"])
    return PrintedBatch(review_id, VoterGroup(data["group"]), data["batch"], data["count"], seed)
