"""Image supervisors: their term, jurisdiction and conflicts; findings, comments, redaction."""

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.clock import local_today
from portal.extensions import db
from portal.models import AuditEvent, Case, CaseKind, Channel, ReporterMode, Role, SupervisorKind
from portal.policy import Permission, can, can_supervise_case, supervised_cases
from portal.services import supervisors, workflow
from portal.services.errors import DomainError
from portal.services.intake import Submission
from portal.services.supervisors import SupervisionFilter, supervision_page
from portal.services.workflow import PermissionDenied
from tests.factories import add_user, build_city, make_case
from tests.protection import REPORTER, appoint, sealed_case


@pytest.fixture
def world(app_context):
    city = build_city()
    supervisor = add_user(Role.SUPERVISOR, city.district, "supervisor")
    appoint(supervisor)
    return SimpleNamespace(city=city, supervisor=supervisor)


def _shown(supervisor, case: Case) -> bool:
    """Tell whether the supervisor sees the case, asking the SQL and the Python rule alike."""
    query = select(Case.id).where(Case.id == case.id, supervised_cases(supervisor))
    in_sql = db.session.scalar(query) is not None
    assert in_sql == can_supervise_case(supervisor, case)
    return in_sql


def _finding(unit, **fields) -> Submission:
    values = {"title": "窗口无人", "body": "上午十点窗口无人值守。", **fields}
    return Submission(kind=CaseKind.OPINION, unit_id=unit.id, **values)


def test_a_supervisor_acts_only_during_their_term(app_context):
    city = build_city()
    serving = add_user(Role.SUPERVISOR, city.district, "serving")
    ended = add_user(Role.SUPERVISOR, city.district, "ended")
    unappointed = add_user(Role.SUPERVISOR, city.district, "unappointed")
    appoint(serving)
    appoint(ended, days_left=-1)

    assert can(serving, Permission.SUPERVISE)
    assert not can(ended, Permission.SUPERVISE)
    assert not can(unappointed, Permission.SUPERVISE)


def test_the_jurisdiction_is_the_accounts_subtree(world):
    township_case, _receipt = make_case(world.city.township)
    bureau_case, _receipt = make_case(world.city.bureau)

    assert _shown(world.supervisor, township_case)
    assert not _shown(world.supervisor, bureau_case)


def test_a_declared_conflict_hides_the_unit_and_everything_below(app_context):
    city = build_city()
    supervisor = add_user(Role.SUPERVISOR, city.committee, "city-wide")
    appoint(supervisor, city.district)
    about, _receipt = make_case(city.township)
    handler = add_user(Role.HANDLER, city.committee, "handler")
    assigned, _receipt = make_case(city.bureau)
    workflow.accept_case(assigned, handler, assigned.version)
    workflow.assign_case(assigned, handler, assigned.version, city.township)
    elsewhere, _receipt = make_case(city.bureau)

    assert not _shown(supervisor, about)
    assert not _shown(supervisor, assigned)
    assert _shown(supervisor, elsewhere)


def test_recusal_and_protection_hold_for_supervisors(world):
    linked = add_user(Role.SUPERVISOR, world.city.committee, "linked", cadre_id=world.city.cadre.id)
    appoint(linked)
    report, _receipt = make_case(
        world.city.bureau, kind=CaseKind.REPORT, cadre_id=world.city.cadre.id
    )
    protected, _receipt = make_case(world.city.township)
    protected.is_protected = True

    assert not _shown(linked, report)
    assert not _shown(world.supervisor, protected)


def test_the_list_pages_by_keyset_and_filters(world, monkeypatch):
    monkeypatch.setattr(supervisors, "PAGE_SIZE", 2)
    made = [make_case(world.city.township)[0] for _ in range(3)]
    praise, _receipt = make_case(world.city.township, kind=CaseKind.PRAISE)

    first = supervision_page(world.supervisor, SupervisionFilter())
    second = supervision_page(world.supervisor, SupervisionFilter(), after=first.after)
    back = supervision_page(world.supervisor, SupervisionFilter(), before=second.before)
    praised = supervision_page(world.supervisor, SupervisionFilter(kind=CaseKind.PRAISE))

    assert [c.id for c in first.cases + second.cases] == [praise.id, *[c.id for c in made][::-1]]
    assert second.after is None and back.cases == first.cases
    assert praised.cases == [praise]


def test_titles_of_the_list_are_redacted(world):
    case = sealed_case(world.city.township)

    page = supervision_page(world.supervisor, SupervisionFilter())

    assert REPORTER.name not in page.titles[case.id]


def test_the_redacted_case_gives_nothing_of_the_reporter_away(world):
    case = sealed_case(world.city.township, event_place="人民路88号门口")
    handler = add_user(Role.HANDLER, world.city.committee, "handler")
    workflow.accept_case(case, handler, case.version)
    workflow.assign_case(case, handler, case.version, world.city.township)
    workflow.start_case(case, handler, case.version)
    workflow.answer_case(case, handler, case.version, "陈秀兰您好，已整改。")

    redacted = supervisors.redacted_case(case)

    texts = [redacted.title, redacted.body, redacted.place]
    texts += [message.text for message in redacted.messages]
    for detail in (REPORTER.name, REPORTER.phone, REPORTER.email, REPORTER.address):
        assert all(detail not in text for text in texts)
    assert "已整改" in redacted.messages[-1].text


def test_a_merge_names_no_master_to_a_supervisor(world):
    # The master may lie outside the supervisor's reach: its number would tell them it exists.
    handler = add_user(Role.HANDLER, world.city.committee, "handler")
    master, _receipt = make_case(world.city.bureau)
    duplicate, _receipt = make_case(world.city.township)
    workflow.merge_case(duplicate, handler, duplicate.version, master)

    timeline = supervisors.redacted_case(duplicate).timeline

    assert [note for event, note in timeline if event.action == "merge"] == [""]
    assert all(master.number not in note for _event, note in timeline)


def test_a_comment_is_a_note_of_the_supervisor_and_is_audited(world):
    case, _receipt = make_case(world.city.township)

    note = supervisors.add_comment(case, world.supervisor, " 现场确实无人 ")

    assert (note.author_id, note.body) == (world.supervisor.id, "现场确实无人")
    audited = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "supervision.comment")
    )
    assert audited.object_id == case.number and "无人" not in audited.details
    assert supervisors.redacted_case(case).comments[0].text == "现场确实无人"


def test_no_comment_outside_the_jurisdiction(world):
    case, _receipt = make_case(world.city.bureau)

    with pytest.raises(PermissionDenied):
        supervisors.add_comment(case, world.supervisor, "看法")


def test_a_finding_is_a_case_of_the_supervisors_channel_recorded_by_them(world):
    case = supervisors.record_finding(world.supervisor, _finding(world.city.township))

    assert (case.channel, case.reporter_mode) == (Channel.SUPERVISOR, ReporterMode.ANONYMOUS)
    assert case.events[0].actor_id == world.supervisor.id
    assert _shown(world.supervisor, case)


def test_a_finding_stays_within_the_jurisdiction_and_off_conflicts(world):
    appoint_conflict = supervisors.declare_conflict(
        world.supervisor, world.city.township, "我在该街道工作"
    )

    for unit in (world.city.bureau, world.city.township):
        with pytest.raises(DomainError) as refused:
            supervisors.record_finding(world.supervisor, _finding(unit))
        assert refused.value.field == "unit_id"
    assert appoint_conflict.unit_id == world.city.township.id


def test_a_conflict_is_declared_once_and_audited(world):
    supervisors.declare_conflict(world.supervisor, world.city.township, "亲属在此工作")

    with pytest.raises(DomainError):
        supervisors.declare_conflict(world.supervisor, world.city.township, "再次声明")

    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supervisor.conflict")
    ).all()
    assert len(audited) == 1


def test_an_administrator_appoints_a_supervisor_for_a_term(app_context):
    city = build_city()
    admin = add_user(Role.ADMIN, city.committee, "admin")
    supervisor = add_user(Role.SUPERVISOR, city.district, "new-supervisor")
    term = (date.today() - timedelta(days=1), date.today() + timedelta(days=365))

    profile = supervisors.appoint_supervisor(
        admin, supervisor, SupervisorKind.CPPCC_MEMBER, term, "市政协委员"
    )

    assert profile.serves_on(date.today()) and can(supervisor, Permission.SUPERVISE)
    with pytest.raises(DomainError):
        supervisors.appoint_supervisor(admin, admin, SupervisorKind.DEPUTY, term)


def test_changing_an_appointment_is_audited_with_what_it_was(app_context):
    city = build_city()
    admin = add_user(Role.ADMIN, city.committee, "admin")
    supervisor = add_user(Role.SUPERVISOR, city.district, "supervisor")
    profile = appoint(supervisor)
    first_end = profile.term_ends
    longer = (profile.term_starts, first_end + timedelta(days=365))

    supervisors.appoint_supervisor(admin, supervisor, SupervisorKind.DEPUTY, longer, "市人大代表")
    supervisors.appoint_supervisor(admin, supervisor, SupervisorKind.DEPUTY, longer, "市人大代表")

    [audited] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supervisor.appoint")
    ).all()  # the second call changed nothing, so nothing more is written
    details = json.loads(audited.details)
    assert (details["from"], details["to"]) == (str(longer[0]), str(longer[1]))
    assert details["before"]["to"] == str(first_end)


def test_a_term_cannot_end_before_it_starts(app_context):
    city = build_city()
    admin = add_user(Role.ADMIN, city.committee, "admin")
    supervisor = add_user(Role.SUPERVISOR, city.district, "supervisor")
    backwards = (date(2026, 3, 1), date(2026, 2, 28))

    with pytest.raises(DomainError) as refused:
        supervisors.appoint_supervisor(admin, supervisor, SupervisorKind.DEPUTY, backwards)

    assert refused.value.field == "term_ends"


def test_an_administrator_appoints_only_inside_their_subtree(app_context):
    city = build_city()
    district_admin = add_user(Role.ADMIN, city.district, "district-admin")
    elsewhere = add_user(Role.SUPERVISOR, city.bureau, "bureau-supervisor")
    term = (local_today(), local_today() + timedelta(days=30))

    with pytest.raises(PermissionDenied):
        supervisors.appoint_supervisor(district_admin, elsewhere, SupervisorKind.DEPUTY, term)
    with pytest.raises(PermissionDenied):
        supervisors.end_appointment(district_admin, elsewhere)


def test_ending_a_term_leaves_the_supervisor_nothing_to_do_from_today(world):
    admin = add_user(Role.ADMIN, world.city.committee, "admin")

    assert supervisors.end_appointment(admin, world.supervisor)

    assert world.supervisor.supervisor_profile.term_ends == local_today() - timedelta(days=1)
    assert not can(world.supervisor, Permission.SUPERVISE)
    assert not supervisors.end_appointment(admin, world.supervisor)  # nothing runs any more
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supervisor.appointment_ended")
    ).all()
    assert len(audited) == 1


def test_ending_a_term_that_has_not_begun_removes_it(app_context):
    city = build_city()
    admin = add_user(Role.ADMIN, city.committee, "admin")
    supervisor = add_user(Role.SUPERVISOR, city.district, "supervisor")
    later = (local_today() + timedelta(days=10), local_today() + timedelta(days=400))
    supervisors.appoint_supervisor(admin, supervisor, SupervisorKind.DEPUTY, later)

    assert supervisors.end_appointment(admin, supervisor)

    assert supervisor.supervisor_profile is None


def test_a_withdrawn_conflict_no_longer_hides_its_units(world):
    case, _receipt = make_case(world.city.township)
    supervisors.declare_conflict(world.supervisor, world.city.district, "亲属在此工作")
    assert not _shown(world.supervisor, case)

    assert supervisors.withdraw_conflict(world.supervisor, world.city.district)

    assert _shown(world.supervisor, case)
    assert supervisors.declared_conflicts(world.supervisor) == []
    assert not supervisors.withdraw_conflict(world.supervisor, world.city.district)
    [audited] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "supervisor.conflict_withdrawn")
    ).all()
    assert audited.actor_id == world.supervisor.id
    assert "亲属" not in audited.details  # the reason is the supervisor's own, as when declared
