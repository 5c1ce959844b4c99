"""Internal notes, reading contact details, and what the case page loads."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ReporterMode, Role
from portal.services import cases, workflow
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails
from portal.services.workflow import PermissionDenied
from tests.factories import add_user, build_city, make_case


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    case, _receipt = make_case(
        city.bureau,
        reporter_mode=ReporterMode.NAMED,
        contact=ContactDetails(name="李四", email="lisi@example.cn"),
    )
    return city, handler, case


def _last_audit() -> AuditEvent:
    return db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))


def test_a_note_is_stored_and_audited_without_its_text(world):
    _city, handler, case = world

    note = cases.add_note(case, handler, "  需要回访  ")

    assert (note.body, note.author_id) == ("需要回访", handler.id)
    audit = _last_audit()
    assert (audit.action, audit.object_id, audit.actor_id) == ("case.note", case.number, handler.id)
    assert "需要回访" not in audit.details


def test_an_empty_note_is_refused(world):
    _city, handler, case = world

    with pytest.raises(DomainError) as refused:
        cases.add_note(case, handler, "   ")

    assert refused.value.field == "body"


def test_nobody_outside_the_scope_writes_notes(world):
    city, _handler, case = world
    outsider = add_user(Role.HANDLER, city.district, "outsider")

    with pytest.raises(PermissionDenied):
        cases.add_note(case, outsider, "看看")


def test_reading_contact_details_is_audited(world):
    _city, handler, case = world

    details = cases.reveal_contact(case, handler)

    assert (details.name, details.email) == ("李四", "lisi@example.cn")
    audit = _last_audit()
    assert (audit.action, audit.object_id, audit.actor_id) == (
        "contact.view",
        case.number,
        handler.id,
    )
    assert "李四" not in audit.details


def test_an_anonymous_case_reveals_nothing_and_audits_nothing(world):
    city, handler, _case = world
    anonymous, _receipt = make_case(city.bureau)
    before = _last_audit().seq

    assert cases.reveal_contact(anonymous, handler) is None
    assert _last_audit().seq == before


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.OFFICER])
def test_roles_without_the_permission_cannot_read_contact_details(world, role):
    city, _handler, case = world

    with pytest.raises(PermissionDenied):
        cases.reveal_contact(case, add_user(role, city.committee, f"{role.value}-x"))


def test_the_case_file_holds_history_notes_and_duplicates(world):
    city, handler, case = world
    duplicate, _receipt = make_case(city.bureau)
    workflow.merge_case(duplicate, handler, duplicate.version, case)
    cases.add_note(case, handler, "同一窗口")

    file = cases.case_file(case)

    assert [event.action for event in file.events] == ["submit"]
    assert [note.body for note in file.notes] == ["同一窗口"]
    assert file.duplicates == [duplicate]
    assert file.last_event_id == file.events[-1].id


def test_a_district_account_assigns_within_its_subtree_to_handlers_who_cover_it(world):
    city, _handler, _case = world
    district = add_user(Role.HANDLER, city.district, "district")
    add_user(Role.HANDLER, city.bureau, "bureau")
    add_user(Role.SUPERVISOR, city.district, "supervisor")

    units = cases.assignable_units(district)
    handlers = cases.possible_handlers(district)

    assert units == [city.district, city.township]
    assert {user.username for user in handlers} == {"handler", "district"}
