"""Two operators assigning one case at the same moment: exactly one wins (real threads)."""

import os
import threading

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Case, CaseEvent, Role, Unit, User
from portal.services import workflow
from tests.factories import add_user, build_city, make_case

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("PORTAL_TEST_DATABASE_URL"),
        reason="real concurrent transactions need PostgreSQL (PORTAL_TEST_DATABASE_URL)",
    ),
]


@pytest.fixture
def contested(app):
    """Commit an accepted case, two handlers and two units they could assign it to."""
    with app.app_context():
        city = build_city()
        first = add_user(Role.HANDLER, city.committee, "first")
        second = add_user(Role.HANDLER, city.committee, "second")
        case, _receipt = make_case(city.bureau)
        workflow.accept_case(case, first, case.version)
        db.session.commit()
        return case.id, [(first.id, city.bureau.id), (second.id, city.district.id)]


def _assign_at_once(app, case_id, assignments):
    """Let each thread load the case, wait for the other, then assign and commit."""
    barrier = threading.Barrier(len(assignments))
    outcomes: list[str] = []

    def operator(user_id: int, unit_id: int) -> None:
        with app.app_context():  # its own session and connection
            case = db.session.get(Case, case_id)
            actor, unit = db.session.get(User, user_id), db.session.get(Unit, unit_id)
            seen = case.version
            barrier.wait(timeout=10)
            try:
                workflow.assign_case(case, actor, seen, unit)
                db.session.commit()
                outcomes.append("assigned")
            except workflow.StaleCase:
                db.session.rollback()
                outcomes.append("stale")

    threads = [threading.Thread(target=operator, args=pair) for pair in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_assignments_one_wins_the_other_is_told(app, contested):
    case_id, assignments = contested

    outcomes = _assign_at_once(app, case_id, assignments)

    assert sorted(outcomes) == ["assigned", "stale"]
    with app.app_context():
        assigns = db.session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.action == "assign")
        )
        assert assigns == 1
        assert db.session.get(Case, case_id).version == 3
