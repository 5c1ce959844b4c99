"""The case workflow, stated as its transition table."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ActorKind, AuditEvent, CaseStatus, RejectionReason, Role
from portal.services import workflow
from portal.services.workflow import (
    TRANSITIONS,
    InvalidTransition,
    PermissionDenied,
    StaleCase,
)
from tests.factories import add_user, build_city, make_case

S = CaseStatus

# (from, action, to): the specification, read as a table.
SPECIFICATION = [
    (S.RECEIVED, "accept", S.ACCEPTED),
    (S.RECEIVED, "reject", S.REJECTED),
    (S.ACCEPTED, "reject", S.REJECTED),
    (S.ACCEPTED, "assign", S.ASSIGNED),
    (S.ASSIGNED, "reassign", S.ASSIGNED),
    (S.IN_PROGRESS, "reassign", S.ASSIGNED),
    (S.ASSIGNED, "start", S.IN_PROGRESS),
    (S.IN_PROGRESS, "answer", S.ANSWERED),
    (S.ANSWERED, "close", S.CLOSED),
    (S.ACCEPTED, "close", S.CLOSED),
    (S.ANSWERED, "reopen", S.IN_PROGRESS),
    (S.CLOSED, "reopen", S.ACCEPTED),
    (S.REJECTED, "reopen", S.RECEIVED),
    (S.ANSWERED, "reporter_reopen", S.IN_PROGRESS),
    (S.CLOSED, "reporter_reopen", S.IN_PROGRESS),
    (S.RECEIVED, "merge", S.MERGED),
    (S.ACCEPTED, "merge", S.MERGED),
    (S.ASSIGNED, "merge", S.MERGED),
    (S.IN_PROGRESS, "merge", S.MERGED),
]

ACTIONS = sorted({action for _, action, _ in SPECIFICATION})


def test_the_table_is_exactly_the_specification():
    assert {(source, action): target for source, action, target in SPECIFICATION} == TRANSITIONS


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    return city, handler


def _case_in(status, city, handler):
    """Walk a fresh case to a status through the service itself."""
    case, _receipt = make_case(city.bureau)
    paths = {
        S.RECEIVED: [],
        S.ACCEPTED: ["accept"],
        S.REJECTED: ["reject"],
        S.ASSIGNED: ["accept", "assign"],
        S.IN_PROGRESS: ["accept", "assign", "start"],
        S.ANSWERED: ["accept", "assign", "start", "answer"],
        S.CLOSED: ["accept", "assign", "start", "answer", "close"],
    }
    for action in paths[status]:
        _do(action, case, city, handler)
    return case


def _do(action, case, city, handler):
    master = None
    if action == "merge":
        master, _ = make_case(city.bureau, title="同一问题的另一件")
    calls = {
        "accept": lambda: workflow.accept_case(case, handler, case.version),
        "reject": lambda: workflow.reject_case(
            case, handler, case.version, RejectionReason.SPAM, "重复发送的广告"
        ),
        "assign": lambda: workflow.assign_case(case, handler, case.version, city.bureau),
        "reassign": lambda: workflow.assign_case(case, handler, case.version, city.district),
        "start": lambda: workflow.start_case(case, handler, case.version),
        "answer": lambda: workflow.answer_case(case, handler, case.version, "已督促整改。"),
        "close": lambda: workflow.close_case(case, handler, case.version),
        "reopen": lambda: workflow.reopen_case(case, handler, case.version, "群众不满意"),
        "reporter_reopen": lambda: workflow.reporter_reopen_case(case, "问题没有解决"),
        "merge": lambda: workflow.merge_case(case, handler, case.version, master),
    }
    return calls[action]()


@pytest.mark.parametrize(("source", "action", "target"), SPECIFICATION)
def test_a_legal_move_changes_status_and_writes_history_and_audit(world, source, action, target):
    city, handler = world
    case = _case_in(source, city, handler)
    assert _do(action, case, city, handler) is True

    assert case.status == target
    event = case.events[-1]
    assert (event.action, event.from_status, event.to_status) == (action, source, target)
    by_reporter = action in workflow.REPORTER_ACTIONS
    assert event.actor_id == (None if by_reporter else handler.id)
    assert event.actor_kind == (ActorKind.REPORTER if by_reporter else ActorKind.STAFF)
    last_audit = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert (last_audit.action, last_audit.object_id) == (f"case.{action}", case.number)
    db.session.commit()  # the database's CHECK constraints accept the new row


# assign_case is one verb for "assign" and "reassign"; it picks the action from the status.
ONE_VERB = {(S.ACCEPTED, "reassign"), (S.IN_PROGRESS, "assign")}
ILLEGAL = [
    (status, action)
    for status in (
        S.RECEIVED,
        S.ACCEPTED,
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.ANSWERED,
        S.CLOSED,
        S.REJECTED,
    )
    for action in ACTIONS
    if (status, action) not in TRANSITIONS | dict.fromkeys(ONE_VERB)
    and {t for (_, a), t in TRANSITIONS.items() if a == action} != {status}
]


@pytest.mark.parametrize(("source", "action"), ILLEGAL)
def test_an_illegal_move_is_refused_and_changes_nothing(world, source, action):
    city, handler = world
    case = _case_in(source, city, handler)
    events = len(case.events)

    with pytest.raises(InvalidTransition):
        _do(action, case, city, handler)

    assert case.status == source
    assert len(case.events) == events


def test_accepting_an_accepted_case_again_is_a_no_op(world):
    city, handler = world
    case = _case_in(S.ACCEPTED, city, handler)
    events = len(case.events)

    assert workflow.accept_case(case, handler, case.version) is False
    assert len(case.events) == events


def test_a_stale_version_is_refused(world):
    city, handler = world
    case = _case_in(S.RECEIVED, city, handler)
    seen = case.version
    workflow.accept_case(case, handler, seen)

    with pytest.raises(StaleCase):
        workflow.reject_case(case, handler, seen, RejectionReason.SPAM)
    assert case.status == S.ACCEPTED


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.OFFICER])
def test_roles_without_triage_cannot_accept(world, role):
    city, _handler = world
    case = _case_in(S.RECEIVED, city, _handler)
    other = add_user(role, city.committee, f"{role.value}-x")

    with pytest.raises(PermissionDenied):
        workflow.accept_case(case, other, case.version)


def test_a_handler_outside_the_scope_cannot_act(world):
    city, _handler = world
    case = _case_in(S.RECEIVED, city, _handler)
    district_handler = add_user(Role.HANDLER, city.district, "district-handler")

    with pytest.raises(PermissionDenied):
        workflow.accept_case(case, district_handler, case.version)


def test_a_merged_duplicate_shows_the_masters_answer_to_its_reporter(world):
    from portal.services.tracking import reporter_messages

    city, handler = world
    duplicate = _case_in(S.RECEIVED, city, handler)
    master = _case_in(S.IN_PROGRESS, city, handler)
    workflow.merge_case(duplicate, handler, duplicate.version, master)
    workflow.answer_case(master, handler, master.version, "窗口已增加到三个。")

    assert [m.body for m in reporter_messages(duplicate)] == ["窗口已增加到三个。"]
    assert duplicate.merged_into_id == master.id


def test_a_master_merged_in_turn_passes_the_final_answer_down_the_chain(world):
    from portal.services.tracking import reporter_messages

    city, handler = world
    first = _case_in(S.RECEIVED, city, handler)
    middle = _case_in(S.RECEIVED, city, handler)
    last = _case_in(S.IN_PROGRESS, city, handler)
    workflow.merge_case(first, handler, first.version, middle)
    workflow.merge_case(middle, handler, middle.version, last)
    workflow.answer_case(last, handler, last.version, "已统一答复。")

    assert [m.body for m in reporter_messages(first)] == ["已统一答复。"]
    assert [m.body for m in reporter_messages(middle)] == ["已统一答复。"]


def test_an_answer_sent_on_a_stale_page_is_refused_not_dropped(world):
    city, handler = world
    case = _case_in(S.IN_PROGRESS, city, handler)
    seen = case.version
    workflow.answer_case(case, handler, seen, "第一位办理人的答复。")

    with pytest.raises(StaleCase):
        workflow.answer_case(case, handler, seen, "第二位办理人的答复。")
    assert [m.body for m in case.messages] == ["第一位办理人的答复。"]
