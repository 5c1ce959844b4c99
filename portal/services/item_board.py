"""What the public reads of rectification items: the board, an item's rounds, the feed.

The public sees an item once its first commitment was published, and reads of each round
only what was approved: the newest published version of its commitment and result (with
their fingerprints and earlier versions), the unit's milestones and the supervisors'
assessments. An item's title and deadline, on the board too, and whether it is overdue, are
read from those versions, never from the fields the unit is editing. Nothing here names a
member of staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    Attachment,
    Case,
    ItemCase,
    ItemState,
    Milestone,
    PublicationKind,
    PublishedVersion,
    RectificationItem,
    RectificationRound,
    SupervisorAssessment,
    Unit,
)
from portal.services.item_progress import milestone_files
from portal.services.item_versions import (
    PublishedText,
    item_versions,
    newest_versions,
    published_deadline,
    read_version,
)
from portal.services.items import public_items

PAGE_SIZE = 20
FEED_SIZE = 50
#: States in which a passed deadline makes an item overdue: the result is not out yet.
OVERDUE_STATES = (ItemState.COMMITMENT_PUBLISHED, ItemState.IN_RECTIFICATION)


@dataclass(frozen=True)
class BoardFilter:
    """What the board is narrowed to; an empty filter shows every public item."""

    #: The root of a unit subtree: items of that unit or any unit below it.
    unit_id: int | None = None
    category_id: int | None = None
    state: ItemState | None = None
    overdue: bool = False


@dataclass(frozen=True)
class ItemCard:
    """An item as the public reads it in a list: its title and deadline as last approved."""

    item: RectificationItem
    #: The title of the item's newest published version.
    title: str
    #: The deadline of the current round's published commitment; None while one is drafted.
    deadline: date | None
    overdue: bool


@dataclass
class BoardPage:
    """One page of the board, newest item first, with the cursor to the next page."""

    cards: list[ItemCard]
    #: Pass as ``after`` for the next (older) page, or None on the last page.
    after: int | None = None


def is_overdue(item: RectificationItem, today: date) -> bool:
    """Tell whether an item is past its published deadline with no result published."""
    if item.state not in OVERDUE_STATES:
        return False  # spares reading the versions: only an item under way can be late
    return _late(item.state, published_deadline(item.current_round), today)


def item_cards(items: Sequence[RectificationItem], today: date) -> list[ItemCard]:
    """Return the cards of public items, read from their newest published versions."""
    if not items:
        return []
    current = {item.id: item.round_number for item in items}
    query = (
        newest_versions()
        .join(RectificationRound, RectificationRound.id == PublishedVersion.round_id)
        .where(RectificationRound.item_id.in_(list(current)))
        .add_columns(RectificationRound.item_id, RectificationRound.number)
        .order_by(PublishedVersion.published_at, PublishedVersion.id)
    )
    titles: dict[int, str] = {}
    deadlines: dict[int, date | None] = {}
    for version, item_id, number in db.session.execute(query):
        text = read_version(version)
        titles[item_id] = text.title  # the newest version overall names the item
        if version.kind == PublicationKind.COMMITMENT and number == current[item_id]:
            deadlines[item_id] = text.deadline
    return [
        ItemCard(
            item,
            titles.get(item.id, ""),
            deadlines.get(item.id),
            _late(item.state, deadlines.get(item.id), today),
        )
        for item in items
    ]


def _late(state: ItemState, deadline: date | None, today: date) -> bool:
    return state in OVERDUE_STATES and deadline is not None and deadline < today


def board_page(board_filter: BoardFilter, after: int | None = None) -> BoardPage:
    """Return a page of the public items that pass the filter, newest first."""
    today = local_today()
    query = (
        select(RectificationItem)
        .where(*_conditions(board_filter, today))
        .options(
            joinedload(RectificationItem.unit),
            joinedload(RectificationItem.category),
            selectinload(RectificationItem.rounds).selectinload(RectificationRound.milestones),
        )
        .order_by(RectificationItem.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if after is not None:
        query = query.where(RectificationItem.id < after)
    rows = list(db.session.scalars(query))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return BoardPage(item_cards(rows, today), rows[-1].id if more else None)


def _conditions(board_filter: BoardFilter, today: date) -> list[ColumnElement[bool]]:
    f = board_filter
    conditions = [public_items()]
    if f.unit_id is not None:
        root = db.session.get(Unit, f.unit_id)
        path = root.path if root else "/none/"
        subtree = select(Unit.id).where(Unit.path.startswith(path, autoescape=True))
        conditions.append(RectificationItem.unit_id.in_(subtree))
    if f.category_id is not None:
        conditions.append(RectificationItem.category_id == f.category_id)
    if f.state is not None:
        conditions.append(RectificationItem.state == f.state)
    if f.overdue:
        conditions.append(RectificationItem.id.in_(_overdue_ids(today)))
    return conditions


def _overdue_ids(today: date) -> list[int]:
    """Return the ids of the items under way past the deadline of their published commitment.

    The deadline lies in the approved JSON, which SQLite and PostgreSQL do not read alike,
    so the newest commitments of the items under way are compared here rather than in SQL.
    """
    query = (
        newest_versions()
        .join(RectificationRound, RectificationRound.id == PublishedVersion.round_id)
        .join(
            RectificationItem,
            and_(
                RectificationItem.id == RectificationRound.item_id,
                RectificationItem.round_number == RectificationRound.number,
            ),
        )
        .where(
            PublishedVersion.kind == PublicationKind.COMMITMENT,
            RectificationItem.state.in_(OVERDUE_STATES),
        )
        .add_columns(RectificationItem.id, RectificationItem.state)
    )
    return [
        item_id
        for version, item_id, state in db.session.execute(query)
        if _late(state, read_version(version).deadline, today)
    ]


def latest_published(limit: int = 5) -> list[tuple[ItemCard, datetime]]:
    """Return the cards of the items whose commitment or result was published last, with when."""
    latest = (
        select(
            RectificationRound.item_id.label("item_id"),
            func.max(PublishedVersion.published_at).label("at"),
        )
        .join(PublishedVersion, PublishedVersion.round_id == RectificationRound.id)
        .group_by(RectificationRound.item_id)
        .subquery()
    )
    query = (
        select(RectificationItem, latest.c.at)
        .join(latest, latest.c.item_id == RectificationItem.id)
        .where(public_items())
        .options(joinedload(RectificationItem.unit))
        .order_by(latest.c.at.desc(), RectificationItem.id.desc())
        .limit(limit)
    )
    rows = list(db.session.execute(query))
    cards = item_cards([item for item, _at in rows], local_today())
    return list(zip(cards, [at for _item, at in rows], strict=True))


def linked_items(case: Case) -> list[ItemCard]:
    """Return the cards of the public items a case is linked to, or the case it was merged into."""
    ids = [case.id] + ([case.merged_into_id] if case.merged_into_id else [])
    linked = select(ItemCase.item_id).where(ItemCase.case_id.in_(ids))
    query = select(RectificationItem).where(RectificationItem.id.in_(linked), public_items())
    items = list(db.session.scalars(query.order_by(RectificationItem.id)))
    return item_cards(items, local_today())


@dataclass(frozen=True)
class RoundView:
    """One round of an item as the public reads it, newest version of each text first."""

    round: RectificationRound
    commitments: list[PublishedText]
    results: list[PublishedText]
    milestones: list[Milestone]
    assessments: list[SupervisorAssessment]
    #: The evidence files of the milestones, by milestone id.
    files: dict[int, list[Attachment]]

    @property
    def commitment(self) -> PublishedText | None:
        """Return the commitment as it stands published, if it was."""
        return self.commitments[-1] if self.commitments else None

    @property
    def result(self) -> PublishedText | None:
        """Return the result as it stands published, if it was."""
        return self.results[-1] if self.results else None

    @property
    def newest(self) -> PublishedText | None:
        """Return the round's text approved last, commitment or result: what names the item."""
        texts = [*self.commitments, *self.results]
        return max(texts, key=lambda t: (t.version.published_at, t.version.id), default=None)

    @property
    def progress(self) -> int | None:
        """Return how far along the latest milestone said the work was."""
        return self.milestones[-1].percent if self.milestones else None


def item_rounds(item: RectificationItem) -> list[RoundView]:
    """Return the rounds of an item the public reads, the current round first."""
    published = item_versions(item)
    files = milestone_files([m for round_ in item.rounds for m in round_.milestones])
    return [
        RoundView(
            round_,
            published.get((round_.id, PublicationKind.COMMITMENT), []),
            published.get((round_.id, PublicationKind.RESULT), []),
            list(round_.milestones),
            list(round_.assessments),
            files,
        )
        for round_ in reversed(item.rounds)
    ]


@dataclass(frozen=True)
class FeedEntry:
    """A published commitment or result, as it stands, for the Atom feed."""

    item: RectificationItem
    round_number: int
    kind: PublicationKind
    text: PublishedText
    #: When it was first published; ``text.version.published_at`` is its newest version.
    published: datetime


def feed_entries(limit: int = FEED_SIZE) -> list[FeedEntry]:
    """Return the published commitments and results, the most recently updated first."""
    query = (
        newest_versions()
        .join(RectificationRound, RectificationRound.id == PublishedVersion.round_id)
        .join(RectificationItem, RectificationItem.id == RectificationRound.item_id)
        .where(public_items())
        .order_by(PublishedVersion.published_at.desc(), PublishedVersion.id.desc())
        .limit(limit)
    )
    versions = list(db.session.scalars(query))
    rounds = _rounds({version.round_id for version in versions})
    return [_entry(version, rounds[version.round_id]) for version in versions]


def _rounds(ids: set[int]) -> dict[int, RectificationRound]:
    query = (
        select(RectificationRound)
        .where(RectificationRound.id.in_(ids))
        .options(joinedload(RectificationRound.item).joinedload(RectificationItem.unit))
    )
    return {round_.id: round_ for round_ in db.session.scalars(query)}


def _entry(version: PublishedVersion, round_: RectificationRound) -> FeedEntry:
    first = getattr(round_, f"{version.kind.value}_published_at")
    return FeedEntry(round_.item, round_.number, version.kind, read_version(version), first)
