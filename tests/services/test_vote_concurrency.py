"""Two votes with one right at the same instant: one is counted (real threads, PostgreSQL)."""

import os
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, ReviewRound, Role, User, Vote, VoterGroup
from portal.services.ballots import Right, RightKind, cast_vote, generate_ballots
from portal.services.errors import DomainError
from portal.services.reviews import close_review
from tests.factories import add_user, build_city, make_case
from tests.reviews import item_with_result, open_round

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("PORTAL_TEST_DATABASE_URL"),
        reason="real concurrent transactions need PostgreSQL (PORTAL_TEST_DATABASE_URL)",
    ),
]


@pytest.fixture
def contested(app):
    """Commit an open round, a printed code and a linked case's receipt."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        case, receipt = make_case(city.bureau)
        review = open_round(item_with_result(city.bureau, handler, cases=[case]), handler)
        [code] = generate_ballots(review, VoterGroup.DEPUTY, 1, handler).codes
        db.session.commit()
        return review.id, handler.id, code, receipt


def _at_once(app, review_id: int, *acts: Callable[[ReviewRound], str]) -> list[str]:
    """Run each act in a thread of its own, released together; commit what succeeds."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[str] = []

    def run(act: Callable[[ReviewRound], str]) -> None:
        with app.app_context():  # its own session and connection
            review = db.session.get(ReviewRound, review_id)
            barrier.wait(timeout=10)
            try:
                outcome = act(review)
                db.session.commit()
            except DomainError:
                db.session.rollback()
                outcome = "refused"
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(act,)) for act in acts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def _vote(right: Right, choice: str = "satisfied") -> Callable[[ReviewRound], str]:
    def act(review: ReviewRound) -> str:
        cast_vote(review, choice, right)
        return "counted"

    return act


def _votes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Vote))


@pytest.mark.parametrize("kind", [RightKind.CODE, RightKind.RECEIPT])
def test_two_votes_with_one_right_at_the_same_instant_count_once(app, contested, kind):
    review_id, _handler_id, code, receipt = contested
    right = Right(kind, code if kind == RightKind.CODE else receipt)

    outcomes = _at_once(app, review_id, _vote(right), _vote(right, "dissatisfied"))

    assert outcomes == ["counted", "refused"]
    assert _votes(app) == 1


def test_a_vote_racing_the_close_is_in_the_tally_or_refused_never_after_it(app, contested):
    review_id, handler_id, code, _receipt = contested

    def close(review: ReviewRound) -> str:
        close_review(review, db.session.get(User, handler_id))
        return "closed"

    outcomes = _at_once(app, review_id, _vote(Right(RightKind.CODE, code)), close)

    counted = 1 if "counted" in outcomes else 0
    assert "closed" in outcomes
    assert _votes(app) == counted
    with app.app_context():
        details = db.session.scalar(
            select(AuditEvent.details).where(AuditEvent.action == "review.close")
        )
    assert f'"valid":{counted}' in details
