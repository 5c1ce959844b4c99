"""The life of a rectification item, stated as its transition table."""

import pytest

from portal.extensions import db
from portal.models import ItemState, RectificationItem, RectificationRound, Role
from portal.services.errors import DomainError
from portal.services.items import (
    ITEM_TRANSITIONS,
    InvalidItemTransition,
    StaleItem,
    fingerprint,
    is_public,
    transition_item,
)
from tests.factories import add_user, build_city

I = ItemState  # noqa: E741

SPECIFICATION = [
    (I.DRAFT, "publish_commitment", I.COMMITMENT_PUBLISHED),
    (I.COMMITMENT_PUBLISHED, "start_rectification", I.IN_RECTIFICATION),
    (I.IN_RECTIFICATION, "publish_result", I.RESULT_PUBLISHED),
    (I.RESULT_PUBLISHED, "open_review", I.UNDER_REVIEW),
    (I.UNDER_REVIEW, "accept", I.ACCEPTED),
    (I.UNDER_REVIEW, "rectify_again", I.DRAFT),
]


def test_the_table_is_exactly_the_specification():
    assert {(s, a): t for s, a, t in SPECIFICATION} == ITEM_TRANSITIONS


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    item = RectificationItem(unit=city.bureau, title="窗口服务不规范", created_by=handler)
    item.rounds.append(RectificationRound(number=1))
    db.session.add(item)
    db.session.flush()
    return item, handler


@pytest.mark.parametrize(("source", "action", "target"), SPECIFICATION)
def test_a_legal_move_reaches_its_state(world, source, action, target):
    item, handler = world
    item.state = source
    db.session.flush()

    assert transition_item(item, action, handler, item.version) is True
    assert item.state == target


def test_rectifying_again_opens_the_next_round_and_keeps_the_item_public(world):
    item, handler = world
    item.state = I.UNDER_REVIEW
    db.session.flush()

    transition_item(item, "rectify_again", handler, item.version)

    assert item.round_number == 2
    assert [r.number for r in item.rounds] == [1, 2]
    assert item.state == I.DRAFT
    assert is_public(item)


def test_a_first_draft_is_not_public(world):
    item, _handler = world
    assert not is_public(item)


def test_an_unknown_move_is_refused(world):
    item, handler = world
    with pytest.raises(InvalidItemTransition):
        transition_item(item, "accept", handler, item.version)


def test_a_move_already_made_is_a_no_op(world):
    item, handler = world
    item.state = I.ACCEPTED
    db.session.flush()
    assert transition_item(item, "accept", handler, item.version) is False


def test_a_stale_version_is_refused(world):
    item, handler = world
    with pytest.raises(StaleItem):
        transition_item(item, "publish_commitment", handler, item.version - 1)


def test_an_officer_cannot_publish_without_a_second_person(world):
    item, _handler = world
    officer = add_user(Role.OFFICER, item.unit, "officer")
    with pytest.raises(DomainError) as refusal:
        transition_item(item, "publish_commitment", officer, item.version)
    assert not isinstance(refusal.value, InvalidItemTransition)
    assert item.state == I.DRAFT


def test_the_fingerprint_changes_when_the_text_changes():
    assert fingerprint("整改措施一") != fingerprint("整改措施二")
    assert fingerprint("整改措施一") == fingerprint("整改措施一")
