"""Working-day clocks: the rules, the due dates the workflow sets, overdue and very overdue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    ClockStage,
    DeadlineRule,
    Role,
)
from portal.services import deadline_rules, deadlines, workflow
from portal.services.deadline_rules import RuleTerms
from portal.services.errors import DomainError
from portal.services.queue_counts import my_work_counts
from tests.factories import add_user, build_city, make_case

CITY = ZoneInfo("Asia/Shanghai")
K, C, S = CaseKind, Channel, ClockStage


def at(day: date, hour: int = 10) -> datetime:
    """Return a moment of a day in the city."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=CITY)


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    admin = add_user(Role.ADMIN, city.committee, "admin")
    return city, handler, admin


@pytest.mark.parametrize(
    ("stage", "kind", "channel", "days"),
    [
        (S.ACCEPT, K.REPORT, C.WEB, 3),  # the default
        (S.ANSWER, K.REPORT, C.WEB, 15),  # the default
        (S.ANSWER, K.PRAISE, C.WEB, 5),  # kind
        (S.ANSWER, K.RATING, C.QUESTIONNAIRE, 5),  # kind
        (S.ANSWER, K.REPORT, C.LEADER_REFERRAL, 10),  # channel
        (S.ANSWER, K.PRAISE, C.LEADER_REFERRAL, 5),  # kind beats channel
    ],
)
def test_the_seeded_rules_pick_the_most_specific(world, stage, kind, channel, days):
    assert deadlines.rule_for(stage, kind, channel).working_days == days


def test_kind_and_channel_together_beat_either_alone(world):
    _city, _handler, admin = world
    deadline_rules.add_rule(admin, RuleTerms(S.ANSWER, K.PRAISE, C.LEADER_REFERRAL, 2))

    assert deadlines.rule_for(S.ANSWER, K.PRAISE, C.LEADER_REFERRAL).working_days == 2
    assert deadlines.rule_for(S.ANSWER, K.PRAISE, C.WEB).working_days == 5


def test_a_changed_rule_applies_at_once_in_the_same_request(world):
    _city, _handler, admin = world
    assert deadlines.rule_for(S.ACCEPT, K.OPINION, C.WEB).working_days == 3
    default = next(rule for rule in deadlines.rules() if rule.stage == S.ACCEPT)

    deadline_rules.change_rule(admin, default, RuleTerms(S.ACCEPT, None, None, 4))

    assert deadlines.rule_for(S.ACCEPT, K.OPINION, C.WEB).working_days == 4


def test_intake_sets_the_deadline_to_accept_in_working_days(world, time_machine):
    city, _handler, _admin = world
    time_machine.move_to(at(date(2026, 2, 13)), tick=False)  # Friday before the Spring Festival

    case, _receipt = make_case(city.bureau)

    # Sat 14 Feb is a make-up working day, then nine days off: 14, 24, 25 February.
    assert case.due_on == date(2026, 2, 25)


def test_accepting_starts_the_clock_to_answer_from_the_day_of_acceptance(world, time_machine):
    city, handler, _admin = world
    time_machine.move_to(at(date(2026, 9, 21)), tick=False)
    case, _receipt = make_case(city.bureau, kind=K.REPORT)
    time_machine.move_to(at(date(2026, 9, 25)), tick=False)  # the Mid-Autumn holiday

    workflow.accept_case(case, handler, case.version)

    assert case.due_on == date(2026, 10, 22)  # 15 working days across National Day


def test_reopening_restarts_the_clock_of_the_new_status(world, time_machine):
    city, handler, _admin = world
    time_machine.move_to(at(date(2026, 3, 2)), tick=False)
    case, _receipt = make_case(city.bureau)
    for step in ("accept", "assign", "start", "answer"):
        _step(step, case, handler, city)
    time_machine.move_to(at(date(2026, 4, 1)), tick=False)

    workflow.reopen_case(case, handler, case.version, "整改不到位")

    assert case.status == CaseStatus.IN_PROGRESS
    assert case.due_on == date(2026, 4, 23)  # Qingming 4-6 April is off


def test_a_finished_case_keeps_its_due_date_but_runs_no_clock(world, time_machine):
    city, handler, _admin = world
    time_machine.move_to(at(date(2026, 3, 2)), tick=False)
    case, _receipt = make_case(city.bureau)
    for step in ("accept", "assign", "start", "answer", "close"):
        _step(step, case, handler, city)
    time_machine.move_to(at(date(2026, 6, 1)), tick=False)

    assert case.due_on is not None
    assert deadlines.case_clock(case) is None
    assert my_work_counts(handler).overdue == 0


def test_no_overdue_during_the_spring_festival_then_overdue_after_the_right_day(
    world, time_machine
):
    city, handler, _admin = world
    time_machine.move_to(at(date(2026, 2, 13)), tick=False)
    case, _receipt = make_case(city.bureau)
    db.session.commit()

    for day in (date(2026, 2, 15), date(2026, 2, 20), date(2026, 2, 24), date(2026, 2, 25)):
        time_machine.move_to(at(day), tick=False)
        assert not deadlines.case_clock(case).overdue, day
        assert my_work_counts(handler).overdue == 0, day
    assert deadlines.case_clock(case).days_left == 0  # due today, the 25th

    time_machine.move_to(at(date(2026, 2, 26), hour=0), tick=False)
    clock = deadlines.case_clock(case)
    assert clock.overdue and clock.days_late == 1 and not clock.very_overdue
    assert my_work_counts(handler).overdue == 1


def test_days_left_count_only_working_days(world, time_machine):
    city, _handler, _admin = world
    time_machine.move_to(at(date(2026, 2, 13)), tick=False)
    case, _receipt = make_case(city.bureau)

    assert deadlines.case_clock(case).days_left == 3
    time_machine.move_to(at(date(2026, 2, 16)), tick=False)  # inside the holiday
    assert deadlines.case_clock(case).days_left == 2


@pytest.mark.parametrize(
    ("today", "late", "very"),
    [
        (date(2026, 3, 4), 5, False),  # the fifth working day late: not yet very overdue
        (date(2026, 3, 5), 6, True),  # the sixth: very overdue
    ],
)
def test_very_overdue_means_more_than_five_working_days_late(
    world, time_machine, today, late, very
):
    city, handler, _admin = world
    time_machine.move_to(at(date(2026, 2, 20)), tick=False)  # in the holiday: due on 26 Feb
    case, _receipt = make_case(city.bureau)
    assert case.due_on == date(2026, 2, 26)
    db.session.commit()

    time_machine.move_to(at(today), tick=False)  # 27, 28 (make-up), 2, 3, 4, 5 March
    clock = deadlines.case_clock(case)

    assert (clock.days_late, clock.very_overdue) == (late, very)
    assert my_work_counts(handler).very_overdue == int(very)


def test_the_cut_off_agrees_with_counting_working_days(world):
    for offset in range(0, 365, 3):
        today = date.fromordinal(date(2026, 1, 1).toordinal() + offset)
        cutoff = deadlines.very_overdue_before(today)
        for due in (cutoff, date.fromordinal(cutoff.toordinal() - 1)):
            case = Case(status=CaseStatus.ACCEPTED, due_on=due)
            clock = deadlines.case_clock(case, today)
            assert clock.very_overdue == (clock.days_late > 5), (today, due)


def test_the_very_overdue_threshold_is_configurable(make_app):
    app = make_app(VERY_OVERDUE_WORKING_DAYS=0)
    with app.app_context():
        assert deadlines.very_overdue_before(date(2026, 3, 3)) == date(2026, 3, 3)


def test_the_defaults_cannot_be_deleted_nor_narrowed(world):
    _city, _handler, admin = world
    default = next(rule for rule in deadlines.rules() if rule.stage == S.ANSWER and not rule.kind)

    with pytest.raises(DomainError):
        deadline_rules.delete_rule(admin, default)
    with pytest.raises(DomainError):
        deadline_rules.change_rule(admin, default, RuleTerms(S.ANSWER, K.REPORT, None, 15))


def test_rules_are_unique_by_stage_kind_and_channel(world):
    _city, _handler, admin = world

    with pytest.raises(DomainError) as refused:
        deadline_rules.add_rule(admin, RuleTerms(S.ANSWER, K.PRAISE, None, 7))
    assert refused.value.field == "kind"


def test_changes_to_the_rules_are_audited_and_only_from_the_top(world):
    city, _handler, admin = world
    district_admin = add_user(Role.ADMIN, city.district, "district-admin")

    rule = deadline_rules.add_rule(admin, RuleTerms(S.ANSWER, None, C.HOTLINE, 8))
    deadline_rules.change_rule(admin, rule, RuleTerms(S.ANSWER, None, C.HOTLINE, 9))
    deadline_rules.delete_rule(admin, rule)
    with pytest.raises(workflow.PermissionDenied):
        deadline_rules.add_rule(district_admin, RuleTerms(S.ANSWER, None, C.LETTER, 8))

    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "deadline_rule")
    ).all()
    assert actions == ["deadline_rule.add", "deadline_rule.change", "deadline_rule.delete"]
    assert db.session.scalar(select(func.count()).select_from(DeadlineRule)) == 5


def test_missing_holiday_schedules_are_named(world):
    assert deadlines.missing_schedules(date(2026, 6, 1)) == [2027]
    assert deadlines.missing_schedules(date(2025, 6, 1)) == []


def _step(action, case, handler, city):
    calls = {
        "accept": lambda: workflow.accept_case(case, handler, case.version),
        "assign": lambda: workflow.assign_case(case, handler, case.version, city.bureau),
        "start": lambda: workflow.start_case(case, handler, case.version),
        "answer": lambda: workflow.answer_case(case, handler, case.version, "已处理。"),
        "close": lambda: workflow.close_case(case, handler, case.version),
    }
    calls[action]()


def test_a_rule_added_meanwhile_by_another_administrator_is_refused_not_a_crash(world):
    _city, _handler, admin = world
    deadlines.rules()  # read before the other administrator's rule arrives
    db.session.add(DeadlineRule(stage=S.ANSWER, kind=None, channel=C.LETTER, working_days=9))
    db.session.flush()

    with pytest.raises(DomainError) as refused:
        deadline_rules.add_rule(admin, RuleTerms(S.ANSWER, None, C.LETTER, 12))
    assert refused.value.field == "kind"
