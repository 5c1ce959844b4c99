"""Small builders of domain objects for tests; they flush, the test commits when it must."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import Cadre, Case, CaseKind, Category, Post, Role, Unit, UnitKind, User
from portal.services.intake import Submission, submit_case


@dataclass
class City:
    """A small organization tree: a committee, its organization department, a district."""

    committee: Unit
    organization_department: Unit
    district: Unit
    township: Unit
    bureau: Unit
    cadre: Cadre
    post: Post


def add_unit(name: str, kind: UnitKind, parent: Unit | None = None, **fields) -> Unit:
    """Add a unit under a parent and give it its materialised path."""
    unit = Unit(name=name, kind=kind, parent=parent, path=f"/pending-{name}/", **fields)
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    db.session.flush()
    return unit


def add_cadre(name: str, unit: Unit, title: str = "科长", starts_on=date(2020, 1, 1)):
    """Add a cadre holding a post in a unit since a date; return (cadre, post)."""
    cadre = Cadre(name=name)
    post = Post(cadre=cadre, unit=unit, title=title, starts_on=starts_on)
    db.session.add_all([cadre, post])
    db.session.flush()
    return cadre, post


def build_city() -> City:
    """Build the small tree most tests need."""
    committee = add_unit("示范市委", UnitKind.COMMITTEE, name_en="Municipal Party Committee")
    department = add_unit(
        "市委组织部", UnitKind.ORGANIZATION_DEPARTMENT, committee, name_en="Organization Department"
    )
    district = add_unit("东城区委", UnitKind.DISTRICT, committee, name_en="Dongcheng District")
    township = add_unit("东湖街道", UnitKind.TOWNSHIP, district, name_en="Donghu Street")
    bureau = add_unit("市人社局", UnitKind.DEPARTMENT, committee, name_en="Human Resources Bureau")
    cadre, post = add_cadre("王建国", bureau, title="副局长")
    return City(committee, department, district, township, bureau, cadre, post)


def category(code: str = "work_style") -> Category:
    """Return a category seeded by the migrations."""
    return db.session.scalar(select(Category).where(Category.code == code))


def make_case(unit: Unit, kind: CaseKind = CaseKind.OPINION, **fields) -> tuple[Case, str]:
    """Submit a case through the intake service; return (case, receipt)."""
    values = {"title": "窗口办事排队太久", "body": "上午九点到十一点只开了一个窗口。"}
    if kind == CaseKind.REPORT:
        values["category_id"] = category("fraud_inaction").id
    if kind == CaseKind.RATING:
        values = {
            "scores": dict.fromkeys(
                ("score_fairness", "score_style", "score_efficiency", "score_integrity"), 4
            )
        }
    values.update(fields)
    return submit_case(Submission(kind=kind, unit_id=unit.id, **values))


def add_user(role: Role, unit: Unit, username: str | None = None, **fields) -> User:
    """Add a staff account scoped to a unit (its password unusable unless one is set)."""
    user = User(
        username=username or f"{role.value}-{unit.id}",
        display_name=fields.pop("display_name", f"{role.label} {unit.name}"),
        role=role,
        unit=unit,
        password_hash=fields.pop("password_hash", "!"),
        must_change_password=fields.pop("must_change_password", False),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user
