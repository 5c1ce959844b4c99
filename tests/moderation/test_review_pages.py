"""Satisfaction rounds in the console: schedule, open, close, print codes once, watch the tally."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.clock import local_zone
from portal.extensions import db
from portal.models import (
    BallotCode,
    ItemState,
    RectificationItem,
    ReviewRound,
    ReviewStatus,
    Role,
    VoterGroup,
    utcnow,
)
from portal.services.ballots import hash_code
from tests.console import sign_in
from tests.factories import add_user, build_city
from tests.public import english
from tests.reviews import add_votes, item_with_result, votes

CODE = re.compile(r'<p class="ballot-code" translate="no">([0-9A-Z-]+)</p>')


@dataclass(frozen=True)
class Desk:
    """A handler of the whole city, signed in, and an item whose result is published."""

    client: object
    item_id: int


@pytest.fixture
def desk(app) -> Desk:
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        item = item_with_result(city.bureau, handler)
        db.session.commit()
        client = english(sign_in(app.test_client(), handler))
        return Desk(client, item.id)


def _schedule(desk: Desk, app, **fields):
    with app.app_context():
        version = db.session.get(RectificationItem, desk.item_id).version
    in_an_hour = utcnow() + timedelta(hours=1)
    data = {
        "version": version,
        "opens_at": _local_city(app, in_an_hour),
        "closes_at": _local_city(app, in_an_hour + timedelta(days=7)),
        "quorum": "3",
        "threshold_percent": "80",
        **fields,
    }
    return desk.client.post(f"/console/items/{desk.item_id}/reviews", data=data)


def _local_city(app, moment) -> str:
    """Return a moment as the city's date-and-time picker would send it."""
    with app.app_context():
        return moment.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")


def _review(app, desk: Desk) -> ReviewRound:
    with app.app_context():
        review = db.session.scalars(select(ReviewRound)).one()
        db.session.expunge(review)
        return review


def test_an_item_whose_result_is_published_waits_in_the_list(desk):
    page = desk.client.get("/console/reviews").get_data(as_text=True)

    assert "Results awaiting their satisfaction round" in page
    assert f"/console/items/{desk.item_id}/reviews" in page


def test_a_round_is_scheduled_with_the_configured_defaults_offered(app, desk):
    form = desk.client.get(f"/console/items/{desk.item_id}/reviews").get_data(as_text=True)

    response = _schedule(desk, app)

    assert 'name="quorum" type="number" value="20"' in form
    assert 'name="threshold_percent" type="number" value="80"' in form
    assert response.status_code == 303
    review = _review(app, desk)
    assert (review.status, review.quorum, review.threshold_percent) == (
        ReviewStatus.SCHEDULED,
        3,
        80,
    )


def test_a_schedule_that_closes_before_it_opens_comes_back_with_its_values(app, desk):
    opens = _local_city(app, utcnow() + timedelta(days=2))
    response = _schedule(desk, app, opens_at=opens, closes_at=opens, quorum="7")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The round must close after it opens." in page
    assert 'value="7"' in page
    with app.app_context():
        assert db.session.scalars(select(ReviewRound)).first() is None


def test_a_schedule_sent_from_a_stale_page_is_refused_as_a_conflict(app, desk):
    response = _schedule(desk, app, version="0")

    assert response.status_code == 409
    assert "This item changed since you opened it." in response.get_data(as_text=True)


def test_a_schedule_with_a_malformed_time_is_refused_in_our_words(app, desk):
    response = _schedule(desk, app, opens_at="next tuesday", quorum="many")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a date and time, for example 2026-12-01 09:00." in page
    assert "Give a whole number of votes, at least 1." in page


def test_staff_open_and_close_a_round_by_hand_and_see_only_the_turnout_live(app, desk):
    _schedule(desk, app)
    review_id = _review(app, desk).id

    opened = desk.client.post(f"/console/reviews/{review_id}/open")
    with app.app_context():
        add_votes(
            db.session.get(ReviewRound, review_id),
            VoterGroup.DEPUTY,
            *votes(satisfied=2, dissatisfied=1),
        )
        db.session.commit()
    live = desk.client.get(f"/console/items/{desk.item_id}/reviews").get_data(as_text=True)
    closed = desk.client.post(f"/console/reviews/{review_id}/close")
    again = desk.client.post(f"/console/reviews/{review_id}/close", follow_redirects=True)

    assert opened.status_code == 303 and closed.status_code == 303
    assert "Votes cast so far" in live
    assert "of the valid votes" not in live  # the answers would show who chose what
    assert "Someone made this move already." in again.get_data(as_text=True)
    with app.app_context():
        item = db.session.get(RectificationItem, desk.item_id)
        assert item.state == ItemState.DRAFT and item.round_number == 2


def test_a_scheduled_round_cannot_be_closed_by_hand(app, desk):
    _schedule(desk, app)

    response = desk.client.post(f"/console/reviews/{_review(app, desk).id}/close")

    assert response.status_code == 422
    assert "cannot move this way" in response.get_data(as_text=True)


def test_codes_are_shown_once_on_a_printable_sheet_and_stored_only_as_hashes(app, desk):
    _schedule(desk, app)
    review_id = _review(app, desk).id

    made = desk.client.post(
        f"/console/reviews/{review_id}/ballots", data={"voter_group": "deputy", "count": "4"}
    )
    sheet = desk.client.get(made.headers["Location"])
    codes = CODE.findall(sheet.get_data(as_text=True))
    desk.client.post(f"/console/reviews/{review_id}/ballots/clear")
    cleared = desk.client.get(made.headers["Location"]).get_data(as_text=True)

    assert made.status_code == 303
    assert sheet.headers["Cache-Control"] == "no-store"
    assert len(codes) == 4 and not any(code in made.headers["Location"] for code in codes)
    with app.app_context():
        stored = db.session.scalars(select(BallotCode.code_hash).order_by(BallotCode.id)).all()
        assert stored == [hash_code(code) for code in codes]
    assert "The codes are no longer shown" in cleared


def test_the_sheet_forgets_the_codes_after_ten_minutes(app, desk, time_machine):
    _schedule(desk, app)
    review_id = _review(app, desk).id
    made = desk.client.post(
        f"/console/reviews/{review_id}/ballots", data={"voter_group": "cppcc_member", "count": "2"}
    )
    time_machine.move_to(utcnow() + timedelta(minutes=11))

    page = desk.client.get(made.headers["Location"]).get_data(as_text=True)

    assert "The codes are no longer shown" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"voter_group": "deputy", "count": "501"}, "Give a number of codes from 1 to 500."),
        ({"voter_group": "public", "count": "5"}, "Please choose a group from the list."),
    ],
    ids=["too many", "not a representative group"],
)
def test_a_batch_out_of_bounds_comes_back_with_its_message(app, desk, fields, message):
    _schedule(desk, app)

    response = desk.client.post(f"/console/reviews/{_review(app, desk).id}/ballots", data=fields)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(BallotCode)).first() is None


def test_the_items_console_page_leads_to_its_rounds(desk):
    page = desk.client.get(f"/console/items/{desk.item_id}").get_data(as_text=True)

    assert "Run the satisfaction rounds and print ballot codes" in page


def _reschedule(desk: Desk, app, review_id: int, **fields):
    in_a_day = utcnow() + timedelta(days=1)
    data = {
        "change-version": "1",
        "change-opens_at": _local_city(app, in_a_day),
        "change-closes_at": _local_city(app, in_a_day + timedelta(days=10)),
        "change-quorum": "4",
        "change-threshold_percent": "80",
        **{f"change-{name}": value for name, value in fields.items()},
    }
    return desk.client.post(f"/console/reviews/{review_id}/schedule", data=data)


def test_a_scheduled_round_is_offered_its_own_schedule_to_change(app, desk):
    _schedule(desk, app, quorum="6")
    review = _review(app, desk)

    page = desk.client.get(f"/console/items/{desk.item_id}/reviews").get_data(as_text=True)

    assert "Change the schedule or the rules" in page
    assert 'name="change-quorum" type="number" value="6"' in page
    assert f'value="{_local_city(app, review.opens_at)}"' in page


def test_a_round_is_rescheduled_before_it_opens(app, desk):
    _schedule(desk, app)
    review_id = _review(app, desk).id

    response = _reschedule(desk, app, review_id, quorum="11", public_voting="y")
    shown = desk.client.get(response.headers["Location"]).get_data(as_text=True)

    assert response.status_code == 303
    assert "The round&#39;s schedule is changed." in shown
    review = _review(app, desk)
    assert (review.status, review.quorum, review.public_voting) == (
        ReviewStatus.SCHEDULED,
        11,
        True,
    )
    assert review.opens_at > utcnow() + timedelta(hours=23)


def test_a_rescheduling_that_closes_before_it_opens_comes_back_with_its_values(app, desk):
    _schedule(desk, app)
    review_id = _review(app, desk).id
    opens = _local_city(app, utcnow() + timedelta(days=3))

    response = _reschedule(desk, app, review_id, opens_at=opens, closes_at=opens, quorum="13")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The round must close after it opens." in page
    assert 'name="change-quorum" type="number" value="13"' in page
    assert '<details class="reschedule" open>' in page
    assert _review(app, desk).quorum == 3


def test_an_open_round_offers_no_change_and_refuses_one(app, desk):
    _schedule(desk, app)
    review_id = _review(app, desk).id
    desk.client.post(f"/console/reviews/{review_id}/open")

    page = desk.client.get(f"/console/items/{desk.item_id}/reviews").get_data(as_text=True)
    response = _reschedule(desk, app, review_id, threshold_percent="50")

    assert "Change the schedule or the rules" not in page
    assert response.status_code == 422
    assert "its schedule and rules can no longer change" in response.get_data(as_text=True)
    assert _review(app, desk).threshold_percent == 80


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01T00:00", "Give a date and time, for example 2026-12-01 09:00."),
        ("9999-12-31T23:59", "Give a date and time, for example 2026-12-01 09:00."),
        ("   ", "Give the time voting"),
    ],
    ids=["year 1", "year 9999", "spaces"],
)
def test_an_impossible_or_blank_time_is_refused_in_our_words(app, desk, typed, message):
    scheduled = _schedule(desk, app, opens_at=typed)
    _schedule(desk, app)
    changed = _reschedule(desk, app, _review(app, desk).id, closes_at=typed)

    for response in (scheduled, changed):
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
