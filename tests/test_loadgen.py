"""``flask --app portal seed-load``: generated cases that obey every rule of the schema."""

from collections import Counter

from sqlalchemy import func, select

from portal.extensions import db
from portal.loadgen import rows
from portal.models import (
    AuditEvent,
    Case,
    CaseCounter,
    CaseEvent,
    CaseExtension,
    CaseSearch,
    CaseStatus,
    ClockStage,
    RequestStatus,
    Role,
    Unit,
)
from portal.policy import may_handle
from portal.services import deadlines
from portal.services.queue import QueueFilter, queue_page
from portal.workdays import calendar
from tests.factories import add_user, make_case


def _seed(runner, count=300, batch=120):
    return runner.invoke(
        args=["seed-load", "--cases", str(count), "--batch", str(batch), "--seed", "7"]
    )


def test_seed_load_adds_cases_with_histories_and_search_tokens(app, runner):
    result = _seed(runner)

    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 300
        assert db.session.scalar(select(func.count()).select_from(CaseSearch)) == 300
        submits = select(func.count()).where(CaseEvent.action == "submit")
        assert db.session.scalar(submits) == 300
        [load] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "load.seed"))
        assert load.details == '{"cases":300}'


def test_generated_cases_are_consistent_with_their_history(app, runner):
    _seed(runner)

    with app.app_context():
        for case in db.session.scalars(select(Case)):
            staff_steps = [e for e in case.events if e.action not in ("submit", "add_information")]
            assert case.version == 1 + len(staff_steps)
            last_move = [e.to_status for e in case.events if e.to_status is not None][-1]
            assert last_move == case.status
            if case.status == CaseStatus.MERGED:
                assert case.merged_into.status not in (CaseStatus.MERGED, CaseStatus.REJECTED)
        statuses = Counter(db.session.scalars(select(Case.status)))
        assert len(statuses) >= 6  # a mix, not one status


def test_cases_submitted_after_a_load_get_fresh_numbers_and_ids(app, runner):
    _seed(runner)

    with app.app_context():
        case, _receipt = make_case(db.session.scalar(select(Unit).limit(1)))
        db.session.commit()
        year = int(case.number[:4])
        last = db.session.get(CaseCounter, year).last_number
        assert case.number == f"{year}-{last:06d}"
        assert db.session.scalar(select(func.count()).where(Case.number == case.number)) == 1


def test_generated_text_is_found_by_the_queue_search(app, runner):
    _seed(runner)

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.kind == "report").limit(1))
        reader = add_user(
            Role.HANDLER, db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        )
        found = queue_page(reader, QueueFilter(text=case.title)).cases
        assert case.number in [hit.number for hit in found]


def test_received_cases_are_due_by_the_acceptance_rule(app, runner):
    _seed(runner)

    with app.app_context():
        received = db.session.scalars(select(Case).where(Case.status == CaseStatus.RECEIVED))
        for case in received:
            assert case.due_on == deadlines.due_date(ClockStage.ACCEPT, case, case.received_on)


def test_cases_about_cadres_and_protected_cases_go_where_the_policy_sends_them(
    app, runner, monkeypatch
):
    monkeypatch.setattr(rows, "PROTECTED_SHARE", 0.05)
    _seed(runner, count=600)

    with app.app_context():
        assigned = select(Case).where(Case.assigned_unit_id.is_not(None))
        about_cadres = protected = 0
        for case in db.session.scalars(assigned):
            assert may_handle(case, case.assigned_unit)
            about_cadres += case.cadre_id is not None
            protected += case.is_protected
        assert about_cadres and protected
        for case in db.session.scalars(select(Case).where(Case.is_protected)):
            assert case.unit.parent_id is None and case.cadre_id is None


def test_extensions_are_decided_by_someone_else_and_move_the_due_date(app, runner, monkeypatch):
    monkeypatch.setattr(rows, "EXTENSION_SHARE", 0.5)
    _seed(runner, count=600)

    with app.app_context():
        extensions = db.session.scalars(select(CaseExtension)).all()
        statuses = Counter(extension.status for extension in extensions)
        assert statuses[RequestStatus.APPROVED] and statuses[RequestStatus.DENIED]
        pending = [e.case_id for e in extensions if e.status == RequestStatus.PENDING]
        assert len(pending) == len(set(pending))
        for extension in extensions:
            assert extension.decided_by_id != extension.requested_by_id
            if extension.status == RequestStatus.APPROVED:
                days = extension.working_days
                moved = calendar().add_working_days(extension.previous_due_on, days)
                assert extension.new_due_on == moved


def test_seed_load_refuses_to_run_in_production(make_app):
    app = make_app(ENV="production")

    result = app.test_cli_runner().invoke(args=["seed-load", "--cases", "10"])

    assert result.exit_code != 0
    assert "refuses to run in production" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_help_says_the_generated_steps_have_no_audit_rows(runner):
    result = runner.invoke(args=["seed-load", "--help"])

    assert "NO audit rows" in result.output
