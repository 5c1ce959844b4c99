"""``seed-demo --reset``: the deleted attachments take their files with them, and only those."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.demo.reset import delete_all_data
from portal.extensions import db
from portal.models import Attachment, FileKind, Unit
from portal.services.evidence import CleanFile, attach_files
from tests.evidence import corpus
from tests.factories import build_city, make_case


@pytest.fixture
def demo_app(make_app, tmp_path) -> Iterator[Flask]:
    """Return an app whose evidence folder is the test's own, inside an application context."""
    app = make_app(UPLOAD_DIR=str(tmp_path / "uploads"))
    with app.app_context():
        yield app


@pytest.fixture
def uploads(demo_app) -> Path:
    return Path(demo_app.config["UPLOAD_DIR"])


@pytest.fixture
def attached(demo_app) -> Attachment:
    """Attach one photo to a new case and commit it."""
    case, _receipt = make_case(build_city().bureau)
    [attachment] = attach_files(case, [CleanFile("a.jpg", FileKind.JPEG, corpus.plain_jpeg())])
    db.session.commit()
    return attachment


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def test_reset_replaces_the_demos_files_with_the_new_demos(demo_app, uploads):
    runner = demo_app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first_demo = files_in(uploads)

    result = runner.invoke(args=["seed-demo", "--reset"])

    assert result.exit_code == 0, result.output
    stored = set(db.session.scalars(sa.select(Attachment.storage_name)))
    kept = files_in(uploads)
    assert first_demo and stored
    assert kept == stored, (sorted(kept - stored), sorted(stored - kept), result.output)
    assert not first_demo & stored


def test_a_reset_forgets_the_objects_of_the_rows_it_deleted(demo_app):
    runner = demo_app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    # Objects still referenced stay in the session's identity map; the new demo's rows take
    # their ids again (SQLite reuses them, PostgreSQL's sequences restart).
    units_of_the_first_demo = db.session.scalars(sa.select(Unit)).all()

    result = runner.invoke(args=["seed-demo", "--reset"])

    assert result.exit_code == 0, (result.output, result.exception)
    assert units_of_the_first_demo
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) > 0


def test_reset_removes_no_file_the_database_did_not_know(attached, uploads, tmp_path):
    stray = uploads / "notes.txt"
    stray.write_text("not evidence")
    outside = tmp_path / "outside.txt"
    outside.write_text("not in the upload folder")
    db.session.add(
        Attachment(
            case_id=attached.case_id,
            kind=FileKind.JPEG,
            display_name="x.jpg",
            storage_name="../outside.txt",
            size=1,
            sha256="0" * 64,
        )
    )
    db.session.commit()

    delete_all_data()
    db.session.commit()

    assert files_in(uploads) == {"notes.txt"}
    assert outside.read_text() == "not in the upload folder"


def test_a_reset_rolled_back_keeps_the_files_of_the_rows_it_kept(attached, uploads):
    name = attached.storage_name
    delete_all_data()
    db.session.rollback()
    db.session.commit()  # a later commit in the same session removes nothing either

    assert files_in(uploads) == {name}
    assert db.session.scalar(sa.select(Attachment.storage_name)) == name
