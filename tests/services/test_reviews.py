"""The life of a satisfaction round, stated as its transition table, and what it does to items."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    ItemState,
    ReviewOutcome,
    ReviewRound,
    ReviewStatus,
    Role,
    VoterGroup,
    utcnow,
)
from portal.services.errors import DomainError
from portal.services.items import transition_item
from portal.services.reviews import (
    BY_DATE,
    REVIEW_TRANSITIONS,
    InvalidReviewTransition,
    Schedule,
    close_review,
    due_to_close,
    due_to_open,
    open_review,
    reschedule_review,
)
from tests.factories import add_unit, add_user, build_city
from tests.reviews import add_votes, item_with_result, open_round, schedule, votes

R = ReviewStatus

SPECIFICATION = [
    (R.SCHEDULED, "reschedule", R.SCHEDULED),
    (R.SCHEDULED, "open", R.OPEN),
    (R.OPEN, "close", R.CLOSED),
]


def test_the_table_is_exactly_the_specification():
    assert {(s, a): t for s, a, t in SPECIFICATION} == REVIEW_TRANSITIONS


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    item = item_with_result(city.bureau, handler)
    return city, handler, item


def _actions(review: ReviewRound) -> list[tuple[str, str]]:
    query = select(AuditEvent).where(
        AuditEvent.object_type == "review", AuditEvent.object_id == str(review.id)
    )
    return [
        (event.action, event.actor) for event in db.session.scalars(query.order_by(AuditEvent.seq))
    ]


def test_scheduling_creates_a_round_for_the_current_rectification_round(world):
    _city, handler, item = world

    review = schedule(item, handler, quorum=12, threshold_percent=85, public_voting=True)

    assert review.status == R.SCHEDULED
    assert review.round is item.current_round
    assert (review.quorum, review.threshold_percent, review.public_voting) == (12, 85, True)
    assert _actions(review) == [("review.schedule", "handler")]
    assert item.state == ItemState.RESULT_PUBLISHED


def test_opening_puts_the_item_under_review_with_an_audit_row_for_each(world):
    _city, handler, item = world
    review = schedule(item, handler)

    assert open_review(review, handler) is True

    assert review.status == R.OPEN
    assert item.state == ItemState.UNDER_REVIEW
    assert review.opens_at <= utcnow()  # opened early: the record says when it really opened
    assert _actions(review)[-1] == ("review.open", "handler")
    item_moves = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "item")
    ).all()
    assert item_moves == ["item.open_review"]


def test_closing_at_80_percent_accepts_the_item(world):
    _city, handler, item = world
    review = open_round(item, handler, quorum=5)
    add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=2, basically=2, dissatisfied=1))

    assert close_review(review, handler) is True

    assert review.status == R.CLOSED
    assert review.outcome == ReviewOutcome.ACCEPTED
    assert review.closed_at is not None
    assert item.state == ItemState.ACCEPTED
    assert item.round_number == 1


@pytest.mark.parametrize(
    ("choices", "outcome"),
    [
        (votes(satisfied=3, dissatisfied=2), ReviewOutcome.BELOW_THRESHOLD),
        (votes(satisfied=4), ReviewOutcome.BELOW_QUORUM),
    ],
    ids=["60 %", "four votes for a quorum of five"],
)
def test_closing_short_of_the_rule_sends_the_item_back_for_round_two(world, choices, outcome):
    _city, handler, item = world
    review = open_round(item, handler, quorum=5)
    add_votes(review, VoterGroup.REPORTER, *choices)

    close_review(review, handler)

    assert review.outcome == outcome
    assert item.state == ItemState.DRAFT
    assert item.round_number == 2
    assert item.current_round.review is None
    assert item.rounds[0].review is review  # round 1 keeps its tally


def test_the_public_votes_never_rescue_a_round(world):
    _city, handler, item = world
    review = open_round(item, handler, quorum=5, public_voting=True)
    add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=3, dissatisfied=2))
    add_votes(review, VoterGroup.PUBLIC, *votes(satisfied=100))

    close_review(review, handler)

    assert review.outcome == ReviewOutcome.BELOW_THRESHOLD


def test_a_move_already_made_is_a_no_op(world):
    _city, handler, item = world
    review = open_round(item, handler)
    close_review(review, handler)
    events = len(_actions(review))

    assert close_review(review, handler) is False
    assert len(_actions(review)) == events


def test_an_open_round_is_not_opened_twice(world):
    _city, handler, item = world
    review = open_round(item, handler)

    assert open_review(review, handler) is False
    assert item.state == ItemState.UNDER_REVIEW


def test_a_scheduled_round_cannot_close(world):
    _city, handler, item = world
    review = schedule(item, handler)

    with pytest.raises(InvalidReviewTransition):
        close_review(review, handler)
    assert review.status == R.SCHEDULED


def test_a_closed_round_cannot_open_again(world):
    _city, handler, item = world
    review = open_round(item, handler)
    close_review(review, handler)

    with pytest.raises(InvalidReviewTransition):
        open_review(review, handler)


def test_only_a_manager_of_the_items_unit_runs_its_rounds(world):
    city, handler, item = world
    review = schedule(item, handler)
    other = add_unit("西城区委", city.district.kind, city.committee)
    outsider = add_user(Role.HANDLER, other, "outsider")
    officer = add_user(Role.OFFICER, city.bureau, "officer")

    for account in (outsider, officer):
        with pytest.raises(DomainError):
            open_review(review, account)
    assert review.status == R.SCHEDULED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": utcnow() + timedelta(hours=1)}, "closes_at"),  # before it opens
        (
            {"opens_at": utcnow() - timedelta(days=3), "closes_at": utcnow() - timedelta(days=1)},
            "closes_at",
        ),
        ({"quorum": 0}, "quorum"),
        ({"threshold_percent": 101}, "threshold_percent"),
    ],
    ids=["closes before opening", "closes in the past", "no quorum", "threshold over 100"],
)
def test_a_schedule_that_makes_no_sense_is_refused(world, changes, field):
    _city, handler, item = world
    values = {"opens_at": utcnow() + timedelta(hours=2), **changes}

    with pytest.raises(DomainError) as refusal:
        schedule(item, handler, **values)
    assert refusal.value.field == field


def test_a_round_is_scheduled_only_once_the_result_is_published(world):
    _city, handler, item = world
    item.state = ItemState.IN_RECTIFICATION
    db.session.flush()

    with pytest.raises(DomainError):
        schedule(item, handler)


def test_a_second_round_for_the_same_result_is_refused(world):
    _city, handler, item = world
    schedule(item, handler)

    with pytest.raises(DomainError):
        schedule(item, handler)


def _later(review: ReviewRound, **changes) -> Schedule:
    """Return the round's schedule a day later, with the given changes."""
    values = {
        "opens_at": review.opens_at + timedelta(days=1),
        "closes_at": review.closes_at + timedelta(days=1),
        "quorum": review.quorum,
        "threshold_percent": review.threshold_percent,
        "public_voting": review.public_voting,
    }
    return Schedule(**{**values, **changes})


def test_a_scheduled_round_is_rescheduled_with_an_audit_row_of_before_and_after(world):
    _city, handler, item = world
    review = schedule(item, handler)
    first_opening = review.opens_at
    later = _later(review, quorum=9, public_voting=True)

    assert reschedule_review(review, handler, later) is True

    assert review.status == R.SCHEDULED
    assert (review.opens_at, review.closes_at) == (later.opens_at, later.closes_at)
    assert (review.quorum, review.public_voting) == (9, True)
    assert _actions(review) == [("review.schedule", "handler"), ("review.reschedule", "handler")]
    details = json.loads(
        db.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "review.reschedule")
        ).one()
    )
    assert details["before"]["opens_at"] == first_opening.isoformat()
    assert details["after"]["quorum"] == 9
    assert due_to_open(first_opening + timedelta(minutes=1)) == []


def test_the_same_schedule_again_changes_nothing_and_writes_no_row(world):
    _city, handler, item = world
    review = schedule(item, handler)

    assert (
        reschedule_review(
            review, handler, _later(review, opens_at=review.opens_at, closes_at=review.closes_at)
        )
        is False
    )
    assert _actions(review) == [("review.schedule", "handler")]


def test_an_open_round_keeps_its_rules(world):
    _city, handler, item = world
    review = open_round(item, handler)

    with pytest.raises(InvalidReviewTransition):
        reschedule_review(review, handler, _later(review, threshold_percent=50))
    assert review.threshold_percent == 80


def test_a_rescheduling_that_makes_no_sense_or_comes_from_outside_is_refused(world):
    city, handler, item = world
    review = schedule(item, handler)
    outsider = add_user(Role.OFFICER, city.bureau, "officer")

    with pytest.raises(DomainError) as refusal:
        reschedule_review(review, handler, _later(review, closes_at=review.opens_at))
    assert refusal.value.field == "closes_at"
    with pytest.raises(DomainError):
        reschedule_review(review, outsider, _later(review))
    assert _actions(review) == [("review.schedule", "handler")]


def test_rounds_fall_due_by_their_dates(world):
    _city, handler, item = world
    review = schedule(item, handler)
    now = utcnow()

    assert due_to_open(now) == []
    assert due_to_open(now + timedelta(hours=2)) == [review.id]
    open_review(review, handler)
    assert due_to_close(now + timedelta(days=6)) == []
    assert due_to_close(now + timedelta(days=8)) == [review.id]


def test_moves_by_date_are_made_by_the_system(world):
    _city, handler, item = world
    review = schedule(item, handler)

    open_review(review, None, by=BY_DATE)

    for action in ("review.open", "item.open_review"):
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).one()
        assert (event.actor, event.actor_id) == ("system", None)
        assert '"by":"date"' in event.details


def test_the_system_makes_only_the_moves_of_the_calendar(world):
    _city, _handler, item = world
    with pytest.raises(DomainError):
        transition_item(item, "start_rectification", None, item.version)


@pytest.fixture
def committed(app):
    """Commit an item with a scheduled round; return the ids of the round and the item."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        item = item_with_result(city.bureau, handler)
        review = schedule(item, handler, quorum=2)
        db.session.commit()
        return review.id, item.id


def _state(app, review_id):
    with app.app_context():
        review = db.session.get(ReviewRound, review_id)
        return review.status, review.round.item.state, review.outcome


def test_the_tick_opens_then_closes_rounds_by_their_dates_and_is_idempotent(
    app, runner, committed, time_machine
):
    review_id, item_id = committed
    time_machine.move_to(utcnow() + timedelta(hours=2))

    opened = runner.invoke(args=["reviews", "tick"])
    again = runner.invoke(args=["reviews", "tick"])

    assert opened.exit_code == 0, opened.output
    assert f"review {review_id} of item {item_id}: opened" in opened.output
    assert again.exit_code == 0 and again.output == ""
    assert _state(app, review_id)[:2] == (R.OPEN, ItemState.UNDER_REVIEW)

    time_machine.move_to(utcnow() + timedelta(days=8))
    closed = runner.invoke(args=["reviews", "tick"])

    assert "closed (below_quorum)" in closed.output
    assert _state(app, review_id) == (R.CLOSED, ItemState.DRAFT, ReviewOutcome.BELOW_QUORUM)
    assert runner.invoke(args=["reviews", "tick"]).output == ""


def test_a_tick_long_overdue_opens_and_closes_a_round_in_one_run(
    app, runner, committed, time_machine
):
    review_id, _item_id = committed
    time_machine.move_to(utcnow() + timedelta(days=30))

    result = runner.invoke(args=["reviews", "tick"])

    assert result.exit_code == 0, result.output
    assert _state(app, review_id)[0] == R.CLOSED


def test_the_tick_reports_a_round_it_cannot_move_and_exits_1(app, runner, committed, time_machine):
    review_id, _item_id = committed
    with app.app_context():
        # An item that is no longer waiting for its review cannot be put under review.
        db.session.scalars(select(ReviewRound)).one().round.item.state = ItemState.ACCEPTED
        db.session.commit()
    time_machine.move_to(utcnow() + timedelta(hours=2))

    result = runner.invoke(args=["reviews", "tick"])

    assert result.exit_code == 1
    assert f"review {review_id}: not opened" in result.output
    assert _state(app, review_id)[0] == R.SCHEDULED
