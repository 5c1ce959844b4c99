"""The migrations build the schema the models describe, and undo it cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.extensions import db
from portal.models import Category
from tests.conftest import POSTGRES_SERVER_URL, base_config

PROHIBITIONS = [
    "fraud_inaction",
    "drinking",
    "gifts_banquets",
    "appointment_leaks",
    "excessive_demands",
    "obstructing_grassroots",
    "gambling",
    "games_at_work",
]
OTHER_CATEGORIES = [
    "selection_violations",
    "work_style",
    "service_efficiency",
    "integrity",
    "other",
]


@pytest.fixture
def throwaway_url(tmp_path) -> Iterator[str]:
    """Return an empty database of the suite's kind, dropped afterwards."""
    if not POSTGRES_SERVER_URL:
        yield f"sqlite:///{tmp_path / 'throwaway.sqlite3'}"
        return
    name = f"portal_migrations_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(False)
    with server.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.dispose()


def test_models_and_migrations_agree(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exception is None, result.output
    assert result.exit_code == 0


def test_downgrade_to_base_and_upgrade_again(throwaway_url):
    app = create_app(base_config(throwaway_url))
    with app.app_context():
        upgrade()
        assert _tables() >= {"cases", "units", "users", "audit_events"}
        downgrade(revision="base")
        assert _tables() <= {"alembic_version"}
        upgrade()
        assert _tables() >= {"cases", "units", "users", "audit_events"}
        assert len(db.session.scalars(sa.select(Category)).all()) == 13
        db.session.remove()  # end the transaction: on SQLite it holds the write lock
        result = app.test_cli_runner().invoke(args=["db", "check"])
        db.engine.dispose()
    assert result.exception is None, result.output


def test_the_eight_prohibitions_and_five_other_categories_are_seeded(app_context):
    categories = db.session.scalars(
        sa.select(Category).where(~Category.code.like("test-%")).order_by(Category.sort_order)
    ).all()
    assert [c.code for c in categories] == PROHIBITIONS + OTHER_CATEGORIES
    assert [c.code for c in categories if c.is_prohibition] == PROHIBITIONS
    assert all(c.name and c.name_en and c.is_active for c in categories)
    drinking = next(c for c in categories if c.code == "drinking")
    assert drinking.display_name("zh_Hans") == "工作日中午饮酒、酗酒误事"
    assert drinking.display_name("en").startswith("Drinking at noon")


def _tables() -> set[str]:
    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names())
