"""``flask --app portal seed-demo``: a demo city to try the portal with."""

from __future__ import annotations

import random
import time
from collections import Counter

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.clock import local_zone
from portal.demo.accounts import DemoStaff, create_staff, find_staff, sign_in_details
from portal.demo.backdate import InsertClock
from portal.demo.cases import plan_cases
from portal.demo.city import build_city
from portal.demo.clocks import build_clocks, clock_details
from portal.demo.evidence import build_evidence, evidence_details
from portal.demo.handling import handle_case
from portal.demo.items import build_items, finish_items, item_details
from portal.demo.protection import build_protection, protection_details
from portal.demo.reset import delete_all_data
from portal.demo.reviews import build_reviews, review_details
from portal.extensions import db
from portal.models import Cadre, Case, CaseStatus, Category, Post, Unit, utcnow
from portal.services.intake import submit_case

#: The demo's random seed: the same city every run.
SEED = 12380


@click.command("seed-demo")
@click.option("--reset", is_flag=True, help="Delete every data row first (categories stay).")
@with_appcontext
def seed_demo(reset: bool) -> None:
    """Fill the database with a demo city: units, cadres, staff accounts and a year of cases."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "seed-demo refuses to run in production (PORTAL_ENV=production):"
            " made-up cases must never mix with real ones."
        )
    if reset:
        delete_all_data()
    elif db.session.scalar(select(Unit.id).limit(1)) is not None:
        click.echo("The demo city is already there; nothing changed (--reset rebuilds it).")
        staff = find_staff()
        for line in [*sign_in_details(staff), *protection_details()] if staff else []:
            click.echo(line)
        return
    started = time.perf_counter()
    staff, submitted = build_demo()
    evidence = build_evidence(staff, submitted)
    clocks = build_clocks(staff, submitted)
    protection = build_protection(staff, submitted)
    items = build_items(staff, submitted)
    reviews = build_reviews(staff, submitted, items)
    finish_items(staff, items)
    db.session.commit()
    _echo_summary(submitted, time.perf_counter() - started)
    for line in [*sign_in_details(staff), *protection_details(protection)]:
        click.echo(line)
    for line in clock_details(clocks):
        click.echo(line)
    for line in [*item_details(items), *review_details(reviews)]:
        click.echo(line)
    for line in evidence_details(evidence):
        click.echo(line)


def build_demo() -> tuple[DemoStaff, list[tuple[Case, str]]]:
    """Build the city, its staff and its cases, flushed but not committed."""
    rng = random.Random(SEED)  # noqa: S311  (demo data must be reproducible, not secret)
    now = utcnow()
    city = build_city(now.astimezone(local_zone()).date())
    staff = create_staff(city)
    categories = dict(
        db.session.execute(select(Category.code, Category.id).where(Category.is_active)).all()
    )
    submitted, recorded = [], {}
    with InsertClock(db.session()) as clock:
        for plan in plan_cases(rng, city, categories, now):
            clock.moment = plan.created_at
            recorder = staff.recorder(plan.submission.channel)
            case, receipt = submit_case(plan.submission, recorded_by=recorder)
            master = recorded[id(plan.duplicate_of)] if plan.duplicate_of else None
            handle_case(rng, case, plan.target, now, staff, clock, master)
            recorded[id(plan)] = case
            submitted.append((case, receipt))
        db.session.flush()
    return staff, submitted


def _echo_summary(submitted: list[tuple[Case, str]], seconds: float) -> None:
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Unit, Cadre, Post)
    }
    click.echo(
        f"Demo city built in {seconds:.1f} s: {counts['Unit']} units, {counts['Cadre']} cadres,"
        f" {counts['Post']} posts, {len(submitted)} cases."
    )
    statuses = Counter(case.status.value for case, _receipt in submitted)
    channels = Counter(case.channel.value for case, _receipt in submitted)
    click.echo("  by status:  " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    click.echo("  by channel: " + ", ".join(f"{k} {v}" for k, v in sorted(channels.items())))
    click.echo("Follow these on the track page with their number and receipt (shown only here):")
    for case, receipt in _samples(submitted):
        click.echo(f"  {case.number}  {receipt}  {case.status.value:<11} {case.title}")


def _samples(submitted: list[tuple[Case, str]]) -> list[tuple[Case, str]]:
    """Return the latest answered, in-progress and rejected cases: three different pages."""
    samples = []
    for status in (CaseStatus.CLOSED, CaseStatus.IN_PROGRESS, CaseStatus.REJECTED):
        matching = [pair for pair in submitted if pair[0].status == status]
        if matching:
            samples.append(matching[-1])
    return samples
