"""Case numbers: a sequence per year, and no two takers ever get the same number."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from portal.extensions import db
from portal.services.numbers import next_case_number
from tests.conftest import POSTGRES_SERVER_URL
from tests.factories import build_city, make_case


def test_numbers_run_in_sequence_within_a_year(app_context):
    assert [next_case_number(2026) for _ in range(3)] == [
        "2026-000001",
        "2026-000002",
        "2026-000003",
    ]


def test_each_year_starts_its_own_sequence(app_context):
    next_case_number(2026)
    next_case_number(2026)
    assert next_case_number(2027) == "2027-000001"
    assert next_case_number(2026) == "2026-000003"


def test_a_case_takes_the_year_it_was_received_in(app_context):
    city = build_city()
    late, _receipt = make_case(city.bureau, received_on=date(2025, 12, 31))
    early, _receipt = make_case(city.bureau, received_on=date(2026, 1, 1))
    assert late.number == "2025-000001"
    assert early.number == "2026-000001"


def test_numbers_survive_a_commit(app_context):
    next_case_number(2026)
    db.session.commit()
    assert next_case_number(2026) == "2026-000002"


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_SERVER_URL, reason="needs PORTAL_TEST_DATABASE_URL")
def test_concurrent_takers_get_distinct_consecutive_numbers(app):
    threads, per_thread = 8, 5
    start = threading.Barrier(threads)
    taken: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                with app.app_context():  # its own session and connection
                    number = next_case_number(2031)
                    db.session.commit()
                taken.append(number)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    workers = [threading.Thread(target=take) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    expected = [f"2031-{n:06d}" for n in range(1, threads * per_thread + 1)]
    assert sorted(taken) == expected
