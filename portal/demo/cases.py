"""A year of demo cases, planned from the seeded generator and recorded by the intake service.

A few of them repeat an earlier case: another reporter raising the same problem days later,
which the handler merges into the first so that both reporters read one answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from portal.clock import local_zone
from portal.demo import people, writer
from portal.demo.city import DemoCity
from portal.demo.reports import REPORTS
from portal.models import (
    SCORE_COLUMNS,
    CaseKind,
    CaseStatus,
    Channel,
    Post,
    ReporterMode,
    Unit,
    UnitKind,
)
from portal.services.intake import ContactDetails, Submission

CASE_COUNT = 200
#: Of those, how many repeat an earlier case and are merged into it.
DUPLICATES = 6
#: How a second reporter of the same problem begins.
DUPLICATE_OPENERS = [
    "可能已经有人反映过，我再反映一次：",
    "我也遇到了同样的情况。",
    "听说已有人反映此事，我补充一下我看到的：",
    "这个问题不止我一个人碰到。",
]
K, C, S, M = CaseKind, Channel, CaseStatus, ReporterMode

#: One case of every channel first, each with a kind that channel typically brings.
SHOWCASE = [
    (K.REPORT, C.WEB),
    (K.OPINION, C.HOTLINE),
    (K.REPORT, C.LETTER),
    (K.PRAISE, C.VISIT),
    (K.OPINION, C.SUGGESTION_BOX),
    (K.RATING, C.QUESTIONNAIRE),
    (K.RATING, C.ONSITE_VISIT),
    (K.REPORT, C.SUPERVISOR),
    (K.REPORT, C.LEADER_REFERRAL),
    (K.REPORT, C.AGENCY_REFERRAL),
]
KIND_WEIGHTS = {K.REPORT: 35, K.OPINION: 30, K.RATING: 20, K.PRAISE: 15}
CHANNEL_WEIGHTS = {
    K.REPORT: {C.WEB: 35, C.HOTLINE: 25, C.LETTER: 12, C.VISIT: 8, C.SUGGESTION_BOX: 4,
               C.SUPERVISOR: 8, C.LEADER_REFERRAL: 4, C.AGENCY_REFERRAL: 4},
    K.OPINION: {C.WEB: 40, C.HOTLINE: 15, C.LETTER: 10, C.VISIT: 5, C.SUGGESTION_BOX: 12,
                C.QUESTIONNAIRE: 8, C.ONSITE_VISIT: 6, C.SUPERVISOR: 4},
    K.RATING: {C.WEB: 30, C.QUESTIONNAIRE: 45, C.ONSITE_VISIT: 20, C.HOTLINE: 5},
    K.PRAISE: {C.WEB: 40, C.HOTLINE: 20, C.LETTER: 20, C.VISIT: 10, C.SUGGESTION_BOX: 10},
}  # fmt: skip
#: How much of themselves reporters reveal; image supervisors always give their name.
MODE_WEIGHTS = {M.ANONYMOUS: 45, M.CONFIDENTIAL: 30, M.NAMED: 25}
CHANNEL_MODES = {
    C.SUPERVISOR: {M.NAMED: 1},
    C.QUESTIONNAIRE: {M.ANONYMOUS: 9, M.CONFIDENTIAL: 1},
    C.SUGGESTION_BOX: {M.ANONYMOUS: 8, M.NAMED: 2},
}
#: How often a case names a cadre.
CADRE_SHARE = {K.REPORT: 0.55, K.OPINION: 0.0, K.RATING: 0.5, K.PRAISE: 0.8}
#: Reports in these categories come more often.
CATEGORY_WEIGHTS = {"work_style": 4, "service_efficiency": 4, "obstructing_grassroots": 3}
#: Units people deal with most draw more cases: service windows most, Party committees least.
UNIT_KIND_WEIGHTS = {
    UnitKind.DEPARTMENT: 3,
    UnitKind.INSTITUTION: 2,
    UnitKind.TOWNSHIP: 2,
    UnitKind.ORGANIZATION_DEPARTMENT: 1,
    UnitKind.DISTRICT: 0.4,
    UnitKind.COUNTY: 0.4,
    UnitKind.COMMITTEE: 0.2,
}
SERVICE_WINDOWS = {"approval": 2, "services": 2, "hrss": 1.5}
#: Suggestions are about services, which committees do not run.
COMMITTEE_KINDS = frozenset({UnitKind.COMMITTEE, UnitKind.DISTRICT, UnitKind.COUNTY})
#: Where a case should end up, if time allows (recent cases fall short of it). Older cases
#: are mostly finished; the few still open are the overdue ones.
RECENT_TARGETS = {S.RECEIVED: 12, S.ACCEPTED: 10, S.ASSIGNED: 12, S.IN_PROGRESS: 15,
                  S.ANSWERED: 15, S.CLOSED: 36}  # fmt: skip
OLD_TARGETS = {S.RECEIVED: 0.3, S.ACCEPTED: 0.5, S.ASSIGNED: 1, S.IN_PROGRESS: 2,
               S.ANSWERED: 8, S.CLOSED: 60}  # fmt: skip
RECENT_DAYS = 45
REJECTED_SHARE = {K.REPORT: 0.12, K.OPINION: 0.08, K.RATING: 0.0, K.PRAISE: 0.0}


@dataclass
class CasePlan:
    """A case to submit, the moment it reached us, and the status its handling aims for."""

    submission: Submission
    created_at: datetime
    target: CaseStatus
    #: The earlier case this one repeats, and is merged into.
    duplicate_of: CasePlan | None = None


def plan_cases(
    rng: random.Random, city: DemoCity, categories: dict[str, int], now: datetime
) -> list[CasePlan]:
    """Plan the year's cases, oldest first so that the numbers follow the dates."""
    today = now.astimezone(local_zone()).date()
    pairs = list(SHOWCASE)
    while len(pairs) < CASE_COUNT - DUPLICATES:
        kind = _weighted(rng, KIND_WEIGHTS)
        pairs.append((kind, _weighted(rng, CHANNEL_WEIGHTS[kind])))
    plans = [_plan(rng, city, categories, kind, channel, today, now) for kind, channel in pairs]
    plans += _duplicates(rng, city, plans, today, now)
    return sorted(plans, key=lambda plan: plan.created_at)


def _duplicates(
    rng: random.Random, city: DemoCity, plans: list[CasePlan], today: date, now: datetime
) -> list[CasePlan]:
    """Plan cases that repeat earlier reports and opinions a few days after them."""
    candidates = [
        plan
        for plan in plans
        if plan.submission.kind in (K.REPORT, K.OPINION)
        and plan.target != S.REJECTED
        # Old enough for the repeat and its merge to lie in the past.
        and (today - plan.submission.received_on).days >= 12
    ]
    units = {unit.id: unit for unit in city.units.values()}
    return [
        _duplicate(rng, master, units[master.submission.unit_id], now)
        for master in rng.sample(candidates, DUPLICATES)
    ]


def _duplicate(rng: random.Random, master: CasePlan, unit: Unit, now: datetime) -> CasePlan:
    """Plan another reporter's case about the same thing as the master's."""
    original = master.submission
    channel = _weighted(rng, CHANNEL_WEIGHTS[original.kind])
    submission = replace(
        original,
        channel=channel,
        body=rng.choice(DUPLICATE_OPENERS) + original.body,
        received_on=original.received_on + timedelta(days=rng.randint(1, 6)),
        reporter_mode=_weighted(rng, CHANNEL_MODES.get(channel, MODE_WEIGHTS)),
    )
    if submission.reporter_mode != M.ANONYMOUS:
        submission.contact = people.contact_for(rng, writer.district_of(unit))
    else:
        submission.contact = ContactDetails()
    arrival = _arrival(rng, submission.received_on, channel, now)
    return CasePlan(submission, arrival, S.MERGED, duplicate_of=master)


def _plan(
    rng: random.Random,
    city: DemoCity,
    categories: dict[str, int],
    kind: CaseKind,
    channel: Channel,
    today: date,
    now: datetime,
) -> CasePlan:
    """Plan one case: when it came, what it is about, who wrote it and what it says."""
    received_on = today - timedelta(days=rng.randint(0, 364))
    event_date = received_on - timedelta(days=rng.randint(0, 40))
    unit, post = _subject(rng, city, kind, event_date)
    submission = Submission(
        kind=kind,
        unit_id=unit.id,
        channel=channel,
        cadre_id=post.cadre.id if post else None,
        received_on=received_on,
        reporter_mode=_weighted(rng, CHANNEL_MODES.get(channel, MODE_WEIGHTS)),
    )
    _write(rng, submission, unit, post, event_date, categories)
    if submission.reporter_mode != M.ANONYMOUS:
        submission.contact = people.contact_for(rng, writer.district_of(unit))
    target = _target(rng, kind, (today - received_on).days)
    return CasePlan(submission, _arrival(rng, received_on, channel, now), target)


def _write(
    rng: random.Random,
    submission: Submission,
    unit: Unit,
    post: Post | None,
    day: date,
    categories: dict[str, int],
) -> None:
    """Fill in what the reporter wrote, which depends on the kind of case."""
    kind = submission.kind
    if kind == K.REPORT:
        codes = [code for code in REPORTS if code in categories]
        category = _weighted(rng, {code: CATEGORY_WEIGHTS.get(code, 2) for code in codes})
        subject = writer.subject_of(rng, post)
        submission.title, submission.body, submission.event_place = writer.write_report(
            rng, category, unit, subject, day
        )
        submission.category_id, submission.event_date = categories[category], day
    elif kind == K.OPINION:
        category, submission.title, submission.body = writer.write_opinion(rng, unit, day)
        submission.category_id = categories.get(category) if category else None
    elif kind == K.PRAISE:
        submission.title, submission.body = writer.write_praise(rng, unit, post, day)
        submission.event_date = day
    else:
        submission.body = writer.write_remark(rng)
        submission.scores = _scores(rng)


def _subject(rng: random.Random, city: DemoCity, kind: CaseKind, day: date):
    """Return the unit a case is about and, for some, the post of the cadre it names."""
    if rng.random() < CADRE_SHARE[kind]:
        posts = [post for post in city.posts if post.held_on(day)]
        post = rng.choice(posts)
        return post.unit, post
    weights = {
        key: UNIT_KIND_WEIGHTS[unit.kind] * SERVICE_WINDOWS.get(key, 1)
        for key, unit in city.units.items()
        if not (kind == K.OPINION and unit.kind in COMMITTEE_KINDS)
    }
    return city.units[_weighted(rng, weights)], None


def _scores(rng: random.Random) -> dict[str, int]:
    """Return four scores around one overall impression, as raters give them."""
    overall = _weighted(rng, {1: 3, 2: 6, 3: 15, 4: 38, 5: 38})
    return {column: min(5, max(1, overall + rng.choice((-1, 0, 0, 1)))) for column in SCORE_COLUMNS}


def _arrival(rng: random.Random, day: date, channel: Channel, now: datetime) -> datetime:
    """Return when a case reached us on its day: the web all day, others in office hours."""
    start, span = (7 * 60, 16 * 60) if channel == C.WEB else (8 * 60 + 30, 9 * 60)
    minutes = start + rng.randrange(span)
    moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=local_zone())
    return min(moment.astimezone(UTC), now)


def _target(rng: random.Random, kind: CaseKind, age_days: int) -> CaseStatus:
    if rng.random() < REJECTED_SHARE[kind]:
        return S.REJECTED
    return _weighted(rng, RECENT_TARGETS if age_days <= RECENT_DAYS else OLD_TARGETS)


def _weighted(rng: random.Random, weights: dict):
    """Return one key of a {choice: weight} table."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]
