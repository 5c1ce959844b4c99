"""Evidence files: checked, cleaned, stored outside the static folder under random names."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import Case, LabelledEnum

if TYPE_CHECKING:
    from portal.models.rectification import Milestone


class FileKind(LabelledEnum):
    """The types of file the portal accepts, as sniffed from their content."""

    JPEG = "jpeg"
    PNG = "png"
    PDF = "pdf"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.JPEG: _l("JPEG image"), cls.PNG: _l("PNG image"), cls.PDF: _l("PDF document")}

    @property
    def media_type(self) -> str:
        """Return the MIME type the file is served with."""
        return {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}[self.value]

    @property
    def extension(self) -> str:
        """Return the file name extension of the kind."""
        return {"jpeg": ".jpg", "png": ".png", "pdf": ".pdf"}[self.value]


class Attachment(Base):
    """A cleaned evidence file: of a case (by its reporter or staff), or of a milestone."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("length(display_name) > 0", name="display_name_not_empty"),
        CheckConstraint("(case_id IS NULL) <> (milestone_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The milestone of a rectification item whose progress the file shows (public evidence).
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"), index=True)
    #: The staff member who attached it; empty when the reporter did.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[FileKind] = mapped_column(enum_type(FileKind, "file_kind"))
    #: The name shown to people: the uploaded name, cleaned; never used on disk.
    display_name: Mapped[str] = mapped_column(String(200))
    #: The random name of the cleaned file in the upload folder.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case | None] = relationship(back_populates="attachments")
    milestone: Mapped[Milestone | None] = relationship()
