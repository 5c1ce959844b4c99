"""Sealed identities: request, approve or deny, read; four eyes, a window, and the audit."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, IdentityRequest, ReporterMode, RequestStatus, Role, utcnow
from portal.services import cases, identity
from portal.services.errors import DomainError
from portal.services.intake import ContactDetails
from portal.services.workflow import PermissionDenied
from tests.factories import add_user, build_city, make_case
from tests.protection import REPORTER, sealed_case


@pytest.fixture
def world(app_context):
    city = build_city()
    return SimpleNamespace(
        city=city,
        handler=add_user(Role.HANDLER, city.committee, "handler"),
        custodian=add_user(Role.CUSTODIAN, city.committee, "custodian"),
        case=sealed_case(city.bureau),
    )


def _audits(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _approved(world) -> IdentityRequest:
    request = identity.request_identity(world.case, world.handler, "需要当面核实举报细节")
    identity.decide_request(request, world.custodian, approve=True, reason="")
    return request


def test_a_request_names_its_motivation_and_unit_and_is_audited(world):
    request = identity.request_identity(world.case, world.handler, "  需要当面核实举报细节  ")

    assert (request.status, request.motivation) == (RequestStatus.PENDING, "需要当面核实举报细节")
    assert request.requester_unit_id == world.handler.unit_id
    [audited] = _audits("identity.request")
    assert (audited.actor_id, audited.object_id) == (world.handler.id, world.case.number)
    assert "核实" not in audited.details


def test_a_request_without_a_motivation_is_refused(world):
    with pytest.raises(DomainError) as refused:
        identity.request_identity(world.case, world.handler, "   ")

    assert refused.value.field == "motivation"


@pytest.mark.parametrize("mode", [ReporterMode.NAMED, ReporterMode.ANONYMOUS])
def test_only_a_confidential_identity_is_requested(world, mode):
    contact = ContactDetails(name="李四", phone="1") if mode == ReporterMode.NAMED else None
    fields = {"contact": contact} if contact else {}
    case, _receipt = make_case(world.city.bureau, reporter_mode=mode, **fields)

    with pytest.raises(DomainError):
        identity.request_identity(case, world.handler, "理由")


def test_one_request_waits_at_a_time(world):
    identity.request_identity(world.case, world.handler, "理由")
    colleague = add_user(Role.HANDLER, world.city.committee, "colleague")

    with pytest.raises(DomainError):
        identity.request_identity(world.case, colleague, "另一个理由")


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.OFFICER, Role.CUSTODIAN, Role.SUPERVISOR])
def test_roles_without_the_permission_cannot_ask(world, role):
    with pytest.raises(PermissionDenied):
        identity.request_identity(world.case, add_user(role, world.city.committee), "理由")


def test_nobody_outside_the_scope_can_ask(world):
    outsider = add_user(Role.HANDLER, world.city.district, "outsider")

    with pytest.raises(PermissionDenied):
        identity.request_identity(world.case, outsider, "理由")


def test_a_custodian_approves_and_it_is_audited(world):
    request = _approved(world)

    assert request.status == RequestStatus.APPROVED
    assert request.decided_by_id == world.custodian.id and request.decided_at is not None
    [audited] = _audits("identity.approve")
    assert audited.actor_id == world.custodian.id


def test_a_denial_must_say_why_and_the_identity_stays_sealed(world):
    request = identity.request_identity(world.case, world.handler, "想看看")

    with pytest.raises(DomainError) as refused:
        identity.decide_request(request, world.custodian, approve=False, reason=" ")
    identity.decide_request(request, world.custodian, approve=False, reason="理由不足以开启身份")

    assert refused.value.field == "reason"
    assert (request.status, request.decision_reason) == (RequestStatus.DENIED, "理由不足以开启身份")
    assert len(_audits("identity.deny")) == 1
    with pytest.raises(DomainError):
        identity.read_identity(request, world.handler)
    assert _audits("identity.read") == []


def test_a_request_is_decided_once(world):
    request = _approved(world)
    other = add_user(Role.CUSTODIAN, world.city.committee, "other-custodian")

    with pytest.raises(DomainError):
        identity.decide_request(request, other, approve=False, reason="不同意")

    assert request.status == RequestStatus.APPROVED


def test_nobody_decides_on_their_own_request(world):
    request = IdentityRequest(
        case_id=world.case.id,
        requested_by_id=world.custodian.id,
        requester_unit_id=world.custodian.unit_id,
        motivation="理由",
    )
    db.session.add(request)
    db.session.flush()

    with pytest.raises(DomainError):
        identity.decide_request(request, world.custodian, approve=True, reason="")


def test_a_custodian_outside_the_scope_or_recused_cannot_decide(world):
    request = identity.request_identity(world.case, world.handler, "理由")
    district = add_user(Role.CUSTODIAN, world.city.district, "district-custodian")
    world.case.cadre_id = world.city.cadre.id
    accused = add_user(
        Role.CUSTODIAN, world.city.committee, "accused", cadre_id=world.city.cadre.id
    )

    for custodian in (district, accused, world.handler):
        with pytest.raises(PermissionDenied):
            identity.decide_request(request, custodian, approve=True, reason="")
    assert identity.pending_requests(district) == [] and identity.pending_requests(accused) == []
    assert identity.pending_requests(world.custodian) == [request]


def test_the_requester_reads_it_audited_and_the_reporter_is_told_once(world):
    request = _approved(world)

    details = identity.read_identity(request, world.handler)
    identity.read_identity(request, world.handler)

    assert details == REPORTER
    assert request.opened_at is not None
    assert len(_audits("identity.read")) == 2
    [opened] = [event for event in world.case.events if event.action == "identity_opened"]
    assert opened.is_public and opened.note == world.city.committee.name


def test_only_the_requester_reads(world):
    request = _approved(world)
    colleague = add_user(Role.HANDLER, world.city.committee, "colleague")

    with pytest.raises(DomainError):
        identity.read_identity(request, colleague)

    assert _audits("identity.read") == [] and request.opened_at is None


def test_the_approval_lapses_after_the_window(world, app):
    request = _approved(world)
    days = app.config["IDENTITY_ACCESS_DAYS"]

    with time_machine.travel(utcnow() + timedelta(days=days, minutes=1)):
        assert identity.readable_request(world.handler, world.case) is None
        with pytest.raises(DomainError):
            identity.read_identity(request, world.handler)
    assert identity.readable_request(world.handler, world.case) == request


def test_contact_details_of_a_confidential_reporter_are_refused(world):
    with pytest.raises(DomainError):
        cases.reveal_contact(world.case, world.handler)

    assert _audits("contact.view") == []
