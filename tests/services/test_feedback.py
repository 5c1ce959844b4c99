"""Closing the loop: the reporter's verdict on each answer, and the retaliation check-in."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    ActorKind,
    AuditEvent,
    CaseKind,
    CaseStatus,
    Channel,
    ReporterMode,
    Role,
    Satisfaction,
)
from portal.services import feedback, workflow
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails, contact_details
from portal.services.queue import QueueFilter, queue_page
from tests.factories import add_user, build_city, make_case

CITY = ZoneInfo("Asia/Shanghai")
SAT, BASIC = Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED
DIS = Satisfaction.DISSATISFIED


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    return city, handler


def answered_case(city, handler, **fields):
    """Submit a case and walk it to an answer."""
    case, _receipt = make_case(city.bureau, **fields)
    workflow.accept_case(case, handler, case.version)
    workflow.assign_case(case, handler, case.version, city.bureau)
    workflow.start_case(case, handler, case.version)
    workflow.answer_case(case, handler, case.version, "已督促整改。")
    return case


def answer_again(case, handler):
    """Answer a reopened case once more."""
    workflow.answer_case(case, handler, case.version, "再次答复：已整改到位。")


def test_no_verdict_is_asked_before_an_answer(world):
    city, _handler = world
    case, _receipt = make_case(city.bureau)

    assert feedback.answer_to_judge(case) is None
    with pytest.raises(DomainError):
        feedback.record_verdict(case, SAT)


def test_an_answer_is_judged_once(world):
    city, handler = world
    case = answered_case(city, handler)
    assert feedback.answer_to_judge(case) == 1

    verdict = feedback.record_verdict(case, BASIC, "基本解决")

    assert (verdict.answer_number, verdict.satisfaction, verdict.reopened) == (1, BASIC, False)
    assert case.status == CaseStatus.ANSWERED
    assert feedback.answer_to_judge(case) is None
    with pytest.raises(DomainError):
        feedback.record_verdict(case, SAT)


def test_a_closed_case_after_an_answer_is_judged_too(world):
    city, handler = world
    case = answered_case(city, handler)
    workflow.close_case(case, handler, case.version)

    assert feedback.answer_to_judge(case) == 1


def test_a_dissatisfied_verdict_needs_its_reason(world):
    city, handler = world
    case = answered_case(city, handler)

    with pytest.raises(DomainError) as refused:
        feedback.record_verdict(case, DIS, "  ")
    assert refused.value.field == "reason"


def test_the_first_dissatisfied_verdict_reopens_the_case_with_the_reason(world):
    city, handler = world
    case = answered_case(city, handler)
    workflow.close_case(case, handler, case.version)

    verdict = feedback.record_verdict(case, DIS, "窗口还是只开一个")

    assert verdict.reopened
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_at is None
    event = case.events[-1]
    assert (event.action, event.actor_kind, event.actor_id) == (
        "reporter_reopen",
        ActorKind.REPORTER,
        None,
    )
    assert event.is_public and event.note == "窗口还是只开一个"
    trail = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert [(e.action, e.actor) for e in trail] == [
        ("feedback.verdict", "reporter"),
        ("case.reporter_reopen", "reporter"),
    ]
    db.session.commit()  # the CHECK constraints accept the reopened case


def test_reopening_restarts_the_clock_to_answer(world, time_machine):
    city, handler = world
    time_machine.move_to(datetime(2026, 3, 2, 10, tzinfo=CITY), tick=False)
    case = answered_case(city, handler)
    time_machine.move_to(datetime(2026, 4, 1, 10, tzinfo=CITY), tick=False)

    feedback.record_verdict(case, DIS, "没有解决")

    assert case.due_on == date(2026, 4, 23)


def test_later_dissatisfied_verdicts_are_recorded_without_reopening(world):
    city, handler = world
    case = answered_case(city, handler)
    feedback.record_verdict(case, DIS, "没有解决")
    answer_again(case, handler)

    assert feedback.answer_to_judge(case) == 2
    second = feedback.record_verdict(case, DIS, "还是没有解决")

    assert (second.answer_number, second.reopened) == (2, False)
    assert case.status == CaseStatus.ANSWERED
    assert [v.answer_number for v in feedback.verdicts(case)] == [1, 2]


def test_the_reporter_cannot_reopen_a_case_that_is_not_answered(world):
    city, _handler = world
    case, _receipt = make_case(city.bureau)

    with pytest.raises(workflow.InvalidTransition):
        workflow.reporter_reopen_case(case, "不满意")


def test_staff_cannot_take_the_reporters_action(world):
    city, handler = world
    case = answered_case(city, handler)

    with pytest.raises(workflow.PermissionDenied):
        workflow._apply(case, "reporter_reopen", handler, case.version)
    assert "reporter_reopen" not in workflow.allowed_actions(case, handler)


def confidential_case(city, **fields):
    case, _receipt = make_case(
        city.bureau,
        kind=CaseKind.REPORT,
        reporter_mode=ReporterMode.CONFIDENTIAL,
        contact=ContactDetails(name="李四", phone="13900002222"),
        **fields,
    )
    return case


def test_the_check_in_is_asked_of_confidential_reporters_after_ninety_days(world):
    city, _handler = world
    confidential = confidential_case(city)
    anonymous, _receipt = make_case(city.bureau)
    due_day = confidential.received_on + timedelta(days=90)

    assert not feedback.checkin_due(confidential, due_day - timedelta(days=1))
    assert feedback.checkin_due(confidential, due_day)
    assert not feedback.checkin_due(anonymous, due_day)


def test_a_no_is_recorded_once_and_opens_nothing(world, time_machine):
    city, _handler = world
    case = confidential_case(city)
    time_machine.move_to(datetime.now(CITY) + timedelta(days=91), tick=False)

    checkin = feedback.record_checkin(case, False)

    assert (checkin.faced_retaliation, checkin.protected_case) == (False, None)
    assert not feedback.checkin_due(case)
    with pytest.raises(DomainError):
        feedback.record_checkin(case, True, "其实有")
    db.session.commit()


def test_a_yes_opens_a_protected_case_at_the_top_under_the_same_sealed_identity(
    world, time_machine
):
    city, _handler = world
    case = confidential_case(city)
    time_machine.move_to(datetime.now(CITY) + timedelta(days=100), tick=False)

    checkin = feedback.record_checkin(case, True, "被单位调离原岗位")
    protected = checkin.protected_case

    assert protected.is_protected and protected.number != case.number
    assert (protected.kind, protected.channel) == (CaseKind.REPORT, Channel.WEB)
    assert protected.unit == city.committee and protected.category.code == "other"
    assert protected.title == f"反映遭受打击报复（原受理编号 {case.number}）"
    assert protected.body == "被单位调离原岗位"
    assert protected.reporter_mode == ReporterMode.CONFIDENTIAL
    assert protected.contact_ciphertext == case.contact_ciphertext
    assert protected.contact_key == case.contact_key
    assert contact_details(protected).name == "李四"
    assert protected.status == CaseStatus.RECEIVED and protected.due_on is not None
    db.session.commit()


def test_the_check_in_leaves_the_original_case_untouched_and_the_answer_out_of_the_trail(
    world, time_machine
):
    city, _handler = world
    case = confidential_case(city)
    events, version = len(case.events), case.version
    time_machine.move_to(datetime.now(CITY) + timedelta(days=100), tick=False)

    checkin = feedback.record_checkin(case, True)

    assert (len(case.events), case.version) == (events, version)
    trail = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert [(e.action, e.object_id, e.details) for e in trail] == [
        ("feedback.checkin", case.number, "{}"),
        ("case.submit", checkin.protected_case.number, trail[1].details),
    ]
    assert checkin.protected_case.body == feedback.RETALIATION_TEXT


def test_the_queue_finds_the_cases_whose_reporter_was_dissatisfied(world):
    city, handler = world
    pleased = answered_case(city, handler)
    displeased = answered_case(city, handler)
    feedback.record_verdict(pleased, SAT)
    feedback.record_verdict(displeased, DIS, "没有解决")

    page = queue_page(handler, QueueFilter(dissatisfied=True))

    assert page.cases == [displeased]
