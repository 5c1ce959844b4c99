"""The reporter's files on the track page: adding more, seeing their own, downloading them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Case, CaseEvent, CaseMessage, RejectionReason, Role, Unit
from portal.services import workflow
from portal.services.evidence import attach_files, clean_upload
from tests.evidence import corpus
from tests.evidence.helpers import attachments, audit_actions, stored_files, upload
from tests.factories import add_user
from tests.public import english, open_case, opinion_form, report_form, seed_city, send_case

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


@pytest.fixture
def opened(client, ids):
    """Send a report with a photo named in Chinese, and open it; return its number."""
    form = report_form(ids, evidence=[upload(corpus.gps_jpeg(), "现场 照片.jpg")])
    number, receipt = send_case(client, "report", form)
    assert open_case(client, number, receipt).status_code == 303
    return number


def add(client, body: str = "补充：当天还有其他群众在场。", files=()):
    return client.post("/track/case/information", data={"body": body, "evidence": list(files)})


def test_the_reporter_sees_their_files_with_a_download_link(app, client, opened):
    [kept] = attachments(app)

    page = client.get("/track/case").get_data(as_text=True)

    assert "Your files" in page
    assert f'href="/track/case/files/{kept.id}"' in page
    assert "现场 照片.jpg" in page
    assert "A file can identify you." in page


def test_a_download_is_an_attachment_that_runs_and_sniffs_nothing(app, client, opened, upload_dir):
    [kept] = attachments(app)

    response = client.get(f"/track/case/files/{kept.id}")

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.data == (upload_dir / kept.storage_name).read_bytes()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87.jpg" in disposition
    for name, value in DOWNLOAD_HEADERS.items():
        assert response.headers[name] == value


def test_adding_information_with_files_attaches_them_for_the_reporter(app, client, opened):
    files = [upload(corpus.png_with_text(), "截图.png"), upload(corpus.plain_pdf(), "a.pdf")]

    response = add(client, files=files)

    assert response.status_code == 303
    _first, screenshot, document = attachments(app)
    assert (screenshot.display_name, document.display_name) == ("截图.png", "a.pdf")
    assert screenshot.uploaded_by_id is None
    with app.app_context():
        events = db.session.scalars(select(CaseEvent).order_by(CaseEvent.id.desc())).all()
        added = [(event.action, event.is_public, event.actor_id) for event in events[:2]]
        assert added == [("attach_evidence", True, None), ("add_information", True, None)]
    assert audit_actions(app).count(("evidence.attach", "reporter")) == 3
    page = client.get("/track/case").get_data(as_text=True)
    assert "Your information was added to the case." in page
    assert "Your 2 files were attached." in page
    assert "You added information" in page and "You added files" in page


def test_files_alone_are_added_without_any_text(app, client, opened):
    response = add(client, body="", files=[upload(corpus.png_with_text(), "截图.png")])

    assert response.status_code == 303
    assert [file.display_name for file in attachments(app)] == ["现场 照片.jpg", "截图.png"]
    with app.app_context():
        assert db.session.scalars(select(CaseMessage)).all() == []
        actions = db.session.scalars(select(CaseEvent.action).order_by(CaseEvent.id)).all()
        assert actions == ["submit", "attach_evidence"]
    page = client.get("/track/case").get_data(as_text=True)
    assert "Your file was attached." in page
    assert "Your information was added" not in page
    assert "You added files" in page and "You added information" not in page


def test_neither_text_nor_files_is_refused_asking_for_one_or_the_other(app, client, opened):
    response = add(client, body="  ")

    assert response.status_code == 422
    assert "Please write the information you want to add, or attach a file." in (
        response.get_data(as_text=True)
    )
    assert len(attachments(app)) == 1


def test_files_alone_sent_to_a_finished_case_are_refused(app, client, ids, opened, upload_dir):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == opened))
        admin = add_user(Role.ADMIN, db.session.get(Unit, ids.committee), "admin")
        workflow.reject_case(case, admin, case.version, RejectionReason.SPAM)
        db.session.commit()
    before = stored_files(upload_dir)

    response = add(client, body="", files=[upload(corpus.plain_jpeg(), "late.jpg")])

    assert response.status_code == 422
    assert "This case is finished" in response.get_data(as_text=True)
    assert (len(attachments(app)), stored_files(upload_dir)) == (1, before)


def test_a_bad_file_adds_neither_the_information_nor_any_file(app, client, opened, upload_dir):
    before = stored_files(upload_dir)
    files = [upload(corpus.plain_jpeg(), "good.jpg"), upload(corpus.HTML, "photo.jpg")]

    response = add(client, body="这段补充不应丢失", files=files)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“photo.jpg” is not a JPEG or PNG picture" in page
    assert "这段补充不应丢失" in page
    assert "The files you chose were not sent" in page
    assert stored_files(upload_dir) == before
    with app.app_context():
        assert db.session.scalars(select(CaseMessage)).all() == []


def test_another_cases_track_session_cannot_download_the_file(app, ids, opened):
    [kept] = attachments(app)
    other = english(app.test_client())
    number, receipt = send_case(other, "opinion", opinion_form(ids))
    open_case(other, number, receipt)

    assert other.get(f"/track/case/files/{kept.id}").status_code == 404


def test_without_a_track_session_a_download_goes_back_to_the_track_form(app, ids, opened):
    [kept] = attachments(app)

    response = english(app.test_client()).get(f"/track/case/files/{kept.id}")

    assert response.status_code == 303
    assert response.headers["Location"] == "/track"


def test_files_staff_attached_are_neither_listed_nor_sent_to_the_reporter(app, client, ids, opened):
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == opened))
        handler = add_user(Role.HANDLER, db.session.get(Unit, ids.committee), "handler")
        file = clean_upload(upload(corpus.plain_pdf(), "内部核查.pdf")[0], "内部核查.pdf")
        [internal] = attach_files(case, [file], uploaded_by=handler)
        db.session.commit()
        internal_id = internal.id

    page = client.get("/track/case").get_data(as_text=True)

    assert "内部核查.pdf" not in page
    assert client.get(f"/track/case/files/{internal_id}").status_code == 404
