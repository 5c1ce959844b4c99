"""The fixtures themselves: a test run writes nothing into the checkout, and leaves no rows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from portal.models import Category, DeadlineRule, UnitKind
from tests.conftest import REFERENCE_TABLES, _empty_tables, base_config
from tests.factories import add_unit, build_city, make_case

CHECKOUT = Path(__file__).resolve().parents[1]


def test_the_test_app_keeps_evidence_files_outside_the_checkout(app):
    assert not Path(app.config["UPLOAD_DIR"]).resolve().is_relative_to(CHECKOUT)


def test_an_app_built_on_the_base_config_keeps_them_outside_too():
    app = create_app(base_config("sqlite://"))

    assert not Path(app.config["UPLOAD_DIR"]).resolve().is_relative_to(CHECKOUT)


def test_after_a_test_every_table_is_empty_but_the_seeded_rows_and_ids_start_again(app):
    with app.app_context():
        seeded_rules = db.session.scalar(sa.select(sa.func.count()).select_from(DeadlineRule))
        city = build_city()
        make_case(city.bureau)  # a case, its history (append-only) and its audit row
        db.session.add(Category(code="test-extra", name="测试", name_en="Test"))
        db.session.execute(sa.delete(DeadlineRule))  # as an administrator's edit would
        db.session.commit()

        _empty_tables()

        for table in db.metadata.sorted_tables:
            rows = db.session.scalar(sa.select(sa.func.count()).select_from(table))
            if table.name == "deadline_rules":
                assert rows == seeded_rules
            elif table.name not in REFERENCE_TABLES:
                assert rows == 0, table.name
        extra = sa.select(Category.id).where(Category.code == "test-extra")
        assert db.session.scalar(extra) is None
        unit = add_unit("新单位", UnitKind.DEPARTMENT)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # SQLite reuses ids of emptied tables anyway
            assert unit.id == 1
