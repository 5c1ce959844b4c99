"""Helpers of the evidence tests: uploads for the test client, and what was kept."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.extensions import db
from portal.models import Attachment, AuditEvent


def upload(data: bytes, filename: str) -> tuple[io.BytesIO, str]:
    """Return a file as the test client posts it."""
    return io.BytesIO(data), filename


def stored_files(upload_dir: Path) -> list[Path]:
    """Return the files in the upload folder, temporary ones included."""
    return sorted(upload_dir.iterdir()) if upload_dir.exists() else []


def attachments(app: Flask) -> list[Attachment]:
    """Return every attachment row, oldest first, detached for reading."""
    with app.app_context():
        rows = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        db.session.expunge_all()
        return rows


def audit_actions(app: Flask, prefix: str = "evidence.") -> list[tuple[str, str]]:
    """Return (action, actor) of the audit events whose action starts with a prefix."""
    with app.app_context():
        query = select(AuditEvent.action, AuditEvent.actor).order_by(AuditEvent.seq)
        return [tuple(row) for row in db.session.execute(query) if row.action.startswith(prefix)]


def post_large(client: FlaskClient, url: str, data: dict) -> TestResponse:
    """Post a form and close its body at once.

    The test client spools a body over 500 KB to a temporary file, and closes it only with a
    response that followed redirects.
    """
    response = client.post(url, data=data)
    response.request.input_stream.close()
    return response
