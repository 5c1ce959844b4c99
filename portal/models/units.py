"""The organization tree of the city, its cadres and the posts they hold."""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_type


class UnitKind(enum.StrEnum):
    """What a unit of the tree is."""

    COMMITTEE = "committee"
    ORGANIZATION_DEPARTMENT = "organization_department"
    DISTRICT = "district"
    COUNTY = "county"
    DEPARTMENT = "department"
    INSTITUTION = "institution"
    TOWNSHIP = "township"

    @property
    def label(self) -> str:
        return str(_UNIT_KIND_LABELS[self])


_UNIT_KIND_LABELS = {
    UnitKind.COMMITTEE: _l("Party committee"),
    UnitKind.ORGANIZATION_DEPARTMENT: _l("Organization department"),
    UnitKind.DISTRICT: _l("District"),
    UnitKind.COUNTY: _l("County"),
    UnitKind.DEPARTMENT: _l("Municipal department"),
    UnitKind.INSTITUTION: _l("Public institution"),
    UnitKind.TOWNSHIP: _l("Township or street"),
}


class Unit(Base):
    """A committee, department, district, county or township in the tree."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(160))
    kind: Mapped[UnitKind] = mapped_column(enum_type(UnitKind, "unit_kind"))
    #: Materialised path of ids, "/1/4/17/", so that a subtree is one prefix match.
    path: Mapped[str] = mapped_column(String(255), unique=True)
    #: Shown in the public unit picker and on public pages.
    is_public: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(
        back_populates="parent", order_by="Unit.sort_order, Unit.id"
    )
    posts: Mapped[list[Post]] = relationship(back_populates="unit")

    @property
    def depth(self) -> int:
        """Return how many ancestors the unit has."""
        return self.path.count("/") - 2

    def display_name(self, locale: str | None = None) -> str:
        """Return the unit's name in the given language, falling back to Chinese."""
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"


class Cadre(Base):
    """An official whose conduct the portal takes opinions and reports on."""

    __tablename__ = "cadres"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str | None] = mapped_column(String(120))

    posts: Mapped[list[Post]] = relationship(
        back_populates="cadre", order_by="Post.starts_on.desc()"
    )

    def display_name(self, locale: str | None = None) -> str:
        """Return the cadre's name in the given language, falling back to Chinese."""
        if locale == "en" and self.name_en:
            return self.name_en
        return self.name

    def __repr__(self) -> str:
        return f"<Cadre {self.id}>"


class Post(Base):
    """A tenure: a cadre holding a position in a unit from one date to another."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("length(title) > 0", name="title_not_empty"),
        # Lets a case name (post, cadre) together so the post always belongs to the cadre.
        UniqueConstraint("id", "cadre_id", name="uq_posts_id_cadre_id"),
        Index("ix_posts_unit_id_ends_on", "unit_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cadre_id: Mapped[int] = mapped_column(ForeignKey("cadres.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str | None] = mapped_column(String(160))
    starts_on: Mapped[date]
    #: Empty while the cadre still holds the post.
    ends_on: Mapped[date | None]

    cadre: Mapped[Cadre] = relationship(back_populates="posts")
    unit: Mapped[Unit] = relationship(back_populates="posts")

    def held_on(self, day: date) -> bool:
        """Tell whether the cadre held this post on the given day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def display_title(self, locale: str | None = None) -> str:
        """Return the post's title in the given language, falling back to Chinese."""
        if locale == "en" and self.title_en:
            return self.title_en
        return self.title
