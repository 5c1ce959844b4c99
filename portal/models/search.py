"""The search index of cases: character n-grams, so Chinese text is found without a segmenter.

The table holds the tokens; SQLite indexes them with FTS5 (a virtual table kept in step by
triggers) and PostgreSQL with a GIN index over ``to_tsvector('simple', tokens)``. Both are
created by the migration, which knows the dialect.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class CaseSearch(Base):
    """The search tokens of one case's title and body."""

    __tablename__ = "case_search"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    tokens: Mapped[str] = mapped_column(Text, default="")
