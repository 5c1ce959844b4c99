"""``flask --app portal seed-load --cases N``: many generated cases, for benchmarks.

Bench data only: rows are written with bulk inserts that bypass the services, so the
generated workflow steps have history events but no audit rows of their own.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from itertools import islice

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.clock import local_today, local_zone
from portal.extensions import db
from portal.loadgen.rows import Batch, CaseFactory
from portal.loadgen.world import load_world
from portal.models import Case, CaseCounter, CaseEvent, CaseExtension, CaseMessage, CaseSearch
from portal.services import audit

#: Tables whose ids the generator hands out itself, in insert order.
TABLES = (Case, CaseEvent, CaseMessage)
#: The most days back the generated cases reach.
MAX_SPAN_DAYS = 3 * 365


@click.command("seed-load")
@click.option(
    "--cases", "count", type=click.IntRange(min=1), required=True, help="How many cases to add."
)
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Cases written per transaction.",
)
@click.option("--seed", type=int, default=None, help="Random seed, to generate the same data.")
@with_appcontext
def seed_load(count: int, batch_size: int, seed: int | None) -> None:  # fmt: skip
    """Add COUNT generated cases for load tests and benchmarks (never in production).

    Cases, their history events, answers and search tokens are written with bulk inserts,
    in batches. Units, categories and handler accounts are reused (a small city is built
    when there are none). The generated workflow steps write NO audit rows, unlike the
    console: one audit row records the load itself. Ends with ANALYZE. Run it on a
    database nobody else writes to meanwhile.
    """
    if current_app.config["ENV"] == "production":
        raise click.ClickException("seed-load refuses to run in production (PORTAL_ENV).")
    started = time.perf_counter()
    done = 0
    for done in load_cases(count, batch_size, random.Random(seed)):  # noqa: S311  (not secret)
        rate = done / (time.perf_counter() - started)
        click.echo(f"  {done:>10,} cases  ({rate:,.0f} per second)")
    click.echo(f"Added {done:,} cases in {time.perf_counter() - started:.1f} s.")


def load_cases(count: int, batch_size: int, rng: random.Random):
    """Add generated cases, committing each batch; yield how many are written so far."""
    world = load_world(rng)
    db.session.commit()
    ids = _last_ids()
    factory = CaseFactory(rng, world, ids, local_zone(), current_app.config["RECEIPT_PEPPER"])
    days = receiving_days(count, local_today())
    for done in range(0, count, batch_size):
        batch = Batch()
        for received_on in islice(days, batch_size):
            factory.add_case(batch, received_on)
        _insert(batch)
        db.session.commit()
        yield done + len(batch.cases)
    _finish(ids, count)
    db.session.commit()
    # Fresh statistics for the planner: PostgreSQL's autovacuum would get there later,
    # SQLite never by itself, and without them it picks slow plans for the queue's scopes.
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def receiving_days(count: int, today: date):
    """Yield the receiving day of each case, oldest first, ending today."""
    span = min(MAX_SPAN_DAYS, max(30, count // 300))
    first = today - timedelta(days=span)
    for n in range(count):
        yield first + timedelta(days=n * (span + 1) // count)


def _last_ids() -> dict[str, int]:
    ids = {
        model.__tablename__: db.session.scalar(select(func.coalesce(func.max(model.id), 0)))
        for model in TABLES
    }
    for year, last in db.session.execute(select(CaseCounter.year, CaseCounter.last_number)):
        ids[f"year:{year}"] = last
    return ids


def _insert(batch: Batch) -> None:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # Bench data may be lost in a crash; not waiting for the WAL flush halves the time.
        session.execute(text("SET LOCAL synchronous_commit = off"))
    for model, rows in zip(
        (*TABLES, CaseSearch, CaseExtension),
        (batch.cases, batch.events, batch.messages, batch.search, batch.extensions),
        strict=True,
    ):
        if rows:
            session.execute(insert(model.__table__), rows)


def _finish(ids: dict[str, int], count: int) -> None:
    """Move the year counters and id sequences past the generated rows; audit the load."""
    session = db.session
    postgres = session.get_bind().dialect.name == "postgresql"
    upsert = pg_insert if postgres else sqlite_insert
    for key, last in ids.items():
        if key.startswith("year:"):
            year = int(key.removeprefix("year:"))
            session.execute(
                upsert(CaseCounter).values(year=year, last_number=0).on_conflict_do_nothing()
            )
            session.execute(
                update(CaseCounter)
                .where(CaseCounter.year == year, CaseCounter.last_number < last)
                .values(last_number=last)
            )
    if postgres:
        for model in TABLES:
            sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
            session.execute(
                select(func.setval(sequence, select(func.max(model.id)).scalar_subquery()))
            )
    audit.record("load.seed", actor_label="seed-load", details={"cases": count})
