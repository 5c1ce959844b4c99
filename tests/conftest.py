"""Fixtures: an app on a database built by the migrations, a client, a CLI runner.

SQLite by default. With ``PORTAL_TEST_DATABASE_URL`` (a PostgreSQL server URL, for example
``postgresql+psycopg://postgres@127.0.0.1/postgres``) every worker creates a throwaway
database on that server, migrates it, and drops it at the end.

Nothing is written into the checkout: every test app keeps its evidence files in a
temporary folder of its worker (``UPLOAD_DIR``), not in ``instance/uploads``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db

POSTGRES_SERVER_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "")
#: Tables whose rows the migrations seed; tests leave the seeded rows in place (a test that
#: adds a category gives it a code starting with "test-").
REFERENCE_TABLES = ("alembic_version", "categories")
#: Tables the migrations seed that tests change (administrators edit them): after each test
#: they hold the seeded rows again, read once when the database is built.
RESEEDED_TABLES = ("deadline_rules",)
SEEDED_ROWS: dict[str, list[dict]] = {}
DATA_KEY = Fernet.generate_key().decode()
#: The evidence folder of this worker's test apps. It is made at import, because some test
#: modules build an app while pytest collects them, before any fixture runs.
UPLOAD_DIR = Path(tempfile.mkdtemp(prefix="portal-test-uploads-"))


def pytest_unconfigure(config) -> None:
    """Remove this worker's evidence folder at the end of the run."""
    shutil.rmtree(UPLOAD_DIR, ignore_errors=True)


def base_config(database_url: str, **overrides) -> dict:
    """Return the configuration of a test app on the given database."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "RECEIPT_PEPPER": "test-receipt-pepper",
        "DATA_KEYS": DATA_KEY,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "UPLOAD_DIR": str(UPLOAD_DIR),
    }
    config.update(overrides)
    return config


def _create_postgres_database(name: str) -> str:
    server = sa.make_url(POSTGRES_SERVER_URL)
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(name: str) -> None:
    engine = sa.create_engine(sa.make_url(POSTGRES_SERVER_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> Iterator[str]:
    """Build a database with the migrations, once per test worker."""
    if POSTGRES_SERVER_URL:
        name = f"portal_test_{worker_id}_{uuid.uuid4().hex[:8]}"
        url = _create_postgres_database(name)
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.sqlite3")
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        SEEDED_ROWS.update(_seeded_rows())
        db.engine.dispose()
    yield url
    if POSTGRES_SERVER_URL:
        _drop_postgres_database(name)


@pytest.fixture
def make_app(database_url) -> Iterator:
    """Return a factory of apps on the test database, with configuration overrides."""
    apps: list[Flask] = []

    def factory(**overrides) -> Flask:
        app = create_app(base_config(database_url, **overrides))
        apps.append(app)
        return app

    yield factory
    if apps:
        with apps[0].app_context():
            _empty_tables()
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    """Return the portal configured for tests (CSRF and rate limits off)."""
    return make_app()


@pytest.fixture
def client(app) -> FlaskClient:
    """Return a test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner of the app."""
    return app.test_cli_runner()


@pytest.fixture
def app_context(app) -> Iterator[Flask]:
    """Run the test inside an application context."""
    with app.app_context():
        yield app


@contextmanager
def append_only_lifted(connection) -> Iterator[None]:
    """Let rows of the append-only tables be changed for a while (cleanup, tamper tests)."""
    if connection.dialect.name == "postgresql":
        for table in ("audit_events", "case_events"):
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        yield
        for table in ("audit_events", "case_events"):
            connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        return
    triggers = connection.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE :n"),
        {"n": "%append_only%"},
    ).all()
    for name, _sql in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for _name, sql in triggers:
        connection.exec_driver_sql(sql)


def _empty_tables() -> None:
    """Delete every row the test wrote, keeping the rows the migrations seeded.

    Only the tables that hold rows are emptied, children first, and the id sequences of
    PostgreSQL start again at 1, as in a new database. (A TRUNCATE of every table took a
    quarter of a second per test on PostgreSQL; most tests write to a few tables.)
    """
    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as connection:
        written = _tables_with_rows(connection, tables)
        lifted = append_only_lifted(connection) if written & APPEND_ONLY else nullcontext()
        with lifted:
            for table in tables:
                if table.name in written:
                    connection.execute(table.delete())
        connection.execute(sa.text("DELETE FROM categories WHERE code LIKE 'test-%'"))
        if connection.dialect.name == "postgresql":
            _restart_sequences(connection, tables)
        for name, rows in SEEDED_ROWS.items():
            connection.execute(db.metadata.tables[name].insert(), rows)


#: The tables whose triggers refuse changes to their rows (the audit trail and case history).
APPEND_ONLY = {"audit_events", "case_events"}


def _tables_with_rows(connection, tables: list[sa.Table]) -> set[str]:
    """Return the names of the tables that hold at least one row, in one query."""
    probes = [
        sa.select(sa.literal(table.name)).where(sa.exists().select_from(table)) for table in tables
    ]
    return set(connection.scalars(sa.union_all(*probes)))


def _restart_sequences(connection, tables: list[sa.Table]) -> None:
    """Start the id sequences of the given tables again at 1 (PostgreSQL)."""
    names = [table.name for table in tables if "id" in table.c]
    connection.execute(
        sa.text(
            "SELECT setval(pg_get_serial_sequence(name, 'id'), 1, false) "
            "FROM unnest(CAST(:names AS text[])) AS name "
            "WHERE pg_get_serial_sequence(name, 'id') IS NOT NULL"
        ),
        {"names": names},
    )


def _seeded_rows() -> dict[str, list[dict]]:
    """Read the seeded rows of the reseeded tables, without their ids (numbered anew)."""
    seeded = {}
    with db.engine.connect() as connection:
        for name in RESEEDED_TABLES:
            table = db.metadata.tables[name]
            rows = connection.execute(sa.select(table).order_by(table.c.id)).mappings()
            seeded[name] = [{k: v for k, v in row.items() if k != "id"} for row in rows]
    return seeded
