"""Ballot codes and votes: one vote per code or receipt, nothing written on a refusal."""

import math
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from portal import receipts
from portal.extensions import db
from portal.models import (
    AuditEvent,
    BallotCode,
    BallotUse,
    Role,
    Satisfaction,
    Vote,
    VoterGroup,
)
from portal.services import workflow
from portal.services.ballots import (
    CODE_RANDOM_LENGTH,
    MAX_BATCH,
    NOT_VALID_CODE,
    NOT_VALID_RECEIPT,
    Right,
    RightKind,
    cast_vote,
    generate_ballots,
    hash_code,
)
from portal.services.errors import DomainError
from portal.services.reviews import close_review
from portal.services.tally import tally
from tests.factories import add_user, build_city, make_case
from tests.reviews import item_with_result, open_round, schedule

CODE_FORMAT = re.compile(rf"^([{receipts.ALPHABET}]{{4}}-){{3}}[{receipts.ALPHABET}]{{4}}$")
SATISFIED = Satisfaction.SATISFIED.value


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    case, receipt = make_case(city.bureau)
    item = item_with_result(city.bureau, handler, cases=[case])
    review = open_round(item, handler, public_voting=False)
    return handler, review, receipt


def _code(review, handler, group=VoterGroup.DEPUTY) -> str:
    return generate_ballots(review, group, 1, handler).codes[0]


def _votes() -> int:
    return db.session.scalar(select(func.count()).select_from(Vote))


def test_a_code_is_four_groups_of_four_with_at_least_64_random_bits(world):
    handler, review, _receipt = world

    batch = generate_ballots(review, VoterGroup.CPPCC_MEMBER, 300, handler)

    assert CODE_RANDOM_LENGTH * math.log2(len(receipts.ALPHABET)) >= 64
    assert all(CODE_FORMAT.match(code) for code in batch.codes)
    assert len(set(batch.codes)) == 300


def test_only_keyed_hashes_of_the_codes_are_stored_and_logged(world):
    handler, review, _receipt = world

    batch = generate_ballots(review, VoterGroup.DEPUTY, 3, handler)

    stored = db.session.scalars(select(BallotCode).order_by(BallotCode.id)).all()
    assert [code.voter_group for code in stored] == [VoterGroup.DEPUTY] * 3
    # The sheet, shown after the redirect, rebuilds the very codes whose hashes were stored.
    assert [code.code_hash for code in stored] == [hash_code(code) for code in batch.codes]
    written = " ".join(
        [c.code_hash for c in stored] + list(db.session.scalars(select(AuditEvent.details)))
    )
    for code in batch.codes:
        assert code not in written and code.replace("-", "") not in written


@pytest.mark.parametrize(
    ("group", "count"),
    [(VoterGroup.DEPUTY, 0), (VoterGroup.DEPUTY, MAX_BATCH + 1), (VoterGroup.PUBLIC, 5)],
    ids=["no codes", "more than a batch holds", "not a representative group"],
)
def test_a_batch_out_of_bounds_is_refused(world, group, count):
    handler, review, _receipt = world
    with pytest.raises(DomainError):
        generate_ballots(review, group, count, handler)
    assert db.session.scalar(select(func.count()).select_from(BallotCode)) == 0


def test_a_representative_votes_once_with_a_code(world):
    handler, review, _receipt = world
    code = _code(review, handler, VoterGroup.EMPLOYEE_REPRESENTATIVE)

    cast_vote(review, SATISFIED, Right(RightKind.CODE, code.lower().replace("-", " ")))
    db.session.commit()
    with pytest.raises(DomainError) as refusal:
        cast_vote(review, Satisfaction.DISSATISFIED.value, Right(RightKind.CODE, code))
    db.session.rollback()

    assert refusal.value.message == NOT_VALID_CODE
    counted = tally(review)
    assert counted.counts[VoterGroup.EMPLOYEE_REPRESENTATIVE][Satisfaction.SATISFIED] == 1
    assert counted.valid == 1


def test_a_reporter_of_a_linked_case_votes_once_with_the_receipt(world):
    _handler, review, receipt = world

    cast_vote(review, SATISFIED, Right(RightKind.RECEIPT, receipt))
    db.session.commit()
    with pytest.raises(DomainError) as refusal:
        cast_vote(review, SATISFIED, Right(RightKind.RECEIPT, receipt))
    db.session.rollback()

    assert refusal.value.message == NOT_VALID_RECEIPT
    assert tally(review).counts[VoterGroup.REPORTER][Satisfaction.SATISFIED] == 1
    assert _votes() == 1


def test_the_reporter_of_a_duplicate_of_a_linked_case_votes_too(world):
    handler, review, _receipt = world
    master = review.round.item.cases[0]
    duplicate, receipt = make_case(master.unit)
    workflow.accept_case(master, handler, master.version)
    workflow.merge_case(duplicate, handler, duplicate.version, master)

    cast_vote(review, SATISFIED, Right(RightKind.RECEIPT, receipt))

    assert tally(review).counts[VoterGroup.REPORTER][Satisfaction.SATISFIED] == 1


def test_the_use_of_a_right_and_the_vote_share_no_column():
    assert {c.key for c in inspect(Vote).columns} == {"id", "review_id", "voter_group", "choice"}
    assert not {"vote_id", "choice"} & {c.key for c in inspect(BallotUse).columns}


def _other_round_code(world) -> str:
    handler, review, _receipt = world
    other_item = item_with_result(review.round.item.unit, handler, title="另一事项")
    other = schedule(other_item, handler)
    return _code(other, handler)


def _unlinked_receipt(world) -> str:
    _handler, review, _receipt = world
    return make_case(review.round.item.unit)[1]


CODE, RECEIPT = RightKind.CODE, RightKind.RECEIPT
REFUSALS = [
    pytest.param(lambda w: Right(CODE, _other_round_code(w)), NOT_VALID_CODE, id="another round's"),
    pytest.param(lambda w: Right(CODE, _forge_code()), NOT_VALID_CODE, id="unknown code"),
    pytest.param(lambda w: Right(CODE, "ABCD-EFGH"), None, id="half a code"),
    pytest.param(lambda w: Right(CODE, w[2]), None, id="a receipt given as a code"),
    pytest.param(lambda w: Right(RECEIPT, _unlinked_receipt(w)), NOT_VALID_RECEIPT, id="unlinked"),
    pytest.param(lambda w: Right(RECEIPT, receipts.new_receipt()), NOT_VALID_RECEIPT, id="unknown"),
    pytest.param(lambda w: Right(RightKind.PUBLIC), None, id="the public where it may not vote"),
]  # fmt: skip


def _forge_code() -> str:
    return receipts.finish_code("0" * CODE_RANDOM_LENGTH)


@pytest.mark.parametrize(("make_right", "message"), REFUSALS)
def test_a_vote_without_a_valid_right_is_refused_and_nothing_is_written(world, make_right, message):
    right = make_right(world)

    with pytest.raises(DomainError) as refusal:
        cast_vote(world[1], SATISFIED, right)

    if message is not None:
        assert refusal.value.message == message
    assert _votes() == 0
    assert db.session.scalar(select(func.count()).select_from(BallotUse)) == 0


def test_a_forged_option_is_refused(world):
    handler, review, _receipt = world
    with pytest.raises(DomainError) as refusal:
        cast_vote(review, "very_satisfied", Right(RightKind.CODE, _code(review, handler)))
    assert refusal.value.field == "choice"
    assert _votes() == 0


def test_a_vote_after_the_closing_time_is_refused_before_the_tick_has_run(world, time_machine):
    handler, review, _receipt = world
    code = _code(review, handler)
    time_machine.move_to(review.closes_at + timedelta(seconds=1))

    with pytest.raises(DomainError):
        cast_vote(review, SATISFIED, Right(RightKind.CODE, code))
    assert _votes() == 0


def test_a_vote_in_a_closed_or_not_yet_open_round_is_refused(world):
    handler, review, _receipt = world
    code = _code(review, handler)
    close_review(review, handler)
    later = item_with_result(review.round.item.unit, handler, title="尚未开始的测评")
    scheduled = schedule(later, handler)
    early = _code(scheduled, handler)

    for round_, right in ((review, code), (scheduled, early)):
        with pytest.raises(DomainError):
            cast_vote(round_, SATISFIED, Right(RightKind.CODE, right))
    assert _votes() == 0


def test_no_codes_are_printed_for_a_closed_round(world):
    handler, review, _receipt = world
    close_review(review, handler)
    with pytest.raises(DomainError):
        generate_ballots(review, VoterGroup.DEPUTY, 5, handler)


def test_the_public_votes_where_allowed_and_counts_apart(world):
    handler, _review, _receipt = world
    item = item_with_result(_review.round.item.unit, handler, title="公众可参与")
    review = open_round(item, handler, public_voting=True)

    cast_vote(review, Satisfaction.DISSATISFIED.value, Right(RightKind.PUBLIC))

    counted = tally(review)
    assert counted.public_total == 1
    assert counted.valid == 0
