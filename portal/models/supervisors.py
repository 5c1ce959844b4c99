"""Image supervisors (形象监督员): their term, and the units they declared a conflict with."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import LabelledEnum
from portal.models.staff import User
from portal.models.units import Unit


class SupervisorKind(LabelledEnum):
    """Whom an image supervisor was appointed from."""

    DEPUTY = "deputy"
    CPPCC_MEMBER = "cppcc_member"
    EMPLOYEE_REPRESENTATIVE = "employee_representative"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.DEPUTY: _l("People's Congress deputy"),
            cls.CPPCC_MEMBER: _l("CPPCC member"),
            cls.EMPLOYEE_REPRESENTATIVE: _l("Employee representative"),
        }


class SupervisorProfile(Base):
    """The appointment of an image supervisor; their jurisdiction is their account's scope."""

    __tablename__ = "supervisor_profiles"
    __table_args__ = (CheckConstraint("term_ends >= term_starts", name="term_ends_after_start"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[SupervisorKind] = mapped_column(enum_type(SupervisorKind, "supervisor_kind"))
    #: Where the supervisor comes from: a congress, a committee, a workplace.
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    term_starts: Mapped[date]
    term_ends: Mapped[date]

    user: Mapped[User] = relationship()
    conflicts: Mapped[list[SupervisorConflict]] = relationship(
        primaryjoin="SupervisorProfile.user_id == foreign(SupervisorConflict.user_id)",
        order_by="SupervisorConflict.id",
        viewonly=True,
    )

    def serves_on(self, day: date) -> bool:
        """Tell whether the term covers a day."""
        return self.term_starts <= day <= self.term_ends


class SupervisorConflict(Base):
    """A unit an image supervisor declared a conflict of interest with: never shown its cases."""

    __tablename__ = "supervisor_conflicts"
    __table_args__ = (
        UniqueConstraint("user_id", "unit_id", name="uq_supervisor_conflicts_user_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
