"""Attaching cleaned files: stored atomically, rows and audit per file, nothing left on rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Attachment, AuditEvent, CaseEvent, FileKind, Role
from portal.services import evidence
from portal.services.errors import DomainError
from portal.services.evidence import CleanFile, attach_files
from portal.services.workflow import PermissionDenied
from tests.evidence import corpus
from tests.evidence.helpers import stored_files
from tests.factories import add_user, build_city, make_case


@pytest.fixture
def world(app_context):
    city = build_city()
    case, _receipt = make_case(city.bureau)
    return city, case


def photo(name: str = "photo.jpg") -> CleanFile:
    return CleanFile(name, FileKind.JPEG, corpus.plain_jpeg())


def test_committed_files_stay_with_a_row_and_an_audit_event_each(world, upload_dir):
    _city, case = world

    kept = attach_files(case, [photo("a.jpg"), photo("b.jpg")])
    db.session.commit()

    assert stored_files(upload_dir) == sorted(upload_dir / file.storage_name for file in kept)
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "evidence.attach")
    ).all()
    assert [(event.object_id, event.actor) for event in audited] == [(case.number, "reporter")] * 2
    for file, event in zip(kept, audited, strict=True):
        assert f'"file":{file.id}' in event.details


def test_the_upload_folder_is_made_private_on_first_use(world, upload_dir):
    assert not upload_dir.exists()

    attach_files(world[1], [photo()])

    assert upload_dir.stat().st_mode & 0o777 == 0o700


def test_a_rollback_deletes_the_files_the_transaction_wrote(world, upload_dir):
    _city, case = world
    db.session.commit()

    attach_files(case, [photo()])
    assert len(stored_files(upload_dir)) == 1
    db.session.rollback()

    assert stored_files(upload_dir) == []
    assert db.session.scalars(select(Attachment)).all() == []


def test_a_failure_while_attaching_leaves_no_file(world, upload_dir, monkeypatch):
    _city, case = world

    def fail(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evidence.audit, "record", fail)
    with pytest.raises(RuntimeError):
        attach_files(case, [photo(), photo()])
    db.session.rollback()

    assert stored_files(upload_dir) == []


def test_files_of_an_earlier_committed_transaction_survive_a_later_rollback(world, upload_dir):
    _city, case = world
    [kept] = attach_files(case, [photo()])
    db.session.commit()

    attach_files(case, [photo()])
    db.session.rollback()

    assert stored_files(upload_dir) == [upload_dir / kept.storage_name]


def test_files_added_later_get_an_event_public_only_when_the_reporter_added_them(world):
    city, case = world
    handler = add_user(Role.HANDLER, city.committee, "handler")

    attach_files(case, [photo()])
    attach_files(case, [photo()], uploaded_by=handler)

    events = db.session.scalars(
        select(CaseEvent).where(CaseEvent.action == "attach_evidence").order_by(CaseEvent.id)
    ).all()
    assert [(event.is_public, event.actor_id) for event in events] == [
        (True, None),
        (False, handler.id),
    ]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CUSTODIAN])
def test_accounts_without_the_permission_attach_nothing(world, upload_dir, role):
    city, case = world
    account = add_user(role, city.committee)

    with pytest.raises(PermissionDenied):
        attach_files(case, [photo()], uploaded_by=account)

    assert stored_files(upload_dir) == []


def test_staff_out_of_scope_attach_nothing(world, upload_dir):
    city, case = world
    outsider = add_user(Role.HANDLER, city.district, "outsider")

    with pytest.raises(PermissionDenied):
        attach_files(case, [photo()], uploaded_by=outsider)

    assert stored_files(upload_dir) == []


def test_more_files_than_allowed_are_refused_before_any_is_written(world, upload_dir):
    with pytest.raises(DomainError):
        attach_files(world[1], [photo() for _ in range(6)])

    assert stored_files(upload_dir) == []
