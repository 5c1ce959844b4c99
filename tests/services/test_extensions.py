"""Extensions: asked for by whoever handles a case, decided by a superior, told to the reporter."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import AuditEvent, CaseExtension, ClockStage, RequestStatus, Role, utcnow
from portal.services import extensions, workflow
from portal.services.errors import DomainError
from portal.services.tracking import public_timeline
from tests.factories import add_user, build_city, make_case

CITY = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(app_context, time_machine):
    """A case in progress at the bureau, due on 30 September 2026, and the people around it."""
    time_machine.move_to(datetime(2026, 9, 1, 10, tzinfo=CITY), tick=False)
    city = build_city()
    triager = add_user(Role.HANDLER, city.committee, "triager")
    officer = add_user(Role.OFFICER, city.bureau, "officer")
    case, _receipt = make_case(city.bureau)
    workflow.accept_case(case, triager, case.version)
    workflow.assign_case(case, triager, case.version, city.bureau)
    workflow.start_case(case, officer, case.version)
    case.due_on = date(2026, 9, 30)
    db.session.flush()
    return city, case, triager, officer


def _audits(prefix: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


def test_an_approved_extension_moves_the_due_date_across_national_day(world):
    _city, case, triager, officer = world
    extension = extensions.request_extension(case, officer, 5, "需要调取监控录像")

    extensions.approve_extension(extension, triager, "同意")

    # From Wed 30 Sep: National Day 1-7 Oct is off, then 8, 9, 10 (a Saturday, made up), 12, 13.
    assert case.due_on == extension.new_due_on == date(2026, 10, 13)
    assert extension.previous_due_on == date(2026, 9, 30)
    assert (extension.status, extension.decided_by) == (RequestStatus.APPROVED, triager)
    assert extension.stage == ClockStage.ANSWER
    db.session.commit()  # the CHECK constraints accept the decided row


def test_the_reporter_reads_an_approved_extension_and_its_reason(world):
    _city, case, triager, officer = world
    extension = extensions.request_extension(case, officer, 5, "需要调取监控录像")
    extensions.approve_extension(extension, triager)

    event = public_timeline(case)[-1]
    assert (event.action, event.note, event.to_status) == ("extend", "需要调取监控录像", None)
    assert extensions.approved_extensions(case) == [extension]


def test_a_denied_extension_leaves_the_deadline_and_tells_the_reporter_nothing(world):
    _city, case, triager, officer = world
    events = len(case.events)
    extension = extensions.request_extension(case, officer, 5, "人手不足")

    extensions.deny_extension(extension, triager, "请按期办结")

    assert case.due_on == date(2026, 9, 30)
    assert extension.status == RequestStatus.DENIED and extension.new_due_on is None
    assert len(case.events) == events
    db.session.commit()


def test_request_approval_and_denial_are_audited(world):
    _city, case, triager, officer = world
    first = extensions.request_extension(case, officer, 5, "需要调取监控录像")
    extensions.deny_extension(first, triager)
    second = extensions.request_extension(case, officer, 3, "当事人出差")
    extensions.approve_extension(second, triager)

    trail = _audits("extension.")
    assert [(e.action, e.actor) for e in trail] == [
        ("extension.request", "officer"),
        ("extension.deny", "triager"),
        ("extension.request", "officer"),
        ("extension.approve", "triager"),
    ]
    assert all(e.object_id == case.number for e in trail)
    assert '"to":"2026-10-10"' in trail[-1].details


def test_only_a_superior_decides(world):
    city, case, triager, officer = world
    colleague = add_user(Role.HANDLER, city.bureau, "bureau-handler")
    district = add_user(Role.HANDLER, city.district, "district-handler")
    extension = extensions.request_extension(case, officer, 5, "需要调取监控录像")

    assert extensions.may_decide(triager, extension)  # the committee is above the bureau
    assert not extensions.may_decide(colleague, extension)  # same unit: not above
    assert not extensions.may_decide(district, extension)  # another branch of the tree
    with pytest.raises(workflow.PermissionDenied):
        extensions.approve_extension(extension, colleague)


def test_nobody_decides_their_own_request(world):
    _city, case, triager, _officer = world
    extension = extensions.request_extension(case, triager, 5, "案情复杂")

    assert not extensions.may_decide(triager, extension)


def test_an_administrator_decides_within_their_scope_even_at_the_same_level(world):
    city, case, _triager, _officer = world
    top_handler = add_user(Role.HANDLER, city.committee, "top-handler")
    admin = add_user(Role.ADMIN, city.committee, "admin")
    district_admin = add_user(Role.ADMIN, city.district, "district-admin")
    extension = extensions.request_extension(case, top_handler, 5, "案情复杂")

    assert extensions.may_decide(admin, extension)
    assert not extensions.may_decide(district_admin, extension)


def test_one_request_waits_at_a_time(world):
    _city, case, _triager, officer = world
    extensions.request_extension(case, officer, 5, "需要调取监控录像")

    with pytest.raises(DomainError):
        extensions.request_extension(case, officer, 3, "再延几天")


def test_a_request_sent_at_the_same_moment_as_another_is_refused_politely(world, monkeypatch):
    _city, case, _triager, officer = world
    first = extensions.request_extension(case, officer, 5, "需要调取监控录像")
    # The second request read the case before the first was written: it saw nothing waiting.
    monkeypatch.setattr(extensions, "pending_extension", lambda _case: None)

    with pytest.raises(DomainError) as refused:
        extensions.request_extension(case, officer, 3, "再延几天")

    assert refused.value.message == extensions.ALREADY_PENDING
    pending = select(CaseExtension).where(CaseExtension.status == RequestStatus.PENDING)
    assert db.session.scalars(pending).all() == [first]
    db.session.commit()  # the refusal left the transaction usable


@pytest.mark.parametrize("days", [0, 61])
def test_an_extension_is_one_to_sixty_working_days(world, days):
    _city, case, _triager, officer = world

    with pytest.raises(DomainError) as refused:
        extensions.request_extension(case, officer, days, "需要调取监控录像")
    assert refused.value.field == "working_days"


def test_a_reason_is_required(world):
    _city, case, _triager, officer = world

    with pytest.raises(DomainError) as refused:
        extensions.request_extension(case, officer, 5, "   ")
    assert refused.value.field == "reason"


def test_a_finished_case_takes_no_extension_and_a_pending_one_can_only_be_denied(world):
    _city, case, triager, officer = world
    extension = extensions.request_extension(case, officer, 5, "需要调取监控录像")
    workflow.answer_case(case, officer, case.version, "已核实处理。")

    with pytest.raises(DomainError):
        extensions.request_extension(case, officer, 5, "再延几天")
    with pytest.raises(DomainError):
        extensions.approve_extension(extension, triager)
    extensions.deny_extension(extension, triager)
    assert extension.status == RequestStatus.DENIED


def test_the_superior_lists_what_waits_for_them(world):
    city, case, triager, officer = world
    other_case, _ = make_case(city.bureau, title="另一件")
    workflow.accept_case(other_case, triager, other_case.version)
    mine = extensions.request_extension(case, officer, 5, "需要调取监控录像")
    own = extensions.request_extension(other_case, triager, 2, "案情复杂")

    assert extensions.extensions_to_decide(triager) == [mine]
    assert own not in extensions.extensions_to_decide(triager)
    assert extensions.extensions_to_decide(officer) == []


def test_a_decision_taken_meanwhile_by_another_superior_stands(world):
    city, case, triager, officer = world
    admin = add_user(Role.ADMIN, city.committee, "admin")
    extension = extensions.request_extension(case, officer, 5, "需要调取监控录像")
    # Another worker's decision, committed while this one still reads the request as pending.
    db.session.execute(
        update(CaseExtension)
        .where(CaseExtension.id == extension.id)
        .values(status=RequestStatus.DENIED, decided_by_id=admin.id, decided_at=utcnow()),
        execution_options={"synchronize_session": False},
    )

    with pytest.raises(DomainError):
        extensions.approve_extension(extension, triager)
    assert case.due_on == date(2026, 9, 30)
