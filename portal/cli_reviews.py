"""``flask --app portal reviews tick``: open and close satisfaction rounds by their dates.

Meant for cron every few minutes (docs/deployment.md). It is idempotent: a round already
moved is not due any more. Each round moves in a transaction of its own, made by the system,
so that one round that cannot move never holds up the others; votes are refused after the
closing time whether or not the tick has run.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.models import ReviewRound, utcnow
from portal.services import reviews
from portal.services.errors import DomainError


@click.group("reviews")
def reviews_command() -> None:
    """Run satisfaction rounds."""


@reviews_command.command("tick")
@with_appcontext
def tick() -> None:
    """Open the rounds whose opening time has come, then close those whose closing time has."""
    failures = sum(_move(reviews.open_review, "opened", i) for i in reviews.due_to_open(utcnow()))
    failures += sum(
        _move(reviews.close_review, "closed", i) for i in reviews.due_to_close(utcnow())
    )
    if failures:
        raise SystemExit(1)


def _move(move: Callable[..., bool], done: str, review_id: int) -> bool:
    """Make one move by date and commit it; return True if it failed."""
    review = db.session.get(ReviewRound, review_id)
    try:
        move(review, None, by=reviews.BY_DATE)
    except DomainError as error:
        db.session.rollback()
        click.echo(f"review {review_id}: not {done}: {error.message}", err=True)
        return True
    db.session.commit()
    outcome = f" ({review.outcome.value})" if review.outcome else ""
    click.echo(f"review {review_id} of item {review.round.item_id}: {done}{outcome}")
    return False
