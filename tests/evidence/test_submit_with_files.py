"""Files sent with a new case: cleaned and kept under random names, or refused with nothing kept."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from portal.extensions import db
from portal.models import Attachment, CaseEvent, FileKind
from portal.services import evidence
from tests.evidence import corpus
from tests.evidence.helpers import attachments, audit_actions, post_large, stored_files, upload
from tests.public import (
    count_cases,
    english,
    latest_case,
    opinion_form,
    praise_form,
    rating_form,
    report_form,
    seed_city,
)

CHOOSE_AGAIN = "The files you chose were not sent"
FORMS = {
    "opinion": opinion_form,
    "report": report_form,
    "rating": rating_form,
    "praise": praise_form,
}


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


def test_every_form_takes_files_and_says_a_file_can_identify_the_reporter(client, ids):
    for kind in FORMS:
        page = client.get(f"/submit/{kind}").get_data(as_text=True)

        assert 'enctype="multipart/form-data"' in page
        file_input = re.search(r'<input[^>]*type="file"[^>]*>', page).group(0)
        assert 'name="evidence"' in file_input and " multiple" in file_input
        assert 'accept="image/jpeg,image/png,application/pdf"' in file_input
        assert "A file can identify you." in page
        assert "think before you attach a file" in page
        assert CHOOSE_AGAIN not in page


@pytest.mark.parametrize("kind", list(FORMS))
def test_each_kind_of_case_keeps_its_files(app, client, ids, kind, upload_dir):
    form = FORMS[kind](ids, evidence=[upload(corpus.plain_jpeg(), "photo.jpg")])

    response = client.post(f"/submit/{kind}", data=form)

    assert response.status_code == 303
    [kept] = attachments(app)
    assert kept.case_id == latest_case(app).id
    assert stored_files(upload_dir) == [upload_dir / kept.storage_name]


def test_a_reports_files_are_kept_cleaned_under_random_names(app, client, ids, upload_dir):
    files = [upload(corpus.gps_jpeg(), "现场照片.jpg"), upload(corpus.pdf_with_metadata(), "材料")]

    response = client.post("/submit/report", data=report_form(ids, evidence=files))

    assert response.status_code == 303
    photo, document = attachments(app)
    assert (photo.display_name, photo.kind) == ("现场照片.jpg", FileKind.JPEG)
    assert (document.display_name, document.kind) == ("材料.pdf", FileKind.PDF)
    for kept in (photo, document):
        assert kept.uploaded_by_id is None
        assert re.fullmatch(r"[0-9a-f]{32}", kept.storage_name)
        data = (upload_dir / kept.storage_name).read_bytes()
        assert (kept.size, kept.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    photo_data = (upload_dir / photo.storage_name).read_bytes()
    assert b"Exif" not in photo_data and corpus.JPEG_COMMENT not in photo_data
    assert corpus.PDF_AUTHOR.encode() not in (upload_dir / document.storage_name).read_bytes()


def test_files_that_arrive_with_the_case_are_part_of_its_submit_event(app, client, ids):
    client.post(
        "/submit/opinion", data=opinion_form(ids, evidence=[upload(corpus.plain_jpeg(), "a.jpg")])
    )

    with app.app_context():
        actions = list(db.session.scalars(select(CaseEvent.action)))
    assert actions == ["submit"]
    assert audit_actions(app) == [("evidence.attach", "reporter")]


def test_a_name_with_dots_and_slashes_is_kept_only_as_a_shown_name(app, client, ids, upload_dir):
    form = opinion_form(ids, evidence=[upload(corpus.plain_jpeg(), "../../etc/passwd.jpg")])

    assert client.post("/submit/opinion", data=form).status_code == 303

    [kept] = attachments(app)
    assert kept.display_name == "passwd.jpg"
    assert stored_files(upload_dir) == [upload_dir / kept.storage_name]
    assert not (upload_dir.parent / "etc").exists()


REFUSED = [
    (corpus.HTML, "photo.jpg", "“photo.jpg” is not a JPEG or PNG picture or a PDF document"),
    (corpus.html_around_jpeg(), "photo.jpg", "“photo.jpg” is not a JPEG or PNG picture"),
    (corpus.html_behind_jpeg_magic(), "photo.jpg", "“photo.jpg” could not be read as a picture"),
    (corpus.gif(), "moving.gif", "“moving.gif” is not a JPEG or PNG picture"),
    (corpus.svg(), "drawing.svg", "“drawing.svg” is not a JPEG or PNG picture"),
    (corpus.pdf_with_open_action_script(), "form.pdf", "“form.pdf” contains scripts"),
    (corpus.pdf_with_script_name_tree(), "form.pdf", "“form.pdf” contains scripts"),
    (corpus.pdf_with_embedded_file(), "form.pdf", "“form.pdf” contains embedded files"),
    (corpus.encrypted_pdf("secret"), "locked.pdf", "“locked.pdf” is protected with a password"),
    (corpus.png_bomb(), "bomb.png", "“bomb.png” is too large a picture to process safely"),
    (b"", "empty.jpg", "“empty.jpg” is empty (0 bytes)."),
    (b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "huge.jpg", "“huge.jpg” is larger than 10 MB"),
]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    REFUSED,
    ids=["html", "html-polyglot", "html-magic", "gif", "svg", "pdf-open-action", "pdf-js-tree",
         "pdf-embedded", "pdf-encrypted", "bomb", "empty", "too-large"],
)  # fmt: skip
def test_a_bad_file_refuses_the_case_and_nothing_is_kept(
    app, client, ids, upload_dir, data, filename, message
):
    files = [upload(corpus.plain_jpeg(), "good.jpg"), upload(data, filename)]
    form = report_form(ids, evidence=files)

    response = post_large(client, "/submit/report", form)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert CHOOSE_AGAIN in page
    assert form["title"] in page and form["event_place"] in page  # the typed text is kept
    assert count_cases(app) == 0
    assert attachments(app) == []
    assert stored_files(upload_dir) == []


def test_more_files_than_allowed_are_refused(app, client, ids, upload_dir):
    files = [upload(corpus.plain_jpeg(), f"photo-{n}.jpg") for n in range(6)]

    response = client.post("/submit/opinion", data=opinion_form(ids, evidence=files))

    assert response.status_code == 422
    assert "You can attach at most 5 files at a time." in response.get_data(as_text=True)
    assert (count_cases(app), stored_files(upload_dir)) == (0, [])


def test_a_form_error_elsewhere_says_the_files_must_be_chosen_again(app, client, ids, upload_dir):
    form = opinion_form(ids, title="", evidence=[upload(corpus.plain_jpeg(), "photo.jpg")])

    response = client.post("/submit/opinion", data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please give a short title." in page and CHOOSE_AGAIN in page
    assert form["body"] in page
    assert "photo.jpg" not in page  # nothing claims the file was received
    assert stored_files(upload_dir) == []


def test_a_refusal_of_the_case_itself_keeps_no_file(app, client, ids, upload_dir):
    form = opinion_form(
        ids, contact_name="张三", evidence=[upload(corpus.plain_jpeg(), "photo.jpg")]
    )  # anonymous, yet with a name: the intake service refuses it

    response = client.post("/submit/opinion", data=form)

    assert response.status_code == 422
    assert (count_cases(app), attachments(app), stored_files(upload_dir)) == (0, [], [])


def test_a_failure_after_the_files_were_written_leaves_none_behind(
    app, client, ids, upload_dir, monkeypatch
):
    def fail(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evidence.audit, "record", fail)
    form = opinion_form(ids, evidence=[upload(corpus.plain_jpeg(), "photo.jpg")])

    response = client.post("/submit/opinion", data=form)

    assert response.status_code == 500
    assert (count_cases(app), stored_files(upload_dir)) == (0, [])


def test_a_form_with_files_may_be_larger_than_a_form_without(app, client, ids):
    files = [upload(b"\xff\xd8\xff" + b"\0" * (9 * 1024 * 1024), f"big-{n}.jpg") for n in range(4)]

    response = post_large(client, "/submit/opinion", opinion_form(ids, evidence=files))

    assert response.status_code == 422  # read in full, refused as no pictures: not a 413
    assert "“big-0.jpg” could not be read as a picture" in response.get_data(as_text=True)


def test_a_kept_picture_opens_as_the_picture_sent(app, client, ids, upload_dir):
    client.post(
        "/submit/opinion", data=opinion_form(ids, evidence=[upload(corpus.gps_jpeg(), "a.jpg")])
    )

    [kept] = attachments(app)
    image = Image.open(io.BytesIO((upload_dir / kept.storage_name).read_bytes()))
    assert (image.format, image.size, image.getexif()) == ("JPEG", (320, 240), {})
    with app.app_context():
        assert db.session.get(Attachment, kept.id).kind == FileKind.JPEG


def test_files_too_large_to_read_get_a_413_that_gives_the_file_limits(make_app, upload_dir):
    app = make_app(
        UPLOAD_DIR=str(upload_dir),
        MAX_EVIDENCE_FILES=2,
        MAX_EVIDENCE_BYTES=1024 * 1024,
        MAX_CONTENT_LENGTH=1024 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
    )
    ids = seed_city(app)
    client = english(app.test_client())
    files = [upload(corpus.plain_jpeg() + b"\0" * (3 * 1024 * 1024), "huge.jpg")]

    response = post_large(client, "/submit/opinion", opinion_form(ids, evidence=files))

    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "nothing was received" in page
    assert "You can attach up to 2 files at a time, each up to 1 MB." in page
    assert "the files must be chosen again" in page
    assert (count_cases(app), stored_files(upload_dir)) == (0, [])
