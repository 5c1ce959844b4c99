"""Backdating the rows the services write, so that the demo's history reads in order.

The intake and workflow services stamp cases, their events and messages with the present
moment (``answered_at`` and ``closed_at`` too) and flush them themselves, and a case's
history is append-only: rather than rewrite those rows after the fact, the demo dates them
as they are flushed. Audit events keep the moment they were written, so that the hash chain
stays in order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.models import Case, CaseEvent, CaseMessage

DATED = (Case, CaseEvent, CaseMessage)
#: Moments the workflow sets when a case reaches a status.
REACHED_AT = ("answered_at", "closed_at")


class InsertClock:
    """While active, rows flushed without a time of their own get ``moment``.

    New rows get it as their creation time; a changed case gets it as its update time and,
    if a step just set them, as the time it was answered or closed.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.moment: datetime | None = None

    def __enter__(self) -> InsertClock:
        event.listen(self.session, "before_flush", self._stamp)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.session, "before_flush", self._stamp)

    def _stamp(self, session: Session, _context, _instances) -> None:
        if self.moment is None:
            return
        for row in session.new:
            if isinstance(row, DATED) and row.created_at is None:
                row.created_at = self.moment
                if isinstance(row, Case):
                    row.updated_at = self.moment
        for row in session.dirty:
            if isinstance(row, Case) and session.is_modified(row, include_collections=False):
                self._stamp_change(row)

    def _stamp_change(self, case: Case) -> None:
        state = inspect(case)
        case.updated_at = self.moment
        for name in REACHED_AT:
            if getattr(case, name) is not None and state.attrs[name].history.added:
                setattr(case, name, self.moment)
