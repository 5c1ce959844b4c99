"""Evidence of progress: a milestone's files, cleaned, published with it, downloaded by anyone."""

import hashlib
from io import BytesIO

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Attachment, FileKind, ItemState, RectificationItem, User
from portal.services import item_progress
from portal.services.evidence import CleanFile, attach_files
from tests.console import sign_in
from tests.evidence.corpus import plain_jpeg, zip_archive
from tests.items import build_desk, desk_ids, item_at
from tests.public import english


@pytest.fixture
def app(make_app, tmp_path):
    """Return the portal for tests, keeping evidence files in tmp_path."""
    return make_app(UPLOAD_DIR=str(tmp_path / "uploads"))


@pytest.fixture
def under_way(app) -> dict:
    """Commit an item in rectification; return its id and the desk's ids."""
    with app.app_context():
        desk = build_desk()
        item = item_at(desk, ItemState.IN_RECTIFICATION)
        db.session.commit()
        return {"item": item.id, **desk_ids(desk)}


def _files() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def test_a_milestones_files_are_published_with_it(app, client, under_way):
    photo = CleanFile("新窗口.jpg", FileKind.JPEG, plain_jpeg())
    with app.app_context():
        item = db.session.get(RectificationItem, under_way["item"])
        officer = db.session.get(User, under_way["officer"])
        item_progress.add_milestone(item, officer, item.version, "新窗口已启用。", 80, [photo])
        db.session.commit()

    page = english(client).get(f"/items/{under_way['item']}").get_data(as_text=True)
    [link] = [part.split('"')[0] for part in page.split('href="')[1:] if "/files/" in part]
    download = client.get(link)

    assert "新窗口.jpg" in page and "新窗口已启用。" in page
    assert download.status_code == 200 and download.mimetype == "image/jpeg"
    assert hashlib.sha256(download.data).hexdigest() == photo.sha256
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_case_file_is_never_reached_through_an_item(app, client, under_way):
    with app.app_context():
        case = db.session.get(RectificationItem, under_way["item"]).cases[0]
        [scan] = attach_files(case, [CleanFile("举报.jpg", FileKind.JPEG, plain_jpeg())])
        db.session.commit()
        scan_id = scan.id

    assert client.get(f"/items/{under_way['item']}/files/{scan_id}").status_code == 404


@pytest.mark.parametrize("owners", ["both", "neither"])
def test_a_file_belongs_to_a_case_or_a_milestone_never_both(app, under_way, owners):
    with app.app_context():
        item = db.session.get(RectificationItem, under_way["item"])
        milestone = item.current_round.milestones[0]
        db.session.add(
            Attachment(
                case_id=item.cases[0].id if owners == "both" else None,
                milestone_id=milestone.id if owners == "both" else None,
                kind=FileKind.JPEG,
                display_name="x.jpg",
                storage_name="0" * 32,
                size=1,
                sha256="0" * 64,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_officer_posts_progress_with_a_photo_and_a_bad_file_keeps_nothing(
    app, client, under_way, tmp_path
):
    with app.app_context():
        sign_in(client, db.session.get(User, under_way["officer"]))
        version = db.session.get(RectificationItem, under_way["item"]).version
        before = _files()
    url = f"/console/items/{under_way['item']}/milestone"

    def post(data: bytes, name: str):
        form = {"version": version, "progress": "窗口已启用。", "percent": "90",
                "evidence": (BytesIO(data), name)}  # fmt: skip
        return english(client).post(url, data=form, content_type="multipart/form-data")

    refused = post(zip_archive(), "材料.zip")
    posted = post(plain_jpeg(), "窗口.jpg")

    assert refused.status_code == 422
    assert posted.status_code == 303
    with app.app_context():
        assert _files() == before + 1
    assert len(list((tmp_path / "uploads").iterdir())) == 1
