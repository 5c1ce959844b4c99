"""Evidence files: what reporters and staff attach to a case, cleaned before anything is kept.

A form's files are all cleaned first (see :mod:`portal.services.evidence_cleaning`); one bad
file refuses them all, before a case or a message is written. Files are then stored under
random names (:mod:`portal.evidence_files`) and each gets a row and an audit event. The name a
file is shown under is the uploaded name, cleaned; it is never used on disk.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from flask import current_app
from flask_babel import LazyString, format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import evidence_files
from portal.extensions import db
from portal.models import ActorKind, Attachment, Case, CaseEvent, FileKind, User
from portal.policy import Permission, can, can_see_case
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.evidence_cleaning import Unsafe, clean, sniff
from portal.services.workflow import PermissionDenied

#: The form field that carries files, on every form that takes them.
FIELD = "evidence"
NAME_MAX = 120
#: The endings a shown name may keep for each kind; another ending gets the kind's own added.
SUFFIXES = {
    FileKind.JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    FileKind.PNG: (".png",),
    FileKind.PDF: (".pdf",),
}
PATH_SEPARATORS = re.compile(r"[/\\]")

EMPTY = _l("“%(name)s” is empty (0 bytes). Please choose the file again, or another one.")
TOO_LARGE = _l(
    "“%(name)s” is larger than %(limit)s MB, so it cannot be attached. Please attach a "
    "smaller file, for example a photo taken at a lower resolution."
)
TOO_MANY = _l("You can attach at most %(limit)s files at a time. Please choose fewer.")
NO_FILES = _l("Please choose at least one file to attach.")


@dataclass(frozen=True)
class CleanFile:
    """A file that passed the checks: its shown name, its kind and its cleaned content."""

    display_name: str
    kind: FileKind
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Return the cleaned file's size in bytes."""
        return len(self.data)

    @property
    def sha256(self) -> str:
        """Return the hex SHA-256 of the cleaned file, which staff can quote and compare."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class EvidenceEntry:
    """A file of a case as the console lists it."""

    file: Attachment
    #: The staff member who attached it; None when the reporter did.
    attached_by: User | None


def clean_uploads(uploads: Iterable[FileStorage] | None, required: bool = False) -> list[CleanFile]:
    """Clean the files a form carried, or refuse them all with the first reason found."""
    chosen = [upload for upload in uploads or [] if upload.filename]
    if required and not chosen:
        raise DomainError(NO_FILES, field=FIELD)
    limit = current_app.config["MAX_EVIDENCE_FILES"]
    if len(chosen) > limit:
        raise DomainError(str(TOO_MANY) % {"limit": limit}, field=FIELD)
    return [clean_upload(upload.stream, upload.filename) for upload in chosen]


def clean_upload(stream: BinaryIO, filename: str | None) -> CleanFile:
    """Read one uploaded file, up to the size limit, and return its clean copy, or refuse it."""
    name = shown_name(filename)
    limit = current_app.config["MAX_EVIDENCE_BYTES"]
    data = stream.read(limit + 1)
    if not data:
        raise _refusal(EMPTY, name)
    if len(data) > limit:
        raise _refusal(TOO_LARGE, name, limit=format_decimal(limit / 1024 / 1024))
    try:
        kind = sniff(data)
        cleaned = clean(data, kind)
    except Unsafe as unsafe:
        raise _refusal(unsafe.message, name) from unsafe
    return CleanFile(display_name(name, kind), kind, cleaned)


def _refusal(message: LazyString, name: str, **values: object) -> DomainError:
    return DomainError(str(message) % {"name": name, **values}, field=FIELD)


def shown_name(filename: str | None) -> str:
    """Return the last part of an uploaded name, without control characters, short enough."""
    name = unicodedata.normalize("NFC", filename or "")
    name = PATH_SEPARATORS.split(name)[-1]
    # Category C: controls, and format characters such as the right-to-left override that
    # makes "photo‮gpj.exe" read as "photoexe.jpg".
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(name.split()).strip(". ")
    return _shortened(name) or str(_l("file"))


def display_name(name: str, kind: FileKind) -> str:
    """Return the name a file is shown and downloaded under: its ending says its real kind."""
    if not name.lower().endswith(SUFFIXES[kind]):
        name += kind.extension
    return _shortened(name)


def _shortened(name: str) -> str:
    if len(name) <= NAME_MAX:
        return name
    stem, dot, ending = name.rpartition(".")
    if not dot or len(ending) > 10:
        return name[:NAME_MAX]
    return stem[: NAME_MAX - len(ending) - 1] + "." + ending


def attach_files(
    case: Case,
    files: list[CleanFile],
    uploaded_by: User | None = None,
    arrived_with_case: bool = False,
) -> list[Attachment]:
    """Store cleaned files and attach them to a case, by its reporter or by a staff member.

    Files that arrive with the case itself are part of its "submit" event; files added later
    get an event of their own, which the reporter sees when they added them.
    """
    if not files:
        return []
    if uploaded_by is not None and not (
        can(uploaded_by, Permission.ATTACH_EVIDENCE) and can_see_case(uploaded_by, case)
    ):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    limit = current_app.config["MAX_EVIDENCE_FILES"]
    if len(files) > limit:
        raise DomainError(str(TOO_MANY) % {"limit": limit}, field=FIELD)
    attachments = [_attachment(case, file, uploaded_by) for file in files]
    db.session.add_all(attachments)
    if not arrived_with_case:
        case.events.append(
            CaseEvent(
                action="attach_evidence",
                actor_kind=ActorKind.STAFF if uploaded_by else ActorKind.REPORTER,
                actor_id=uploaded_by.id if uploaded_by else None,
                is_public=uploaded_by is None,
            )
        )
    db.session.flush()
    for attachment in attachments:
        audit.record(
            "evidence.attach",
            actor=uploaded_by,
            actor_label="reporter",
            object_type="case",
            object_id=case.number,
            details={"file": attachment.id, "kind": attachment.kind.value,
                     "size": attachment.size, "sha256": attachment.sha256},
        )  # fmt: skip
    return attachments


def _attachment(case: Case, file: CleanFile, uploaded_by: User | None) -> Attachment:
    return Attachment(
        case_id=case.id,
        uploaded_by_id=uploaded_by.id if uploaded_by else None,
        kind=file.kind,
        display_name=file.display_name,
        storage_name=evidence_files.store(file.data),
        size=file.size,
        sha256=file.sha256,
    )


def case_evidence(case: Case) -> list[EvidenceEntry]:
    """Return every file of a case, oldest first, with the staff member who attached it."""
    rows = db.session.execute(
        select(Attachment, User)
        .outerjoin(User, User.id == Attachment.uploaded_by_id)
        .where(Attachment.case_id == case.id)
        .order_by(Attachment.id)
    ).all()
    return [EvidenceEntry(attachment, user) for attachment, user in rows]


def reporter_files(case: Case) -> list[Attachment]:
    """Return the files the reporter attached, which their track page lists."""
    query = select(Attachment).where(
        Attachment.case_id == case.id, Attachment.uploaded_by_id.is_(None)
    )
    return list(db.session.scalars(query.order_by(Attachment.id)))


def find_file(case: Case, file_id: int, reporters_only: bool = False) -> Attachment | None:
    """Return a file of the case by id (only one the reporter attached, if asked), or None."""
    attachment = db.session.get(Attachment, file_id)
    if attachment is None or attachment.case_id != case.id:
        return None
    if reporters_only and attachment.uploaded_by_id is not None:
        return None
    return attachment


def record_download(case: Case, attachment: Attachment, viewer: User) -> None:
    """Check that a staff member may read a file of the case, and audit the reading."""
    if not can_see_case(viewer, case):
        raise PermissionDenied(_l("You are not allowed to do this on this case."))
    audit.record(
        "evidence.view",
        actor=viewer,
        object_type="case",
        object_id=case.number,
        details={"file": attachment.id, "sha256": attachment.sha256},
    )
