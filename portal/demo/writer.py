"""Composing the demo's case texts from the templates, so that no two cases read alike."""

from __future__ import annotations

import random
import re
from datetime import date

from portal.demo.feedback import OPINIONS, PRAISE, RATING_REMARKS
from portal.demo.reports import CLOSERS, OPENERS, PLACES, REPORTS, VAGUE_SUBJECTS
from portal.models import Post, Unit, UnitKind

CITY_NAME = "云州市"
#: Units with service windows and halls, where the accounts of queues and counters happen.
SERVICE_KINDS = frozenset({UnitKind.DEPARTMENT, UnitKind.INSTITUTION, UnitKind.TOWNSHIP})
WINDOWS = re.compile("窗口|大厅|办事")


def subject_of(rng: random.Random, post: Post | None) -> str:
    """Return how a reporter names the cadre ("副局长黄海涛"), or a vaguer person."""
    if post is None:
        return rng.choice(VAGUE_SUBJECTS)
    return f"{post.title}{post.cadre.name}"


def district_of(unit: Unit) -> str:
    """Return the district or county a unit lies in, as people say it, or the city."""
    node: Unit | None = unit
    while node is not None:
        if node.kind in (UnitKind.DISTRICT, UnitKind.COUNTY):
            return node.name.removesuffix("委")
        node = node.parent
    return CITY_NAME


def write_report(
    rng: random.Random, category: str, unit: Unit, subject: str, day: date
) -> tuple[str, str, str | None]:
    """Return the title, body and place of a report in a category."""
    stories = REPORTS[category]
    if unit.kind not in SERVICE_KINDS:
        # Committees and organization departments run no service windows.
        stories = [story for story in stories if not WINDOWS.search(story[1])] or stories
    titles, account = rng.choice(stories)
    place = rng.choice(PLACES) if "{place}" in account else None
    fill = _fill(unit, subject, day, place)
    body = rng.choice(OPENERS) + account + rng.choice(CLOSERS)
    return rng.choice(titles).format(**fill), body.format(**fill), place


def write_opinion(rng: random.Random, unit: Unit, day: date) -> tuple[str | None, str, str]:
    """Return the category code, title and body of an opinion or suggestion."""
    category, title, body = rng.choice(OPINIONS)
    fill = _fill(unit, "", day, None)
    return category, title.format(**fill), body.format(**fill)


def write_praise(rng: random.Random, unit: Unit, post: Post | None, day: date) -> tuple[str, str]:
    """Return the title and body of a praise, naming the cadre when there is one."""
    fill = _fill(unit, f"{post.title}{post.cadre.name}" if post else "工作人员", day, None)
    titles, account = rng.choice(PRAISE)
    return rng.choice(titles).format(**fill), account.format(**fill)


def write_remark(rng: random.Random) -> str:
    """Return what a rater adds to the scores, often nothing."""
    return rng.choice(RATING_REMARKS)


def _fill(unit: Unit, subject: str, day: date, place: str | None) -> dict[str, str]:
    return {
        "unit": unit.name,
        "subject": subject,
        "day": f"{day.month}月{day.day}日",
        "place": place or "",
        "district": district_of(unit),
    }
