"""Public case numbers: the year and a sequence, "2026-000123"."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models import CaseCounter


def next_case_number(year: int) -> str:
    """Take the next number of the year; concurrent takers queue on the counter's row."""
    session = db.session
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(CaseCounter).values(year=year, last_number=0).on_conflict_do_nothing())
    session.execute(
        update(CaseCounter)
        .where(CaseCounter.year == year)
        .values(last_number=CaseCounter.last_number + 1)
    )
    number = session.scalar(select(CaseCounter.last_number).where(CaseCounter.year == year))
    return f"{year}-{number:06d}"
