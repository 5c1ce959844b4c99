"""Due dates of generated cases, by the deadline rules and the official calendar.

The console sets a case's due date from the most specific deadline rule and counts working
days on the calendar (``portal.services.deadlines``). A million cases start from about a
thousand days, so each (day, working days) pair is counted once and then looked up.
"""

from __future__ import annotations

from datetime import date

from portal.models import CaseKind, Channel, ClockStage
from portal.services import deadlines
from portal.workdays import calendar


class Clocks:
    """The due dates the console would give, each counted once per starting day."""

    def __init__(self) -> None:
        self.calendar = calendar()
        self._rules: dict[tuple[ClockStage, CaseKind, Channel], int] = {}
        self._days: dict[tuple[date, int], date] = {}

    def due(self, stage: ClockStage, kind: CaseKind, channel: Channel, start: date) -> date:
        """Return the day a stage of a case of this kind and channel started on a day is due."""
        key = (stage, kind, channel)
        if key not in self._rules:
            self._rules[key] = deadlines.rule_for(stage, kind, channel).working_days
        return self.add(start, self._rules[key])

    def add(self, start: date, working_days: int) -> date:
        """Return the day on which a number of working days after a day have passed."""
        key = (start, working_days)
        if key not in self._days:
            self._days[key] = self.calendar.add_working_days(start, working_days)
        return self._days[key]
