"""Staff accounts of the console, each with one role and a unit subtree as its scope."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type, utcnow
from portal.models.cases import LabelledEnum
from portal.models.units import Cadre, Unit

#: The accounts counted when a cadre may have only one.
ACTIVE_CADRE = "is_active AND cadre_id IS NOT NULL"

if TYPE_CHECKING:
    from portal.models.supervisors import SupervisorProfile


class Role(LabelledEnum):
    """What a staff account may do; the policy module says what each role allows."""

    ADMIN = "admin"
    OPERATOR = "operator"
    HANDLER = "handler"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"
    CUSTODIAN = "custodian"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.ADMIN: _l("Administrator"),
            cls.OPERATOR: _l("Hotline operator"),
            cls.HANDLER: _l("Case handler"),
            cls.SUPERVISOR: _l("Image supervisor"),
            cls.OFFICER: _l("Department officer"),
            cls.CUSTODIAN: _l("Identity custodian"),
        }


class User(UserMixin, Base):
    """A staff account, created by an administrator."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("length(username) > 0 AND username = lower(username)", name="username"),
        CheckConstraint("length(display_name) > 0", name="display_name_not_empty"),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
        # A cadre has at most one active account: the one recusal keeps their cases from.
        Index(
            "uq_users_active_cadre",
            "cadre_id",
            unique=True,
            sqlite_where=text(ACTIVE_CADRE),
            postgresql_where=text(ACTIVE_CADRE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    #: The root of the unit subtree this account works in.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: Set when the account belongs to a cadre, who must never see cases about themselves.
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadres.id"))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    #: The TOTP secret, encrypted under the server's data keys; empty until enrolled.
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The last TOTP time step accepted, so that a code cannot be replayed.
    totp_last_step: Mapped[int | None]
    #: Bumped on logout and password change: older sessions stop being valid.
    session_version: Mapped[int] = mapped_column(default=1)
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    cadre: Mapped[Cadre | None] = relationship()
    #: An image supervisor's appointment: their term (``portal.policy`` reads it).
    supervisor_profile: Mapped[SupervisorProfile | None] = relationship(viewonly=True)

    @property
    def has_totp(self) -> bool:
        """Tell whether two-factor sign-in is set up."""
        return self.totp_secret is not None

    def get_id(self) -> str:
        """Return the session's user key; it names the session version, so bumping it logs out."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
