"""Evidence on the case page: the list, audited downloads, staff uploads, who is refused."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, CaseEvent, Role, User
from portal.services.evidence import attach_files, clean_upload
from tests.console import sign_in
from tests.evidence import corpus
from tests.evidence.helpers import attachments, stored_files, upload
from tests.factories import add_user, build_city, make_case

EN = {"Accept-Language": "en"}


@pytest.fixture
def app(make_app, tmp_path):
    """Return the portal for tests, keeping evidence files in tmp_path."""
    return make_app(UPLOAD_DIR=str(tmp_path / "uploads"))


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


@pytest.fixture
def desk(app, client):
    """A case of the bureau with the reporter's photo; a city-wide handler signed in."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler", display_name="李处长")
        case, _receipt = make_case(city.bureau)
        photo = clean_upload(io.BytesIO(corpus.gps_jpeg()), "现场照片.jpg")
        [attachment] = attach_files(case, [photo], arrived_with_case=True)
        accounts = {
            role: add_user(role, unit, f"{role.value}-{unit.id}-probe").id
            for role, unit in [
                (Role.SUPERVISOR, city.committee),
                (Role.OFFICER, city.committee),
                (Role.HANDLER, city.district),
                (Role.CUSTODIAN, city.committee),
            ]
        }
        db.session.commit()
        sign_in(client, handler)
        return SimpleNamespace(
            number=case.number,
            file_id=attachment.id,
            sha256=attachment.sha256,
            handler=handler.id,
            supervisor=accounts[Role.SUPERVISOR],
            outsider=accounts[Role.HANDLER],
            custodian=accounts[Role.CUSTODIAN],
        )


def _as(app, user_id: int) -> FlaskClient:
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, user_id))
    return client


def _views(app) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(AuditEvent.action == "evidence.view")
        return list(db.session.scalars(query))


def _download(client, desk, file_id=None):
    return client.get(f"/console/cases/{desk.number}/files/{file_id or desk.file_id}", headers=EN)


def test_the_case_page_lists_the_files_with_who_attached_them(client, desk):
    page = client.get(f"/console/cases/{desk.number}", headers=EN).get_data(as_text=True)

    assert "Evidence files" in page
    assert f'href="/console/cases/{desk.number}/files/{desk.file_id}"' in page
    assert "现场照片.jpg" in page and "JPEG image" in page
    assert "the reporter" in page
    assert f'<code title="{desk.sha256}">{desk.sha256[:12]}</code>' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_download_is_sent_as_an_attachment_and_audited(app, client, desk):
    response = _download(client, desk)

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    [view] = _views(app)
    assert (view.actor, view.object_id) == ("handler", desk.number)
    assert f'"file":{desk.file_id}' in view.details


def test_a_file_of_another_case_is_not_found_under_this_number(app, client, desk):
    with app.app_context():
        other, _receipt = make_case(db.session.get(User, desk.handler).unit)
        file = clean_upload(io.BytesIO(corpus.plain_pdf()), "other.pdf")
        [elsewhere] = attach_files(other, [file])
        db.session.commit()
        elsewhere_id = elsewhere.id

    assert _download(client, desk, elsewhere_id).status_code == 404
    assert _download(client, desk, 999_999).status_code == 404
    assert _views(app) == []


def test_an_account_without_the_case_in_scope_gets_404_and_no_file(app, desk):
    response = _download(_as(app, desk.outsider), desk)

    assert response.status_code == 404
    assert _views(app) == []


@pytest.mark.parametrize("role", ["supervisor", "custodian"])
def test_image_supervisors_and_custodians_never_get_a_file(app, desk, role):
    client = _as(app, getattr(desk, role))

    assert _download(client, desk).status_code == 403
    files = {"evidence": [upload(corpus.plain_jpeg(), "a.jpg")]}
    assert client.post(f"/console/cases/{desk.number}/files", data=files).status_code == 403
    assert _views(app) == []
    assert len(attachments(app)) == 1


def test_staff_attach_files_internally_and_audited(app, client, desk, upload_dir):
    files = {"evidence": [upload(corpus.pdf_with_metadata(), "来信扫描件.pdf")]}

    response = client.post(f"/console/cases/{desk.number}/files", data=files, headers=EN)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/cases/{desk.number}#evidence-files"
    _photo, scan = attachments(app)
    assert (scan.display_name, scan.uploaded_by_id) == ("来信扫描件.pdf", desk.handler)
    assert (upload_dir / scan.storage_name).is_file()
    with app.app_context():
        event = db.session.scalars(select(CaseEvent).order_by(CaseEvent.id.desc())).first()
        assert (event.action, event.is_public, event.actor_id) == (
            "attach_evidence",
            False,
            desk.handler,
        )
        attached = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "evidence.attach")
        ).all()
        assert [event.actor for event in attached] == ["reporter", "handler"]
    page = client.get(f"/console/cases/{desk.number}", headers=EN).get_data(as_text=True)
    assert "The file is attached." in page and "李处长" in page


def test_a_refused_staff_upload_shows_why_and_keeps_nothing(app, client, desk, upload_dir):
    before = stored_files(upload_dir)
    files = {"evidence": [upload(corpus.plain_jpeg(), "ok.jpg"), upload(corpus.svg(), "x.jpg")]}

    response = client.post(f"/console/cases/{desk.number}/files", data=files, headers=EN)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“x.jpg” is not a JPEG or PNG picture" in page
    assert "Nothing was attached. Please choose the files again." in page
    assert stored_files(upload_dir) == before
    assert len(attachments(app)) == 1


def test_an_upload_without_files_asks_for_one(client, desk):
    response = client.post(f"/console/cases/{desk.number}/files", data={}, headers=EN)

    assert response.status_code == 422
    assert "Please choose at least one file to attach." in response.get_data(as_text=True)


def test_an_upload_without_a_csrf_token_keeps_nothing(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=True, UPLOAD_DIR=str(tmp_path / "uploads"))
    client = app.test_client()
    with app.app_context():
        city = build_city()
        case, _receipt = make_case(city.bureau)
        handler = add_user(Role.HANDLER, city.committee, "handler")
        db.session.commit()
        sign_in(client, handler)
        number = case.number
    files = {"evidence": [upload(corpus.plain_jpeg(), "a.jpg")]}

    response = client.post(f"/console/cases/{number}/files", data=files, headers=EN)

    assert response.status_code == 400
    assert (attachments(app), stored_files(tmp_path / "uploads")) == ([], [])
