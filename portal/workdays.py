"""Working days in China: weekends and public holidays off, make-up working days (调休) on.

Each year's official schedule (the State Council's notice on public holidays) is a JSON
file: ``{"year": 2026, "source": "...", "holidays": [...], "workdays": [...]}``. The
portal ships the years it knows in ``portal/data/holidays``; a deployment adds a year by
dropping its file in the folder named by ``HOLIDAY_DIR``. For a year without a file, only
weekends are days off, and :meth:`Calendar.knows` says so, so that the console can warn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from flask import current_app


@dataclass(frozen=True)
class Calendar:
    """The official days off and make-up working days of the years on file."""

    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]

    def knows(self, year: int) -> bool:
        """Tell whether the official schedule of a year is on file."""
        return year in self.years

    def is_working_day(self, day: date) -> bool:
        """Tell whether a day is a working day."""
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """Return the day on which ``count`` working days after ``start`` have passed."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days after ``start`` up to ``end`` included (negative if before)."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        return sum(self.is_working_day(start + timedelta(days=n)) for n in range(1, days + 1))


def load_calendar(paths: list[Path]) -> Calendar:
    """Read schedule files; a later file for the same year replaces an earlier one."""
    years: dict[int, dict] = {}
    for path in paths:
        schedule = json.loads(path.read_text(encoding="utf-8"))
        years[int(schedule["year"])] = schedule
    holidays = {date.fromisoformat(d) for s in years.values() for d in s["holidays"]}
    workdays = {date.fromisoformat(d) for s in years.values() for d in s["workdays"]}
    return Calendar(frozenset(holidays), frozenset(workdays), frozenset(years))


@lru_cache(maxsize=4)
def _calendar_for(extra_dir: str) -> Calendar:
    shipped = files("portal").joinpath("data/holidays")
    paths = sorted(Path(str(p)) for p in shipped.iterdir() if p.name.endswith(".json"))
    if extra_dir:
        paths += sorted(Path(extra_dir).glob("*.json"))
    return load_calendar(paths)


def calendar() -> Calendar:
    """Return the calendar of this deployment (shipped years plus ``HOLIDAY_DIR``)."""
    return _calendar_for(current_app.config.get("HOLIDAY_DIR", ""))
