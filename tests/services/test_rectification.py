"""Rectification items: made from cases, drafted by the unit, published by a second person."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    AuditEvent,
    ItemState,
    PublicationKind,
    PublishedVersion,
    RectificationItem,
    RequestStatus,
    Role,
    SupervisorConflict,
    SupervisorKind,
    SupervisorProfile,
    UnitKind,
    User,
)
from portal.services import item_progress, item_publication, item_versions, rectification
from portal.services.errors import DomainError
from portal.services.items import StaleItem, fingerprint, is_public, transition_item
from tests import items
from tests.factories import add_unit, add_user, make_case
from tests.items import Desk, build_desk, draft_commitment, publish

K = PublicationKind
SOON = timedelta(days=30)


@pytest.fixture
def english(app_context):
    """Read the services' refusals in English."""
    with force_locale("en"):
        yield


@pytest.fixture
def desk(english) -> Desk:
    return build_desk()


def new_item(desk: Desk, **fields) -> RectificationItem:
    return items.new_item(desk, category=None, **fields)


def published_item(desk: Desk) -> RectificationItem:
    item = new_item(desk)
    draft_commitment(desk, item)
    publish(desk, item, K.COMMITMENT)
    return item


def audited(action: str) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    return db.session.scalar(query)


def test_an_item_is_made_from_cases_with_its_first_round(desk):
    item = new_item(desk)

    assert item.state == ItemState.DRAFT
    assert [r.number for r in item.rounds] == [1]
    assert item.cases == [desk.case]
    assert not is_public(item)
    assert audited("item.create") == 1


def test_case_numbers_are_read_from_any_separators_and_unknown_ones_named(desk):
    other, _receipt = make_case(desk.city.district)
    text = f"{desk.case.number}，{other.number}\n{desk.case.number}"

    assert rectification.cases_by_number(desk.handler, text) == [desk.case, other]
    with pytest.raises(DomainError) as refusal:
        rectification.cases_by_number(desk.handler, "2000-000001")
    assert "2000-000001" in str(refusal.value.message)


def test_a_case_out_of_scope_reads_like_a_case_that_does_not_exist(desk):
    west = add_unit("西城区委", UnitKind.DISTRICT, desk.city.committee)
    outsider = add_user(Role.HANDLER, west, "outsider")

    with pytest.raises(DomainError) as refusal:
        rectification.cases_by_number(outsider, desk.case.number)
    assert refusal.value.field == "cases"


def test_officers_draft_but_do_not_make_items(desk):
    with pytest.raises(DomainError):
        rectification.create_item(desk.officer, desk.city.bureau, "标题", "问题", [desk.case])


@pytest.mark.parametrize(
    "personal",
    ["请联系13800001234", "邮箱 zhang.san@example.com", "身份证 110101199003071234"],
)
def test_personal_data_in_the_public_problem_statement_is_refused(desk, personal):
    with pytest.raises(DomainError) as refusal:
        new_item(desk, problem_statement=f"<p>{personal}</p>")
    assert refusal.value.field == "problem_statement"


def test_staff_rich_text_is_stored_sanitized_and_plain_text_keeps_its_paragraphs(desk):
    item = new_item(desk, problem_statement='<p onclick="x()">问题<script>alert(1)</script></p>')
    assert item.problem_statement == "<p>问题</p>"

    plain = new_item(desk, problem_statement="第一段\r\n第二行\r\n\r\n第二段 & 第三")
    assert plain.problem_statement == "<p>第一段<br>第二行</p><p>第二段 &amp; 第三</p>"


def test_an_officer_drafts_only_for_their_own_unit(desk):
    item = new_item(desk)
    stranger = add_user(Role.OFFICER, desk.city.district, "stranger")

    with pytest.raises(DomainError):
        rectification.add_measure(
            item, stranger, item.version, "措施", desk.city.district, local_today() + SOON
        )
    draft_commitment(desk, item)
    assert [m.text for m in item.current_round.measures] == ["工作日增开两个窗口"]


def test_a_measure_is_owned_by_a_unit_in_the_drafters_scope(desk):
    item = new_item(desk)

    with pytest.raises(DomainError) as refusal:
        rectification.add_measure(
            item, desk.officer, item.version, "措施", desk.city.district, local_today() + SOON
        )
    assert refusal.value.field == "owner_id"


def test_measures_change_and_go(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    [measure] = item.current_round.measures
    later = local_today() + timedelta(days=20)

    assert rectification.update_measure(
        measure, desk.officer, item.version, "增开三个窗口", desk.city.bureau, later
    )
    assert (measure.text, measure.due_on) == ("增开三个窗口", later)
    rectification.remove_measure(measure, desk.officer, item.version)
    assert item.current_round.measures == []


def test_a_commitment_needs_a_measure_and_a_deadline(desk):
    item = new_item(desk)

    with pytest.raises(DomainError, match="measure"):
        item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)


def test_nobody_approves_their_own_request(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    asked = item_publication.request_publication(item, desk.handler, item.version, K.COMMITMENT)

    with pytest.raises(DomainError, match="another person"):
        item_publication.approve_publication(asked, desk.handler, item.version)
    assert item.state == ItemState.DRAFT


def test_the_database_refuses_a_request_decided_by_its_requester(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    asked = item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)
    asked.status, asked.decided_by_id = RequestStatus.APPROVED, desk.officer.id
    asked.decided_at = asked.created_at

    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_approval_publishes_with_a_fingerprint_and_a_first_version(desk):
    item = published_item(desk)
    round_ = item.current_round
    [version] = item_versions.versions(round_, K.COMMITMENT)

    assert item.state == ItemState.COMMITMENT_PUBLISHED and is_public(item)
    assert round_.commitment_published_at is not None
    assert round_.commitment_fingerprint == version.fingerprint == fingerprint(version.content)
    assert version.number == 1 and version.published_by_id == desk.approver.id
    assert audited("item.publish_commitment") == 1


def test_an_approver_outside_the_units_scope_cannot_approve(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    asked = item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)
    district_handler = add_user(Role.HANDLER, desk.city.district, "district-handler")

    with pytest.raises(DomainError):
        item_publication.approve_publication(asked, district_handler, item.version)


def test_a_text_waiting_for_approval_cannot_change(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)

    with pytest.raises(DomainError, match="waits for approval"):
        rectification.add_measure(
            item, desk.officer, item.version, "再加一条", desk.city.bureau, local_today() + SOON
        )


def test_a_denial_says_why_and_frees_the_draft(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    asked = item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)

    with pytest.raises(DomainError):
        item_publication.deny_publication(asked, desk.approver, item.version, "  ")
    item_publication.deny_publication(asked, desk.approver, item.version, "措施不够具体。")

    assert asked.status == RequestStatus.DENIED and item.state == ItemState.DRAFT
    assert rectification.commitment_editable(item)


def test_a_correction_adds_a_version_and_changes_the_fingerprint(desk):
    item = published_item(desk)
    round_ = item.current_round
    first = round_.commitment_fingerprint
    rectification.update_measure(
        round_.measures[0], desk.officer, item.version, "工作日增开三个窗口",
        desk.city.bureau, round_.measures[0].due_on,
    )  # fmt: skip

    assert round_.commitment_fingerprint == first  # the public still reads version 1
    publish(desk, item, K.COMMITMENT, note="窗口数量由两个改为三个。")

    versions = item_versions.versions(round_, K.COMMITMENT)
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].fingerprint == first != versions[1].fingerprint
    assert round_.commitment_fingerprint == versions[1].fingerprint
    assert versions[1].change_note == "窗口数量由两个改为三个。"
    assert "工作日增开两个窗口" in versions[0].content  # the earlier text stays readable
    assert item.state == ItemState.COMMITMENT_PUBLISHED


def test_a_correction_needs_a_change_and_a_note(desk):
    item = published_item(desk)

    with pytest.raises(DomainError, match="Nothing changed"):
        item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)
    rectification.add_measure(
        item, desk.officer, item.version, "推行预约", desk.city.bureau, local_today() + SOON
    )
    asked = item_publication.request_publication(item, desk.officer, item.version, K.COMMITMENT)
    with pytest.raises(DomainError) as refusal:
        item_publication.approve_publication(asked, desk.approver, item.version, "")
    assert refusal.value.field == "change_note"


def test_a_stale_version_is_refused_and_nothing_is_written(desk):
    item = new_item(desk)
    seen = item.version
    draft_commitment(desk, item)

    with pytest.raises(StaleItem):
        rectification.add_measure(
            item, desk.officer, seen, "措施", desk.city.bureau, local_today() + SOON
        )
    assert len(item.current_round.measures) == 1


def test_progress_is_reported_in_rectification_with_a_percentage(desk):
    item = published_item(desk)
    with pytest.raises(DomainError):
        item_progress.add_milestone(item, desk.officer, item.version, "已增开窗口", 40)
    item_progress.start_rectification(item, desk.officer, item.version)

    with pytest.raises(DomainError) as refusal:
        item_progress.add_milestone(item, desk.officer, item.version, "已增开窗口", 140)
    assert refusal.value.field == "percent"
    item_progress.add_milestone(item, desk.officer, item.version, "已增开窗口", 40)
    assert [m.percent for m in item.current_round.milestones] == [40]


def test_the_result_goes_public_through_a_second_person_too(desk):
    item = published_item(desk)
    item_progress.start_rectification(item, desk.officer, item.version)
    with pytest.raises(DomainError, match="result"):
        item_publication.request_publication(item, desk.officer, item.version, K.RESULT)

    item_progress.update_result(item, desk.officer, item.version, "窗口已由四个增至六个。")
    publish(desk, item, K.RESULT)

    round_ = item.current_round
    assert item.state == ItemState.RESULT_PUBLISHED
    assert round_.result == "<p>窗口已由四个增至六个。</p>"
    assert round_.result_fingerprint == item_versions.versions(round_, K.RESULT)[0].fingerprint


@pytest.fixture
def supervisor(desk) -> User:
    user = add_user(Role.SUPERVISOR, desk.city.committee, "supervisor")
    today = local_today()
    db.session.add(
        SupervisorProfile(
            user_id=user.id,
            kind=SupervisorKind.DEPUTY,
            term_starts=today - SOON,
            term_ends=today + SOON,
        )
    )
    db.session.flush()
    db.session.expire(user)
    return user


def rectifying(desk: Desk) -> RectificationItem:
    item = published_item(desk)
    item_progress.start_rectification(item, desk.officer, item.version)
    return item


def test_a_supervisor_assesses_a_round_once(desk, supervisor):
    item = rectifying(desk)

    item_progress.add_assessment(item, supervisor, "窗口确有增加，高峰仍需排队。")
    with pytest.raises(DomainError, match="already"):
        item_progress.add_assessment(item, supervisor, "再评一次")
    db.session.expire(item.current_round)
    assert [a.text for a in item.current_round.assessments] == ["窗口确有增加，高峰仍需排队。"]
    assert item_progress.assessable_items(supervisor) == [item]


def test_a_supervisor_in_conflict_with_the_unit_cannot_assess_it(desk, supervisor):
    item = rectifying(desk)
    db.session.add(SupervisorConflict(user_id=supervisor.id, unit_id=desk.city.bureau.id))
    db.session.flush()

    assert not item_progress.may_assess(supervisor, item)
    assert item_progress.assessable_items(supervisor) == []
    with pytest.raises(DomainError):
        item_progress.add_assessment(item, supervisor, "评价")


def test_below_the_threshold_the_item_comes_back_for_a_second_public_round(desk):
    item = rectifying(desk)
    item_progress.update_result(item, desk.officer, item.version, "<p>已整改。</p>")
    publish(desk, item, K.RESULT)
    transition_item(item, "open_review", desk.handler, item.version)
    transition_item(item, "rectify_again", desk.handler, item.version)

    assert (item.state, item.round_number) == (ItemState.DRAFT, 2) and is_public(item)
    draft_commitment(desk, item)
    publish(desk, item, K.COMMITMENT)
    first, second = item.rounds
    assert first.commitment_fingerprint and first.result_fingerprint
    assert second.commitment_fingerprint and second.result_fingerprint is None
    assert db.session.scalar(select(func.count()).select_from(PublishedVersion)) == 3


def test_deadlines_in_the_past_are_refused(desk):
    item = new_item(desk)
    with pytest.raises(DomainError) as refusal:
        rectification.update_draft(
            item, desk.officer, item.version, title=item.title,
            problem_statement=item.problem_statement, commitment="",
            deadline=date(2020, 1, 1), category=None,
        )  # fmt: skip
    assert refusal.value.field == "deadline"


def test_more_cases_can_be_linked_later(desk):
    item = new_item(desk)
    other, _receipt = make_case(desk.city.bureau)

    assert rectification.link_cases(item, desk.handler, item.version, [desk.case, other]) == 1
    assert item.cases == [desk.case, other]
