"""Categories of the problems a case is about."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class Category(Base):
    """One of the eight prohibitions or another kind of problem, named in both languages."""

    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint("length(code) > 0 AND length(name) > 0", name="names_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160))
    #: True for the eight prohibitions on the conduct of organization cadres.
    is_prohibition: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    def display_name(self, locale: str | None = None) -> str:
        """Return the category's name in the given language."""
        return self.name_en if locale == "en" else self.name

    def __repr__(self) -> str:
        return f"<Category {self.code}>"
