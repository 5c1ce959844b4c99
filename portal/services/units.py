"""The organization tree as the forms and pages show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Cadre, Post, Unit


@dataclass(frozen=True)
class UnitChoice:
    """A unit as a picker lists it: its id, name and depth in the tree."""

    id: int
    name: str
    depth: int
    group: str


def unit_tree(public_only: bool = True) -> list[Unit]:
    """Return the units in tree order (parents before children, siblings by sort order)."""
    query = select(Unit)
    if public_only:
        query = query.where(Unit.is_public.is_(True))
    units = db.session.scalars(query).all()
    children: dict[int | None, list[Unit]] = {}
    known = {unit.id for unit in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        children.setdefault(parent, []).append(unit)
    ordered: list[Unit] = []

    def visit(parent: int | None) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: (u.sort_order, u.id)):
            ordered.append(unit)
            visit(unit.id)

    visit(None)
    return ordered


def unit_choices(locale: str, public_only: bool = True) -> list[UnitChoice]:
    """Return the picker's entries, each grouped under its top-level branch."""
    choices = []
    group = ""
    for unit in unit_tree(public_only):
        if unit.depth <= 1:
            group = unit.display_name(locale)
        choices.append(UnitChoice(unit.id, unit.display_name(locale), unit.depth, group))
    return choices


def get_unit(unit_id: int | None, public_only: bool = True) -> Unit | None:
    """Return a unit by id, or None when there is none (or it is not public)."""
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or (public_only and not unit.is_public):
        return None
    return unit


def cadres_in_unit(unit_id: int, on: date) -> list[tuple[Cadre, Post]]:
    """Return the cadres holding a post in the unit on a day, with that post."""
    query = (
        select(Post)
        .options(joinedload(Post.cadre))
        .where(
            Post.unit_id == unit_id,
            Post.starts_on <= on,
            or_(Post.ends_on.is_(None), Post.ends_on >= on),
        )
        .order_by(Post.id)
    )
    return [(post.cadre, post) for post in db.session.scalars(query)]


def post_held(cadre_id: int, unit_id: int, on: date) -> Post | None:
    """Return the post the cadre held in the unit on a day, or their latest one there."""
    posts = db.session.scalars(
        select(Post)
        .where(Post.cadre_id == cadre_id, Post.unit_id == unit_id)
        .order_by(Post.starts_on.desc())
    ).all()
    for post in posts:
        if post.held_on(on):
            return post
    return posts[0] if posts else None
