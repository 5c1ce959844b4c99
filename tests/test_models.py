"""The database itself refuses rows that break the domain's invariants, whoever writes them."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from portal.extensions import db
from portal.models import (
    Cadre,
    Case,
    CaseKind,
    CaseMessage,
    CaseStatus,
    Category,
    Channel,
    MessageDirection,
    Post,
    ReporterMode,
    Unit,
    UnitKind,
)
from tests.factories import add_cadre, build_city, category

FOUR_SCORES = dict.fromkeys(
    ("score_fairness", "score_style", "score_efficiency", "score_integrity"), 4
)


@pytest.fixture
def city(app_context):
    """Return a committed small city, so that a refused row rolls back to it."""
    city = build_city()
    db.session.commit()
    return city


def case_row(city, **fields) -> Case:
    """Return a legal case row (an opinion received today); fields override its columns."""
    values = {
        "number": f"2026-{secrets.randbelow(10**6):06d}",
        "kind": CaseKind.OPINION,
        "channel": Channel.WEB,
        "status": CaseStatus.RECEIVED,
        "unit": city.bureau,
        "title": "窗口办事排队太久",
        "body": "上午只开了一个窗口。",
        "receipt_hash": secrets.token_hex(32),
        "reporter_mode": ReporterMode.ANONYMOUS,
        "received_on": date(2026, 3, 2),
    }
    values.update(fields)
    return Case(**values)


def assert_refused(*rows) -> None:
    """Add the rows and expect the database to refuse them; roll back."""
    db.session.add_all(rows)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_legal_case_row_is_stored(city):
    db.session.add(case_row(city))
    db.session.flush()


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"title": ""}, id="empty title"),
        pytest.param({"body": ""}, id="empty body of an opinion"),
        pytest.param({"kind": CaseKind.RATING}, id="rating without scores"),
        pytest.param({"kind": CaseKind.RATING, **FOUR_SCORES, "score_style": None},
                     id="rating missing one score"),
        pytest.param({"score_fairness": 3}, id="score on an opinion"),
        pytest.param({"kind": CaseKind.RATING, **FOUR_SCORES, "score_fairness": 0},
                     id="score 0"),
        pytest.param({"kind": CaseKind.RATING, **FOUR_SCORES, "score_integrity": 6},
                     id="score 6"),
        pytest.param({"kind": CaseKind.REPORT}, id="report without category"),
        pytest.param({"contact_ciphertext": b"sealed", "contact_key": b"wrapped"},
                     id="anonymous with contact details"),
        pytest.param({"contact_ciphertext": b"sealed"}, id="anonymous with a ciphertext"),
        pytest.param({"reporter_mode": ReporterMode.CONFIDENTIAL},
                     id="confidential without contact details"),
        pytest.param({"reporter_mode": ReporterMode.NAMED, "contact_ciphertext": b"sealed"},
                     id="named without a data key"),
    ],
)  # fmt: skip
def test_illegal_case_rows_are_refused(city, fields):
    assert_refused(case_row(city, **fields))


def test_a_report_with_a_category_is_stored(city):
    db.session.add(case_row(city, kind=CaseKind.REPORT, category=category("gambling")))
    db.session.flush()


def test_a_post_without_its_cadre_is_refused(city):
    assert_refused(case_row(city, post_id=city.post.id))


def test_a_post_of_another_cadre_is_refused(city):
    other, _post = add_cadre("李明", city.bureau)
    db.session.commit()
    assert_refused(case_row(city, cadre_id=other.id, post_id=city.post.id))


def test_the_cadre_with_their_own_post_is_stored(city):
    db.session.add(case_row(city, cadre_id=city.cadre.id, post_id=city.post.id))
    db.session.flush()


def test_a_post_ending_before_it_starts_is_refused(city):
    starts = date(2024, 5, 1)
    assert_refused(
        Post(cadre=city.cadre, unit=city.bureau, title="科长", starts_on=starts,
             ends_on=starts - timedelta(days=1))
    )  # fmt: skip


def test_a_post_ending_the_day_it_starts_is_stored(city):
    day = date(2024, 5, 1)
    db.session.add(
        Post(cadre=city.cadre, unit=city.bureau, title="科长", starts_on=day, ends_on=day)
    )
    db.session.flush()


@pytest.mark.parametrize(
    "make_row",
    [
        pytest.param(lambda city, case: Unit(name="", kind=UnitKind.TOWNSHIP, path="/x/"),
                     id="unit"),
        pytest.param(lambda city, case: Cadre(name=""), id="cadre"),
        pytest.param(lambda city, case: Post(cadre=city.cadre, unit=city.bureau, title="",
                                             starts_on=date(2024, 1, 1)), id="post title"),
        pytest.param(lambda city, case: Category(code="test-empty", name="", name_en="Empty"),
                     id="category"),
        pytest.param(lambda city, case: CaseMessage(case=case, body="",
                                                    direction=MessageDirection.TO_REPORTER),
                     id="message"),
    ],
)  # fmt: skip
def test_empty_names_and_texts_are_refused(city, make_row):
    case = case_row(city)
    db.session.add(case)
    db.session.commit()
    assert_refused(make_row(city, case))


def _insert_unit(kind: str) -> None:
    db.session.execute(
        sa.text(
            "INSERT INTO units (name, kind, path, is_public, sort_order)"
            " VALUES ('新单位', :kind, '/raw/', :public, 0)"
        ),
        {"kind": kind, "public": True},
    )


def test_a_unit_kind_outside_the_enum_is_refused(city):
    _insert_unit("township")
    db.session.rollback()
    with pytest.raises(IntegrityError):
        _insert_unit("ministry")
    db.session.rollback()


def _insert_copy_of_case(case_id: int, **values: str) -> None:
    """Insert, in plain SQL, a copy of a case with some columns replaced."""
    values = {"number": "2026-999999", "receipt_hash": "f" * 64, **values}
    columns = [column.name for column in Case.__table__.columns if column.name != "id"]
    selected = [f":{name}" if name in values else name for name in columns]
    db.session.execute(
        sa.text(
            f"INSERT INTO cases ({', '.join(columns)})"  # noqa: S608  (names from the model)
            f" SELECT {', '.join(selected)} FROM cases WHERE id = :source"
        ),
        {**values, "source": case_id},
    )


@pytest.mark.parametrize(
    "column, value",
    [
        ("status", "lost"),
        ("channel", "fax"),
        ("kind", "appeal"),
        ("reporter_mode", "pseudonymous"),
    ],
)
def test_values_outside_the_enums_are_refused_in_plain_sql(city, column, value):
    case = case_row(city)
    db.session.add(case)
    db.session.commit()
    _insert_copy_of_case(case.id)  # the copy itself is legal
    db.session.rollback()
    with pytest.raises(IntegrityError):
        _insert_copy_of_case(case.id, **{column: value})
    db.session.rollback()


def test_aware_times_come_back_aware_in_utc(city):
    beijing = timezone(timedelta(hours=8))
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=beijing)
    case = case_row(city, created_at=moment)
    db.session.add(case)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(sa.select(Case.created_at).where(Case.id == case.id))
    assert stored == moment
    assert stored.utcoffset() == timedelta(0)
    assert stored.tzinfo is UTC


def test_naive_times_are_refused(city):
    db.session.add(case_row(city, created_at=datetime(2026, 3, 2, 9, 30)))
    with pytest.raises(StatementError) as refused:
        db.session.flush()
    assert isinstance(refused.value.orig, ValueError)
    db.session.rollback()
