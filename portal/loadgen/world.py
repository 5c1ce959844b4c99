"""What generated cases refer to: units, posts, categories, handlers and sealed contacts.

Existing rows are reused; an empty database first gets a small city (a committee, its
organization department, districts with townships, municipal departments, cadres and one
handler account per district, department and the organization department) so that cases
have somewhere to go.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from portal import crypto
from portal.extensions import db
from portal.models import Cadre, Category, Post, Role, Unit, UnitKind, User
from portal.policy import Permission, can, handling_unit

DISTRICTS = ["东城区委", "西城区委", "南湖区委", "北山区委", "高新区党工委", "临江县委"]
TOWNSHIPS = ["城关街道", "新华街道", "长春镇", "清泉镇"]
DEPARTMENTS = [
    "市人社局",
    "市教育局",
    "市卫健委",
    "市住建局",
    "市市场监管局",
    "市税务局",
    "市医保局",
]
CADRE_TITLES = ["局长", "副局长", "科长", "副书记", "主任"]


@dataclass
class UnitRef:
    """A unit as the generator needs it."""

    id: int
    name: str
    path: str
    parent_id: int | None


@dataclass
class World:
    """Everything generated cases point at."""

    units: list[UnitRef]
    unit_weights: list[float]
    #: (post id, cadre id, unit id) of every post.
    posts: list[tuple[int, int, int]]
    categories: dict[str, int]
    #: For each unit, the handler accounts whose scope covers it, closest first.
    handlers: dict[int, list[int]]
    #: For each unit, the unit that handles cases about its cadres (recusal, policy.py).
    cadre_handling: dict[int, int] = field(default_factory=dict)
    #: Sealed contact details to reuse: load data only, never a real reporter's.
    contacts: list[tuple[bytes, bytes]] = field(default_factory=list)

    def unit(self, unit_id: int) -> UnitRef:
        """Return a unit by id."""
        return self._by_id[unit_id]

    @property
    def root_id(self) -> int:
        """Return the id of the unit at the top of the tree."""
        return next(unit.id for unit in self.units if unit.parent_id is None)

    def __post_init__(self) -> None:
        self._by_id = {unit.id: unit for unit in self.units}


def load_world(rng: random.Random) -> World:
    """Read (or first build) the units, posts, categories and handlers cases will use."""
    if db.session.scalar(select(Unit.id).limit(1)) is None:
        _build_city()
    if not any(can(user, Permission.HANDLE) for user in db.session.scalars(select(User))):
        _add_handlers()
    db.session.flush()
    rows = db.session.scalars(select(Unit).order_by(Unit.id)).all()
    units = [UnitRef(u.id, u.name, u.path, u.parent_id) for u in rows]
    # A few units draw most of the cases, as in life: a log-normal weight per unit.
    weights = [rng.lognormvariate(0, 1.2) / (1 + unit.path.count("/") - 2) for unit in units]
    posts = [tuple(row) for row in db.session.execute(select(Post.id, Post.cadre_id, Post.unit_id))]
    categories = dict(db.session.execute(select(Category.code, Category.id)).all())
    contacts = [
        crypto.seal(
            {"name": f"压测联系人{n}", "phone": f"1380000{n:04d}", "email": "", "address": ""}
        )
        for n in range(16)
    ]
    handlers = _handlers_by_unit(units)
    routes = _cadre_handling(rows)
    return World(units, weights, posts, categories, handlers, routes, contacts)


def _cadre_handling(units: list[Unit]) -> dict[int, int]:
    """Return, for each unit, where the policy sends a case about one of its cadres.

    The generated cadres hold one post each, in the unit their cases are about.
    """
    cadre = SimpleNamespace(posts=[])
    about = {
        unit.id: SimpleNamespace(cadre_id=0, cadre=cadre, is_protected=False, unit=unit)
        for unit in units
    }
    return {unit_id: handling_unit(case).id for unit_id, case in about.items()}


def _handlers_by_unit(units: list[UnitRef]) -> dict[int, list[int]]:
    handlers = [
        (user.id, user.unit.path)
        for user in db.session.scalars(select(User).where(User.is_active))
        if can(user, Permission.HANDLE)
    ]
    return {
        unit.id: [
            user_id
            for user_id, path in sorted(handlers, key=lambda h: -len(h[1]))
            if unit.path.startswith(path)
        ]
        for unit in units
    }


def _add_unit(name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    unit = Unit(name=name, kind=kind, parent=parent, path=f"/new-{name}/")
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    return unit


def _build_city() -> None:
    committee = _add_unit("示范市委", UnitKind.COMMITTEE, None)
    _add_unit("市委组织部", UnitKind.ORGANIZATION_DEPARTMENT, committee)
    leaves = []
    for name in DISTRICTS:
        district = _add_unit(name, UnitKind.DISTRICT, committee)
        leaves.append(district)
        for township in TOWNSHIPS:
            leaves.append(_add_unit(f"{name[:2]}{township}", UnitKind.TOWNSHIP, district))
    leaves += [_add_unit(name, UnitKind.DEPARTMENT, committee) for name in DEPARTMENTS]
    for number, unit in enumerate(leaves):
        for offset in range(2):
            cadre = Cadre(name=f"干部{number * 2 + offset + 1:03d}")
            title = CADRE_TITLES[(number + offset) % len(CADRE_TITLES)]
            db.session.add(Post(cadre=cadre, unit=unit, title=title, starts_on=date(2020, 1, 1)))
    db.session.flush()


def _add_handlers() -> None:
    targets = (
        db.session.scalars(
            select(Unit).where(
                Unit.kind.in_(
                    [
                        UnitKind.DISTRICT,
                        UnitKind.DEPARTMENT,
                        UnitKind.COUNTY,
                        UnitKind.ORGANIZATION_DEPARTMENT,
                    ]
                )
            )
        ).all()
        or db.session.scalars(select(Unit).where(Unit.parent_id.is_(None))).all()
    )
    for unit in targets:
        db.session.add(
            User(
                username=f"load-handler-{unit.id}",
                display_name=f"压测办理人（{unit.name}）",
                role=Role.HANDLER,
                unit=unit,
                password_hash="!",  # noqa: S106  (never signs in: no password verifies against "!")
            )
        )
