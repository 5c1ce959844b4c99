"""Time the console's queue at scale, on SQLite or PostgreSQL. Run by hand, never by pytest.

    flask --app portal seed-load --cases 1000000          # once, on the database below
    python bench/queue_bench.py --database-url sqlite:////path/to/bench.sqlite3
    python bench/queue_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1/portal_bench

Each scenario is one call of ``queue_page`` (the page's query plus the eager loads of its
units, categories and handlers), timed warm: a few runs first, then ``--runs`` timed ones
with a fresh session each; then the dashboard's counters, the escalation list (by unit,
and one unit's cases), the public board of rectification items when it has any, and whole
pages over HTTP. For counters the rows column holds new + mine + overdue; for the list by
unit, the overdue cases it counts. Before each scenario the bench waits until the load
average of the last minute is below ``--max-load`` (other work on a shared machine skews
the times) and prints it in the table. Then come the plans of each scenario's queries on
cases (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
It adds three accounts if missing (bench-city, bench-township, and bench-accused: linked to
a cadre of the district the district handler works in) and changes nothing else.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import Fernet
from sqlalchemy import event, func, select

from portal import create_app
from portal.auth import LOGIN_AT, SEEN_AT
from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    Channel,
    Post,
    RectificationItem,
    Role,
    Unit,
    UnitKind,
    User,
)
from portal.services import escalation
from portal.services.item_board import BoardFilter, board_page
from portal.services.queue import QueueFilter, queue_page
from portal.services.queue_counts import my_work_counts


@dataclass
class Scenario:
    """One queue page to time: who asks, with which filter, from which cursor."""

    name: str
    account: str
    filter: QueueFilter = field(default_factory=QueueFilter)
    after: int | None = None
    before: int | None = None

    def call(self, user: User) -> int:
        """Ask for the page; return how many cases it holds."""
        return len(queue_page(user, self.filter, after=self.after, before=self.before).cases)


@dataclass
class Task:
    """Something else to time as an account: a count, a list, a public page."""

    name: str
    account: str
    call: Callable[[User], int]


@dataclass
class Result:
    """The timings of a scenario, in milliseconds, how many rows it gave, the load before it."""

    name: str
    rows: int
    times: list[float]
    load: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times, n=20, method="inclusive")[-1]


def accounts() -> dict[str, User]:
    """Return the accounts the scenarios run as, adding the bench's own when missing."""
    first = select(Unit).order_by(Unit.id).limit(1)
    root = db.session.scalar(first.where(Unit.parent_id.is_(None)))
    district = db.session.scalar(first.where(Unit.kind == UnitKind.DISTRICT))
    township = db.session.scalar(first.where(Unit.parent_id == district.id))
    handler = db.session.scalar(
        select(User).where(User.unit_id == district.id, User.role == Role.HANDLER).order_by(User.id)
    )
    post = db.session.scalar(select(Post).where(Post.unit_id == district.id).order_by(Post.id))
    found = {
        "city": _account("bench-city", root),
        "township": _account("bench-township", township),
        "accused": _account("bench-accused", post.unit, cadre_id=post.cadre_id),
    }
    db.session.commit()
    return {**found, "district": handler}


def _account(username: str, unit: Unit, cadre_id: int | None = None) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, display_name=username, role=Role.HANDLER, unit=unit)
        user.must_change_password = False
        user.password_hash = "!"  # noqa: S105  (never signs in: nothing verifies against "!")
        user.cadre_id = cadre_id
        db.session.add(user)
        db.session.flush()
    return user


def scenarios(users: dict[str, User]) -> list[Scenario]:
    """Return the pages to time: plain, deep, each filter, combinations, scopes, searches."""
    newest = db.session.scalar(select(func.max(Case.id)))
    deep = newest * 3 // 10  # a cursor 70 % of the way back through the cases
    district = users["district"].unit_id
    township = users["township"].unit_id
    gambling = db.session.scalar(select(Category.id).where(Category.code == "gambling"))
    gifts = db.session.scalar(select(Category.id).where(Category.code == "gifts_banquets"))
    S, Q = Scenario, QueueFilter
    return [
        S("first page", "city"),
        S("deep page (cursor)", "city", after=deep),
        S("previous page (cursor)", "city", before=deep),
        S("status = received", "city", Q(status=CaseStatus.RECEIVED)),
        S("status = in progress", "city", Q(status=CaseStatus.IN_PROGRESS)),
        S("status = received, deep page", "city", Q(status=CaseStatus.RECEIVED), after=deep),
        S("channel = agency referral", "city", Q(channel=Channel.AGENCY_REFERRAL)),
        S("kind = praise", "city", Q(kind=CaseKind.PRAISE)),
        S("category = gambling", "city", Q(category_id=gambling)),
        S("unit = a district (subtree)", "city", Q(unit_id=district)),
        S("unit = a township", "city", Q(unit_id=township)),
        S("overdue", "city", Q(overdue=True)),
        S("mine (district handler)", "district", Q(mine=True)),
        S("status + unit", "city", Q(status=CaseStatus.ASSIGNED, unit_id=district)),
        S("kind + category + channel", "city",
          Q(kind=CaseKind.REPORT, category_id=gifts, channel=Channel.HOTLINE)),
        S("overdue + unit", "city", Q(overdue=True, unit_id=district)),
        S("mine + status", "district", Q(mine=True, status=CaseStatus.IN_PROGRESS)),
        S("district account: first page", "district"),
        S("district account: received", "district", Q(status=CaseStatus.RECEIVED)),
        S("district account: overdue", "district", Q(overdue=True)),
        S("township account: first page", "township"),
        S("accused account: first page", "accused"),
        S("accused account: overdue", "accused", Q(overdue=True)),
        S("search 2 chars, common: 窗口", "city", Q(text="窗口")),
        S("search 2 chars: 宴请", "city", Q(text="宴请")),
        S("search 4 chars: 吃拿卡要", "city", Q(text="吃拿卡要")),
        S("search Latin word: wifi", "city", Q(text="wifi")),
        S("search 1 char (prefix): 赌", "city", Q(text="赌")),
        S("search 4 chars + status", "city", Q(text="吃拿卡要", status=CaseStatus.CLOSED)),
        S("search 2 chars, district account", "district", Q(text="宴请")),
        S("search 2 chars, accused account", "accused", Q(text="宴请")),
        S("search 2 chars common, accused account", "accused", Q(text="窗口")),
    ]  # fmt: skip


def tasks(users: dict[str, User]) -> list[Task]:
    """Return the other things to time: counters, the escalation list, the public board."""
    today = local_today()

    def counters(user: User) -> int:
        counts = my_work_counts(user)
        return counts.new + counts.mine + counts.overdue

    def by_unit(user: User) -> int:
        return sum(row.overdue for row in escalation.overdue_by_unit(user, today))

    def unit_list(unit_id: int) -> Callable[[User], int]:
        unit = db.session.get(Unit, unit_id)
        return lambda user: len(escalation.overdue_cases(user, unit, today))

    found = [
        Task(f"dashboard counters, {name} account", name, counters)
        for name in ("city", "district", "accused")
    ]
    for name in ("city", "district"):
        found.append(Task(f"escalation by unit, {name} account", name, by_unit))
        units = escalation.overdue_by_unit(users[name], today)
        busiest = max(units, key=lambda row: row.overdue, default=None)
        if busiest is not None:
            label = f"escalation, one unit's cases ({busiest.overdue:,}), {name} account"
            found.append(Task(label, name, unit_list(busiest.unit.id)))
    if db.session.scalar(select(func.count()).select_from(RectificationItem)):
        board = Task("public board of rectification items", "city",
                     lambda _user: len(board_page(BoardFilter()).items))  # fmt: skip
        found.append(board)
    else:
        print("(no rectification items: the public board is not timed)\n")
    return found


def timed(call: Callable[[], int], runs: int, warmup: int = 3) -> tuple[int, list[float]]:
    """Run a call warm, then time it; return its row count and the times in ms."""
    for _ in range(warmup):
        rows = call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = call()
        times.append((time.perf_counter() - started) * 1000)
    return rows, times


def wait_for_quiet(max_load: float) -> float:
    """Wait until the load average of the last minute is below a bound; return it."""
    while (load := os.getloadavg()[0]) >= max_load:
        time.sleep(15)
    return load


def run(name: str, call: Callable[[User], int], user_id: int, runs: int, max_load: float) -> Result:
    """Time one call as an account, with a fresh session per run, as each request has."""

    def once() -> int:
        db.session.remove()
        return call(db.session.get(User, user_id))

    load = wait_for_quiet(max_load)
    rows, times = timed(once, runs)
    return Result(name, rows, times, load)


def plans(call: Callable[[User], int], user_id: int) -> list[str]:
    """Return the database's plans of the statements on cases a call sends, as sent.

    The statements and their bound parameters are captured from the real execution: SQLite
    plans literal values differently (it may then use a partial index it otherwise can't).
    """
    db.session.remove()
    user = db.session.get(User, user_id)
    sent: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "FROM cases" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        call(user)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return [_explain(statement, parameters) for statement, parameters in sent]


def _explain(statement: str, parameters) -> str:
    cursor = db.session.connection().connection.cursor()
    if db.engine.dialect.name == "postgresql":
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())
    rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
    return "\n".join(f"{'  ' * _depth(rows, row)}{row[3]}" for row in rows)


def _depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


def time_http(app, user_id: int, path: str, runs: int, max_load: float) -> Result:
    """Time a whole console page over HTTP (guard, queries, template) for an account."""
    client = app.test_client()
    with app.app_context(), client.session_transaction() as session:
        session["_user_id"] = db.session.get(User, user_id).get_id()
        session[LOGIN_AT] = session[SEEN_AT] = int(time.time())

    def page() -> int:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}, not 200")
        return 1

    load = wait_for_quiet(max_load)
    return Result(f"whole page over HTTP: {path}", 1, timed(page, runs)[1], load)


def main() -> None:
    """Time every scenario and print the table and the plans."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--max-load", type=float, default=1.5)
    parser.add_argument("--only", default="", help="time only the scenarios whose name has this")
    parser.add_argument("--no-plans", action="store_true")
    args = parser.parse_args()
    app = create_app(
        {"DATABASE_URL": args.database_url, "SECRET_KEY": "bench", "RECEIPT_PEPPER": "bench",
         "DATA_KEYS": Fernet.generate_key().decode(), "RATELIMIT_STORAGE_URI": "memory://"}
    )  # fmt: skip
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Case))
        users = accounts()
        ids = {name: user.id for name, user in users.items()}
        chosen = [(s.name, s.account, s.call) for s in scenarios(users)]
        chosen += [(t.name, t.account, t.call) for t in tasks(users)]
        chosen = [c for c in chosen if args.only in c[0]]
        print(f"{db.engine.dialect.name}, {total:,} cases, {args.runs} timed runs each")
        print(f"load average before: {os.getloadavg()}\n")
        print("| scenario | rows | median ms | p95 ms | load |\n|---|---:|---:|---:|---:|")
        for name, account, call in chosen:
            _print(run(name, call, ids[account], args.runs, args.max_load))
    if not args.only:
        for path in ("/console/cases", "/console/", "/console/overdue"):
            _print(time_http(app, ids["city"], path, args.runs, args.max_load))
    print(f"\nload average after: {os.getloadavg()}")
    if args.no_plans:
        return
    with app.app_context():
        for name, account, call in chosen:
            for number, text in enumerate(plans(call, ids[account]), start=1):
                print(f"\n### {name} ({number})\n```\n{text}\n```")
            db.session.rollback()


def _print(result: Result) -> None:
    print(
        f"| {result.name} | {result.rows} | {result.median:.1f} | {result.p95:.1f} "
        f"| {result.load:.2f} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
