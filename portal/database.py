"""Engine settings that keep SQLite safe behind several workers.

SQLite serialises writers. A deferred transaction that reads and then writes can fail at
once with SQLITE_BUSY when another worker wrote in between, whatever the busy timeout, so
write transactions start with ``BEGIN IMMEDIATE`` and wait their turn. Safe requests (GET,
HEAD) start a plain deferred transaction so that readers never queue behind writers (WAL),
unless the request set ``g.begin_immediate`` (the console, whose reads write audit rows).
"""

from __future__ import annotations

import contextlib
import sqlite3

from flask import g, has_request_context, request
from sqlalchemy import Engine, event

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 15_000


def configure_engine(engine: Engine) -> None:
    """Attach the SQLite pragmas and transaction mode to an engine; other databases pass."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    event.listen(engine, "close", _on_sqlite_close)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event, not the driver, decide how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_close(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # SQLite's advice for long-lived connections: refresh the planner's statistics where
    # they went stale (the queue needs them, docs/performance.md). Cheap when nothing did.
    with contextlib.suppress(sqlite3.Error):  # a closing connection must not fail over advice
        dbapi_connection.execute("PRAGMA optimize")


def _on_sqlite_begin(connection) -> None:
    if has_request_context() and request.method in SAFE_METHODS and not g.get("begin_immediate"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
