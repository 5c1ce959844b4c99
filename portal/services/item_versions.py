"""Published versions of commitments and results: what the public reads, and can check.

Each approved publication keeps the canonical text it fingerprinted
(:func:`portal.services.items.published_content`); corrections append versions. The public
pages read these versions back, never the fields being edited, so what they show is exactly
what was approved and hashed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, select

from portal.extensions import db
from portal.models import (
    PublicationKind,
    PublishedVersion,
    RectificationItem,
    RectificationRound,
)
from portal.services.items import fingerprint, published_content


@dataclass(frozen=True)
class PublishedMeasure:
    """A measure as it was published."""

    text: str
    owner: str
    owner_id: int | None
    due: date


@dataclass(frozen=True)
class PublishedText:
    """One published version of a commitment or a result, read back from what was hashed."""

    version: PublishedVersion
    title: str
    unit: str
    unit_id: int | None
    problem: str = ""
    commitment: str = ""
    deadline: date | None = None
    measures: tuple[PublishedMeasure, ...] = ()
    result: str = ""


def read_version(version: PublishedVersion) -> PublishedText:
    """Return a published version's content, as the public reads it."""
    data = json.loads(version.content)
    deadline = data.get("deadline")
    return PublishedText(
        version=version,
        title=data["title"],
        unit=data["unit"],
        unit_id=data.get("unit_id"),
        problem=data.get("problem", ""),
        commitment=data.get("commitment", ""),
        deadline=date.fromisoformat(deadline) if deadline else None,
        measures=tuple(
            PublishedMeasure(m["text"], m["owner"], m.get("owner_id"), date.fromisoformat(m["due"]))
            for m in data.get("measures", [])
        ),
        result=data.get("result", ""),
    )


def proposed_text(round_: RectificationRound, kind: PublicationKind) -> PublishedText:
    """Return what approving would publish now: the round's text as it stands."""
    content = published_content(round_, kind)
    draft = PublishedVersion(
        round_id=round_.id,
        kind=kind,
        number=len(versions(round_, kind)) + 1,
        content=content,
        fingerprint=fingerprint(content),
    )
    return read_version(draft)


def versions(round_: RectificationRound, kind: PublicationKind) -> list[PublishedVersion]:
    """Return the published versions of a round's commitment or result, oldest first."""
    query = select(PublishedVersion).where(
        PublishedVersion.round_id == round_.id, PublishedVersion.kind == kind
    )
    return list(db.session.scalars(query.order_by(PublishedVersion.number)))


def item_versions(
    item: RectificationItem,
) -> dict[tuple[int, PublicationKind], list[PublishedText]]:
    """Return every published version of an item by (round id, kind), oldest first."""
    query = (
        select(PublishedVersion)
        .join(RectificationRound, RectificationRound.id == PublishedVersion.round_id)
        .where(RectificationRound.item_id == item.id)
        .order_by(PublishedVersion.number)
    )
    found: dict[tuple[int, PublicationKind], list[PublishedText]] = defaultdict(list)
    for version in db.session.scalars(query):
        found[(version.round_id, version.kind)].append(read_version(version))
    return found


def newest_versions() -> Select[tuple[PublishedVersion]]:
    """Return a query of the newest version of each round's commitment and of its result."""
    newest = (
        select(
            PublishedVersion.round_id,
            PublishedVersion.kind,
            func.max(PublishedVersion.number).label("number"),
        )
        .group_by(PublishedVersion.round_id, PublishedVersion.kind)
        .subquery()
    )
    return select(PublishedVersion).join(
        newest,
        and_(
            PublishedVersion.round_id == newest.c.round_id,
            PublishedVersion.kind == newest.c.kind,
            PublishedVersion.number == newest.c.number,
        ),
    )


def published_deadline(round_: RectificationRound) -> date | None:
    """Return the deadline of a round's commitment as last approved, None if never published."""
    published = versions(round_, PublicationKind.COMMITMENT)
    return read_version(published[-1]).deadline if published else None


def has_changes(round_: RectificationRound, kind: PublicationKind) -> bool:
    """Tell whether a round's published text was edited since its newest approved version."""
    published = versions(round_, kind)
    return bool(published) and published[-1].content != published_content(round_, kind)
