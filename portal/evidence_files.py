"""Evidence files on disk: written atomically under random names, and sent only as downloads.

The folder (``UPLOAD_DIR``) lies outside the static folder, so no URL reaches it but the
guarded routes. A file is written before its row is committed; if the transaction ends
without a commit, the files it wrote are deleted again, so a refusal or a failure leaves
nothing behind.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import Response, abort, current_app, request, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db
from portal.models import Attachment

log = logging.getLogger(__name__)

#: Session.info key of the files written in the current transaction, not committed yet.
WRITTEN_KEY = "evidence_files_written"
STORAGE_NAME = re.compile(r"[0-9a-f]{32}")
#: A downloaded file is never shown inline, never sniffed, and runs nothing if opened here.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def upload_dir() -> Path:
    """Return the folder evidence files are kept in."""
    return Path(current_app.config["UPLOAD_DIR"])


def store(data: bytes) -> str:
    """Write a cleaned file under a new random name and return the name."""
    folder = upload_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    final = folder / name
    # A reader never sees half a file: it is written aside, then renamed in one step.
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    db.session.info.setdefault(WRITTEN_KEY, []).append(final)
    return name


def allow_files() -> None:
    """Let a form with files be as large as its files may be, and its text.

    Set before anything reads the form; other requests keep ``MAX_CONTENT_LENGTH``.
    """
    if request.mimetype != "multipart/form-data":
        return
    config = current_app.config
    files = config["MAX_EVIDENCE_FILES"] * config["MAX_EVIDENCE_BYTES"]
    request.max_content_length = max(
        config["MAX_CONTENT_LENGTH"] or 0, files + config["MAX_FORM_MEMORY_SIZE"]
    )


def evidence_response(attachment: Attachment) -> Response:
    """Send a stored file as a download under its shown name, with the type it was found to be."""
    path = upload_dir() / attachment.storage_name
    if not STORAGE_NAME.fullmatch(attachment.storage_name) or not path.is_file():
        log.error("Evidence file %s of attachment %s is missing", path, attachment.id)
        abort(404)
    # Read whole (at most MAX_EVIDENCE_BYTES): no file handle waits on a slow client.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=attachment.kind.media_type,
        as_attachment=True,
        download_name=attachment.display_name,
        conditional=False,
        etag=False,
        last_modified=attachment.created_at,
    )
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@event.listens_for(Session, "after_commit")
def _keep_written_files(session: Session) -> None:
    """Let the files of a committed transaction stay."""
    session.info.pop(WRITTEN_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_unkept_files(session: Session, transaction: SessionTransaction) -> None:
    """Delete the files of a transaction that ended without a commit (rolled back, closed)."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(WRITTEN_KEY, []):
        path.unlink(missing_ok=True)
