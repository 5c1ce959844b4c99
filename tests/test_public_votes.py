"""The public vote: one vote per code or receipt, refusals that write nothing, no choice shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import receipts
from portal.extensions import db
from portal.models import ReviewRound, Role, Vote, VoterGroup, utcnow
from portal.services.ballots import generate_ballots
from portal.services.reviews import close_review
from portal.services.tally import tally
from tests.factories import add_user, build_city, make_case
from tests.public import ENGLISH
from tests.reviews import add_votes, item_with_result, open_round, votes


@dataclass(frozen=True)
class Ballot:
    """An open round of a public item, with printed codes and a linked case's receipt."""

    item_id: int
    review_id: int
    codes: list[str]
    receipt: str
    other_code: str


def _seed(app, public_voting: bool = False) -> Ballot:
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        case, receipt = make_case(city.bureau)
        item = item_with_result(city.bureau, handler, cases=[case])
        review = open_round(item, handler, public_voting=public_voting)
        codes = generate_ballots(review, VoterGroup.DEPUTY, 3, handler).codes
        other = open_round(item_with_result(city.bureau, handler, title="另一事项"), handler)
        [other_code] = generate_ballots(other, VoterGroup.DEPUTY, 1, handler).codes
        db.session.commit()
        return Ballot(item.id, review.id, codes, receipt, other_code)


@pytest.fixture
def ballot(app) -> Ballot:
    return _seed(app)


def _vote(client, ballot: Ballot, voter: str = "code", code: str = "", choice: str = "satisfied"):
    data = {"choice": choice, "voter": voter, "code": code}
    return client.post(f"/items/{ballot.item_id}/vote", data=data, headers=ENGLISH)


def _counts(app, review_id: int) -> dict:
    with app.app_context():
        counted = tally(db.session.get(ReviewRound, review_id))
        return {group: counted.group_total(group) for group in VoterGroup}


def _votes(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Vote))


def test_the_vote_page_offers_the_three_answers_and_the_two_rights(client, ballot):
    page = client.get(f"/items/{ballot.item_id}/vote", headers=ENGLISH).get_data(as_text=True)

    for label in ("Satisfied", "Basically satisfied", "Dissatisfied"):
        assert f">{label}</label>" in page
    assert 'value="code"' in page and 'value="receipt"' in page
    assert 'value="public"' not in page


def test_a_representative_votes_with_a_code_and_reads_only_that_it_is_counted(app, client, ballot):
    response = _vote(client, ballot, code=ballot.codes[0], choice="basically_satisfied")

    assert response.status_code == 303
    counted = client.get(response.headers["Location"], headers=ENGLISH)
    page = counted.get_data(as_text=True)
    assert "Your vote is counted" in page
    assert "Basically satisfied" not in page and ballot.codes[0] not in page
    assert counted.headers["Cache-Control"] == "no-store"
    assert _counts(app, ballot.review_id)[VoterGroup.DEPUTY] == 1


def test_the_confirmation_is_shown_only_after_a_vote(client, ballot):
    response = client.get(f"/items/{ballot.item_id}/vote/counted", headers=ENGLISH)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/items/{ballot.item_id}/vote")


def test_a_reporter_votes_with_the_receipt_of_a_linked_case(app, client, ballot):
    assert _vote(client, ballot, "receipt", ballot.receipt).status_code == 303
    assert _counts(app, ballot.review_id)[VoterGroup.REPORTER] == 1


@pytest.mark.parametrize(
    ("voter", "code", "message"),
    [
        ("code", "used", "not valid for this vote"),
        ("code", "other", "not valid for this vote"),
        ("code", "unknown", "not valid for this vote"),
        ("code", "ABCD", "not a whole ballot code"),
        ("code", "", "Please enter the ballot code printed on your slip."),
        ("receipt", "", "Please enter the receipt of your case."),
        ("public", "", "Please say whether you vote with a code"),
    ],
    ids=["used", "another round's", "unknown", "half a code", "no code", "no receipt", "public"],
)
def test_a_vote_without_a_valid_right_is_refused_and_the_tally_is_unchanged(
    app, client, ballot, voter, code, message
):
    assert _vote(client, ballot, code=ballot.codes[0]).status_code == 303
    made_up = receipts.finish_code("ABCDEFGHJKMNPQR")
    typed = {"used": ballot.codes[0], "other": ballot.other_code, "unknown": made_up}.get(
        code, code
    )

    response = _vote(client, ballot, voter, typed, choice="dissatisfied")

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _votes(app) == 1


def test_a_forged_option_is_refused_and_nothing_is_written(app, client, ballot):
    response = _vote(client, ballot, code=ballot.codes[0], choice="delighted")

    assert response.status_code == 422
    assert "Please choose one of the three answers." in response.get_data(as_text=True)
    assert _votes(app) == 0


def test_a_vote_after_the_closing_time_is_refused_before_the_round_is_closed(
    app, client, ballot, time_machine
):
    time_machine.move_to(utcnow() + timedelta(days=8))

    response = _vote(client, ballot, code=ballot.codes[0])

    assert response.status_code == 409
    assert "No vote on this item is open now." in response.get_data(as_text=True)
    assert _votes(app) == 0


def test_a_vote_in_a_closed_round_is_refused(app, client, ballot):
    with app.app_context():
        review = db.session.get(ReviewRound, ballot.review_id)
        close_review(review, review.round.item.created_by)
        db.session.commit()

    assert _vote(client, ballot, code=ballot.codes[0]).status_code == 409
    assert _votes(app) == 0


def test_a_draft_item_has_no_vote_page(app, client, ballot):
    assert client.get("/items/999999/vote").status_code == 404


def test_the_public_votes_where_the_round_allows_it_and_is_counted_apart(make_app):
    app = make_app()
    ballot = _seed(app, public_voting=True)
    client = app.test_client()

    assert 'value="public"' in client.get(f"/items/{ballot.item_id}/vote").get_data(as_text=True)
    assert _vote(client, ballot, "public").status_code == 303
    assert _counts(app, ballot.review_id)[VoterGroup.PUBLIC] == 1


def test_the_publics_votes_are_limited_per_address_and_item(make_app):
    app = make_app(RATELIMIT_ENABLED=True, PUBLIC_VOTE_RATE_LIMIT="1 per day")
    ballot = _seed(app, public_voting=True)
    client = app.test_client()

    assert _vote(client, ballot, "public").status_code == 303
    assert _vote(client, ballot, "public").status_code == 429
    assert _vote(client, ballot, code=ballot.codes[0]).status_code == 303
    assert _votes(app) == 2


def test_the_tally_is_published_on_the_item_page_once_the_round_is_closed(app, client, ballot):
    with app.app_context():
        review = db.session.get(ReviewRound, ballot.review_id)
        add_votes(review, VoterGroup.CPPCC_MEMBER, *votes(satisfied=4, dissatisfied=1))
        db.session.commit()
    before = client.get(f"/items/{ballot.item_id}", headers=ENGLISH).get_data(as_text=True)
    with app.app_context():
        review = db.session.get(ReviewRound, ballot.review_id)
        close_review(review, review.round.item.created_by)
        db.session.commit()

    after = client.get(f"/items/{ballot.item_id}", headers=ENGLISH).get_data(as_text=True)

    assert "Votes per answer and per group of voters" not in before
    assert "Vote on this result" in before
    assert "Votes per answer and per group of voters" in after
    assert "80.0 % of the valid votes" in after
    assert "Basically satisfied" in after


def test_the_vote_qr_code_is_an_svg_image(client, ballot):
    response = client.get(f"/items/{ballot.item_id}/vote/qr.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<?xml")


def test_an_expired_form_keeps_the_typed_code_and_counts_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    ballot = _seed(app)
    client = app.test_client()

    response = _vote(client, ballot, code=ballot.codes[0])

    assert response.status_code == 400
    assert ballot.codes[0] in response.get_data(as_text=True)
    assert _votes(app) == 0
