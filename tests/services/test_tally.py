"""The 80 % rule and the quorum, stated as tables, and tallies per option and voter group."""

from decimal import Decimal

import pytest

from portal.models import ReviewOutcome, Role, Satisfaction, VoterGroup
from portal.services.reviews import close_review
from portal.services.tally import decide, item_reviews, tally
from tests.factories import add_user, build_city
from tests.reviews import (
    add_votes,
    item_with_result,
    open_round,
    publish_result_of_round_two,
    schedule,
    votes,
)

O = ReviewOutcome  # noqa: E741

#: valid votes, favourable votes, quorum, threshold -> verdict
RULE = [
    pytest.param(1000, 799, 20, 80, O.BELOW_THRESHOLD, id="79.9 % fails"),
    pytest.param(1000, 800, 20, 80, O.ACCEPTED, id="80.0 % passes"),
    pytest.param(10, 8, 10, 80, O.ACCEPTED, id="exactly 80 % at exactly the quorum"),
    pytest.param(10, 7, 10, 80, O.BELOW_THRESHOLD, id="70 %"),
    pytest.param(9, 9, 10, 80, O.BELOW_QUORUM, id="all satisfied, one vote short of quorum"),
    pytest.param(9, 0, 10, 80, O.BELOW_QUORUM, id="the quorum is checked first"),
    pytest.param(0, 0, 1, 80, O.BELOW_QUORUM, id="no votes at all"),
    pytest.param(3, 2, 1, 67, O.BELOW_THRESHOLD, id="66.6 % under a 67 % threshold"),
    pytest.param(3, 2, 1, 66, O.ACCEPTED, id="66.6 % over a 66 % threshold"),
    pytest.param(7, 7, 1, 100, O.ACCEPTED, id="unanimity under a 100 % threshold"),
]


@pytest.mark.parametrize(("valid", "favourable", "quorum", "threshold", "outcome"), RULE)
def test_the_verdict_follows_the_80_percent_rule_and_the_quorum(
    valid, favourable, quorum, threshold, outcome
):
    assert decide(valid, favourable, quorum, threshold) == outcome


@pytest.fixture
def review(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    item = item_with_result(city.bureau, handler)
    return open_round(item, handler, quorum=10, public_voting=True)


def test_the_rate_counts_representatives_and_reporters_but_not_the_public(review):
    add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=3, basically=1))
    add_votes(review, VoterGroup.CPPCC_MEMBER, *votes(basically=2, dissatisfied=1))
    add_votes(review, VoterGroup.REPORTER, *votes(satisfied=1, dissatisfied=2))
    add_votes(review, VoterGroup.PUBLIC, *votes(dissatisfied=40))

    counted = tally(review)

    assert counted.valid == 10
    assert counted.favourable == 7
    assert counted.rate == Decimal("70.0")
    assert counted.public_total == 40
    assert counted.counts[VoterGroup.DEPUTY][Satisfaction.SATISFIED] == 3
    assert counted.counts[VoterGroup.EMPLOYEE_REPRESENTATIVE] == dict.fromkeys(Satisfaction, 0)
    assert counted.valid_by_option == {
        Satisfaction.SATISFIED: 4,
        Satisfaction.BASICALLY_SATISFIED: 3,
        Satisfaction.DISSATISFIED: 3,
    }
    assert counted.outcome == O.BELOW_THRESHOLD


def test_the_rate_is_floored_so_79_96_percent_never_reads_as_80(review):
    add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=1999, dissatisfied=501))

    counted = tally(review)

    assert counted.rate == Decimal("79.9")  # 79.96 %
    assert counted.outcome == O.BELOW_THRESHOLD


def test_a_round_without_votes_has_no_rate(review):
    assert tally(review).rate is None
    assert not tally(review).quorum_reached


def test_the_public_sees_no_tally_before_the_close_but_staff_do(review):
    add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=2))
    item = review.round.item

    [public] = item_reviews(item)
    [live] = item_reviews(item, live=True)

    assert public.review is review and public.tally is None
    assert live.tally.valid == 2


def test_earlier_rounds_stay_listed_with_their_tallies_newest_first(review):
    item, handler = review.round.item, review.round.item.created_by
    add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=5, dissatisfied=5))
    close_review(review, handler)
    publish_result_of_round_two(item)
    schedule(item, handler)

    listed = item_reviews(item)

    assert [entry.number for entry in listed] == [2, 1]
    assert listed[0].tally is None
    assert listed[1].tally.rate == Decimal("50.0")


# No published row may give away a person's choice.


def _tally(**groups):
    from portal.services.tally import Tally

    counts = {group: dict.fromkeys(Satisfaction, 0) for group in VoterGroup}
    for name, (satisfied, basic, dissatisfied) in groups.items():
        counts[VoterGroup(name)] = {
            Satisfaction.SATISFIED: satisfied,
            Satisfaction.BASICALLY_SATISFIED: basic,
            Satisfaction.DISSATISFIED: dissatisfied,
        }
    return Tally(quorum=5, threshold_percent=80, counts=counts)


def test_a_group_of_one_is_counted_with_others_not_alone():
    counted = _tally(deputy=(6, 2, 1), reporter=(0, 0, 1), cppcc_member=(3, 1, 0))

    rows = counted.published_rows()

    assert all(row.total >= 5 for row in rows)
    assert VoterGroup.REPORTER not in {row.group for row in rows}
    assert sum(row.total for row in rows) == counted.valid


def test_small_groups_together_take_in_the_next_group_until_the_row_is_big_enough():
    counted = _tally(
        deputy=(1, 0, 0), reporter=(0, 1, 0), cppcc_member=(2, 1, 0), image_supervisor=(9, 0, 1)
    )

    rows = counted.published_rows()

    assert [row.group for row in rows] == [VoterGroup.IMAGE_SUPERVISOR, None]
    assert rows[-1].total == 5


def test_too_few_valid_votes_publish_no_counts_per_answer():
    assert not _tally(reporter=(2, 1, 1)).publishable
    assert _tally(reporter=(2, 2, 1)).publishable
