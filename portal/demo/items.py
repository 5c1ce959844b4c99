"""The demo's rectification items: one at every stage of the two openness.

Each item is made from demo cases about its unit by the city's handler and drafted by the
unit's officer where the demo has one (the approval bureau), else by the handler; a second
account approves every publication (the handler the officer's, the administrator the
handler's), and the image supervisors whose area covers the unit assess its result. Every
step goes through the services, so the audit trail vouches for it; an :class:`ItemClock`
dates what they write, so the public history reads over the past months.

``build_items`` returns the items by the keys of :data:`portal.demo.item_texts.ITEMS`:
``draft`` (not public), ``commitment_published``, ``in_rectification`` (milestones, and a
commitment corrected after publication), ``result_published``, and three whose result waits
for the public's verdict: ``under_review``, ``accepted``, ``second_round``. The satisfaction
rounds' demo (:mod:`portal.demo.reviews`) opens their rounds, counts the votes and closes
them; ``finish_items`` then drafts and starts round 2 of the item sent back. Run alone, it
moves whatever was not judged along the item's table itself (no votes, no tally).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal.clock import local_today
from portal.demo.accounts import DemoStaff
from portal.demo.city import UNITS
from portal.demo.item_texts import ITEMS, ItemText, RoundText
from portal.extensions import db
from portal.models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    ItemState,
    Milestone,
    PublicationKind,
    PublicationRequest,
    PublishedVersion,
    RectificationItem,
    RectificationRound,
    ReviewOutcome,
    Role,
    SupervisorAssessment,
    Unit,
    User,
    utcnow,
)
from portal.services import item_progress, item_publication, rectification
from portal.services.items import transition_item

K = PublicationKind
#: How many days ago each item was made: enough for the steps its stage needs.
STARTED_DAYS_AGO = {
    "draft": 3,
    "commitment_published": 12,
    "in_rectification": 60,
    "result_published": 70,
    "under_review": 75,
    "accepted": 110,
    "second_round": 90,
}
#: The stage each item stops at; the others wait with a published result for the verdict.
STOPS_AT = {"draft": "draft", "commitment_published": "commitment", "in_rectification": "progress"}
#: The verdict each item waiting for one gets when no satisfaction round gives it (None: open).
VERDICTS = {
    "under_review": None,
    "accepted": ReviewOutcome.ACCEPTED,
    "second_round": ReviewOutcome.BELOW_THRESHOLD,
}
#: Days after an item (or a round) was begun on which each step is taken.
DAY = {"draft": 1, "request": 2, "approve": 3, "start": 4, "milestone": 10, "correct": 20,
       "result": 40, "assess": 44}  # fmt: skip
#: Days before now on which an item is judged by its table alone: opened, then decided.
JUDGED_DAYS_AGO = (20, 12)
MILESTONE_GAP = 15
#: Rows whose creation the clock dates, and the moments a step sets on rows it changes.
CREATED = {
    RectificationItem: ("created_at", "updated_at"),
    Milestone: ("created_at",),
    SupervisorAssessment: ("created_at",),
    PublicationRequest: ("created_at",),
    PublishedVersion: ("published_at",),
}
REACHED = {
    RectificationRound: ("commitment_published_at", "result_published_at"),
    PublicationRequest: ("decided_at",),
}


class ItemClock:
    """While active, the item rows a flush writes get ``moment`` as their time."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.moment: datetime | None = None

    def __enter__(self) -> ItemClock:
        event.listen(self.session, "before_flush", self._stamp)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.session, "before_flush", self._stamp)

    def _stamp(self, session: Session, _context, _instances) -> None:
        if self.moment is None:
            return
        for row in session.new:
            for name in CREATED.get(type(row), ()):
                setattr(row, name, self.moment)
        for row in session.dirty:
            if isinstance(row, RectificationItem) and session.is_modified(row):
                row.updated_at = self.moment
            state = inspect(row)
            for name in REACHED.get(type(row), ()):
                if getattr(row, name) is not None and state.attrs[name].history.added:
                    setattr(row, name, self.moment)


def build_items(
    staff: DemoStaff, submitted: list[tuple[Case, str]]
) -> dict[str, RectificationItem]:
    """Make the demo's items and take each to its stage through the services; flush."""
    cases = [case for case, _receipt in submitted]
    built = {}
    with ItemClock(db.session()) as clock:
        for key, text in ITEMS.items():
            builder = _Builder(staff, clock, utcnow() - timedelta(days=STARTED_DAYS_AGO[key]))
            built[key] = builder.build(text, cases, STOPS_AT.get(key, "result"))
    db.session.flush()
    return built


def finish_items(staff: DemoStaff, items: dict[str, RectificationItem]) -> None:
    """Judge by the table the items no satisfaction round judged; start round 2 of the failed."""
    handler = staff.users[Role.HANDLER]
    with ItemClock(db.session()) as clock:
        for key, verdict in VERDICTS.items():
            item = items[key]
            if item.state == ItemState.RESULT_PUBLISHED:
                _judge(item, verdict, handler, clock)
            if item.round_number > 1 and item.state == ItemState.DRAFT:
                started = _judged_at(item) + timedelta(hours=2)
                builder = _Builder(staff, clock, started)
                builder.next_round(item, ITEMS[key].rounds[item.round_number - 1])
    db.session.flush()


def _judge(item, verdict: ReviewOutcome | None, handler: User, clock: ItemClock) -> None:
    """Move an item along its table as a closed round with this verdict would."""
    opened, decided = (utcnow() - timedelta(days=days) for days in JUDGED_DAYS_AGO)
    clock.moment = opened
    transition_item(item, "open_review", handler, item.version)
    if verdict is not None:
        clock.moment = decided
        action = "accept" if verdict == ReviewOutcome.ACCEPTED else "rectify_again"
        transition_item(item, action, handler, item.version)


def _judged_at(item: RectificationItem) -> datetime:
    """Return when an item's last round was judged: its review's close, else its last change."""
    review = item.rounds[-2].review
    return review.closed_at if review is not None and review.closed_at else item.updated_at


def item_details(items: dict[str, RectificationItem]) -> list[str]:
    """Return the lines that tell where to see the demo's items."""
    lines = [f"Rectification items at /items: {len(items) - 1} public, one at every stage:"]
    for key, item in items.items():
        where = f"/items/{item.id}" if key != "draft" else f"/console/items/{item.id}"
        lines.append(f"  {key:<21} {where:<18} {item.title}")
    return lines


class _Builder:
    """Takes one item through its steps as the demo's staff, each on its own day."""

    def __init__(self, staff: DemoStaff, clock: ItemClock, started: datetime) -> None:
        self.staff, self.clock, self.started = staff, clock, started
        self.handler = staff.users[Role.HANDLER]

    def at(self, day: int) -> None:
        """Set the clock to a day after the item (or its round) was begun."""
        self.clock.moment = self.started + timedelta(days=day, hours=1)

    def build(self, text: ItemText, cases: list[Case], stop: str) -> RectificationItem:
        """Make the item, then take its first round as far as its stage."""
        self.at(0)
        unit = _unit(text.unit_key)
        category = db.session.scalar(select(Category).where(Category.code == text.category))
        item = rectification.create_item(
            self.handler, unit, text.title, text.problem, _cases_about(unit, cases), category
        )
        self._round(item, text.rounds[0], stop)
        return item

    def next_round(self, item: RectificationItem, text: RoundText) -> None:
        """Draft, publish and start the commitment of an item sent back to rectify again."""
        self._round(item, text, "progress")

    def _round(self, item: RectificationItem, text: RoundText, stop: str) -> None:
        drafter = self.staff.users[Role.OFFICER]
        if not rectification.may_draft(drafter, item):
            drafter = self.handler
        approver = self.handler if drafter is not self.handler else self.staff.users[Role.ADMIN]
        self.at(DAY["draft"])
        self._draft(item, text, drafter)
        if stop == "draft":
            return
        self._publish(item, K.COMMITMENT, drafter, approver, DAY["request"])
        if stop == "commitment":
            return
        self.at(DAY["start"])
        item_progress.start_rectification(item, drafter, item.version)
        self._progress(item, text, drafter, approver)
        if stop == "progress":
            return
        self.at(DAY["result"])
        item_progress.update_result(item, drafter, item.version, text.result)
        self._publish(item, K.RESULT, drafter, approver, DAY["result"] + 1)
        self.at(DAY["assess"])
        self._assess(item, text.assessment)

    def _draft(self, item: RectificationItem, text: RoundText, drafter: User) -> None:
        today = local_today()  # due dates lie ahead: the services refuse a past date
        dues = [today + timedelta(days=days) for _measure, days in text.measures]
        rectification.update_draft(
            item, drafter, item.version, title=item.title,
            problem_statement=item.problem_statement, commitment=text.commitment,
            deadline=max(dues) + timedelta(days=10), category=item.category,
        )  # fmt: skip
        for (measure, _days), due in zip(text.measures, dues, strict=True):
            rectification.add_measure(item, drafter, item.version, measure, item.unit, due)

    def _publish(self, item, kind: PublicationKind, drafter, approver, day: int, note=""):
        self.at(day)
        asked = item_publication.request_publication(item, drafter, item.version, kind)
        self.at(day + 1)
        item_publication.approve_publication(asked, approver, item.version, note)

    def _progress(self, item: RectificationItem, text: RoundText, drafter, approver) -> None:
        """Report the milestones and publish the correction, each on its day, in order."""
        steps = [
            (DAY["milestone"] + index * MILESTONE_GAP, "milestone", milestone)
            for index, milestone in enumerate(text.milestones)
        ]
        if text.correction:
            steps.append((DAY["correct"], "correct", text.correction))
        for day, kind, step in sorted(steps, key=lambda step: step[0]):
            self.at(day)
            if kind == "milestone":
                done, percent = step
                item_progress.add_milestone(item, drafter, item.version, done, percent)
            else:
                self._correct(item, step, drafter, approver, day)

    def _correct(self, item: RectificationItem, correction, drafter, approver, day: int) -> None:
        """Change a published measure, and publish the correction with its note."""
        index, measure_text, note = correction
        measure = item.current_round.measures[index]
        rectification.update_measure(
            measure, drafter, item.version, measure_text, measure.owner_unit, measure.due_on
        )
        self._publish(item, K.COMMITMENT, drafter, approver, day, note)

    def _assess(self, item: RectificationItem, text: str) -> None:
        supervisors = db.session.scalars(
            select(User).where(User.role == Role.SUPERVISOR).order_by(User.id)
        )
        for supervisor in supervisors:
            if text and item_progress.may_assess(supervisor, item):
                item_progress.add_assessment(item, supervisor, text)
                return


def _cases_about(unit: Unit, cases: list[Case]) -> list[Case]:
    """Return up to three reports or opinions about the unit, else about its branch."""
    useful = [
        case
        for case in cases
        if case.kind in (CaseKind.REPORT, CaseKind.OPINION)
        and case.status not in (CaseStatus.REJECTED, CaseStatus.MERGED)
    ]
    for root in (unit.path, unit.parent.path if unit.parent else unit.path):
        about = [case for case in useful if case.unit.path.startswith(root)]
        if about:
            return about[:3]
    return useful[:1]


def _unit(key: str) -> Unit:
    name = next(name for unit_key, _parent, name, _en, _kind in UNITS if unit_key == key)
    return db.session.scalar(select(Unit).where(Unit.name == name))
