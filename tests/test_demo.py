"""``flask seed-demo``: a believable, reproducible demo city that a re-run leaves alone.

Its staff accounts sign in with what it prints, and every step of every case went through
the workflow service, so the audit trail vouches for the whole demo.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app, crypto
from portal.clock import local_date, local_today
from portal.demo.reset import delete_all_data
from portal.extensions import db
from portal.models import (
    AuditEvent,
    BallotCode,
    BallotUse,
    Cadre,
    Case,
    CaseEvent,
    CaseExtension,
    CaseKind,
    CaseNote,
    CaseStatus,
    Channel,
    ClockStage,
    HandlingFeedback,
    IdentityRequest,
    ItemState,
    MessageDirection,
    Post,
    PublishedVersion,
    RectificationItem,
    ReporterMode,
    RequestStatus,
    RetaliationCheckin,
    ReviewOutcome,
    ReviewStatus,
    Role,
    Satisfaction,
    SupervisorKind,
    SupervisorProfile,
    Unit,
    UnitKind,
    User,
    utcnow,
)
from portal.policy import can_supervise_case, may_handle, unit_in_scope
from portal.services import deadlines, extensions, feedback, totp
from portal.services.accounts import authenticate
from portal.services.ballots import hash_code
from portal.services.intake import contact_details
from portal.services.item_progress import may_assess
from portal.services.tally import item_reviews
from portal.services.tracking import find_tracked_case, public_timeline, reporter_messages
from portal.services.workflow import TRANSITIONS
from portal.workdays import calendar
from tests.conftest import base_config

PRINTED_CASE = re.compile(r"^\s+(\d{4}-\d{6})\s+((?:[0-9A-Z]{4}-){6}[0-9A-Z]{4})\s", re.MULTILINE)
PRINTED_ACCOUNT = re.compile(
    r"^\s+(admin|operator|handler|supervisor|officer|custodian)\s+(\S+)\s+(\S+)\s", re.M
)
PRINTED_SECRET = re.compile(r"otpauth://totp/\S+secret=([A-Z2-7]+)")
PRINTED_OPENED = re.compile(r"case (\d{4}-\d{6}), receipt ((?:[0-9A-Z]{4}-){6}[0-9A-Z]{4})")
#: The steps of the workflow; other events (an identity opened, ...) sit beside them.
WORKFLOW_ACTIONS = {"submit"} | {action for _status, action in TRANSITIONS}


@dataclass
class SharedDemo:
    """A demo built once for the tests that only read it, and what seed-demo printed."""

    app: Flask
    output: str = ""


@pytest.fixture(scope="module")
def demo(database_url) -> Iterator[SharedDemo]:
    """Keep one application on the test database for the reading tests; empty it at the end."""
    shared = SharedDemo(create_app(base_config(database_url)))
    yield shared
    with shared.app.app_context():
        delete_all_data()
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def seeded(demo) -> Iterator[str]:
    """Enter the shared demo, building it if it is not there (a test that changes the
    database empties it); return what seed-demo printed."""
    with demo.app.app_context():
        if db.session.scalar(sa.select(Unit.id).limit(1)) is None:
            db.session.rollback()
            result = demo.app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
            demo.output = result.output
        yield demo.output


@pytest.fixture
def demo_runner(demo):
    """Return a CLI runner of the shared demo's application."""
    return demo.app.test_cli_runner()


@pytest.fixture
def seeded_anew(app_context, runner):
    """Run seed-demo on the test's own database, for tests that change it; return the output."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def all_cases() -> list[Case]:
    return db.session.scalars(sa.select(Case).order_by(Case.id)).all()


def workflow_events(case: Case) -> list[CaseEvent]:
    return [event for event in case.events if event.action in WORKFLOW_ACTIONS]


def test_the_city_has_a_tree_of_named_units(seeded):
    units = db.session.scalars(sa.select(Unit)).all()
    roots = [unit for unit in units if unit.parent is None]
    assert [root.kind for root in roots] == [UnitKind.COMMITTEE]
    assert {unit.kind for unit in units} == set(UnitKind)
    assert sum(unit.kind in (UnitKind.DISTRICT, UnitKind.COUNTY) for unit in units) == 5
    assert all(unit.name and unit.name_en for unit in units)
    for unit in units:
        expected = (unit.parent.path if unit.parent else "/") + f"{unit.id}/"
        assert unit.path == expected


def test_thirty_cadres_hold_posts_and_some_moved(seeded):
    assert count(Cadre) == 30
    posts = db.session.scalars(sa.select(Post)).all()
    assert all(post.title and post.title_en for post in posts)
    ended = [post for post in posts if post.ends_on is not None]
    assert ended and all(post.ends_on < local_today() for post in ended)
    units_per_cadre = Counter(post.cadre_id for post in posts)
    assert max(units_per_cadre.values()) >= 2


def test_about_two_hundred_cases_across_every_channel_kind_and_mode(seeded):
    cases = [case for case in all_cases() if not case.is_protected]  # one opened by a reporter
    assert len(cases) == 200 + 1  # and an image supervisor's own finding
    assert {case.channel for case in cases} == set(Channel)
    assert {case.kind for case in cases} == set(CaseKind)
    assert {case.reporter_mode for case in cases} == set(ReporterMode)
    assert len({case.title for case in cases}) > 120
    assert sum(case.cadre_id is not None for case in cases) > 40


def test_statuses_are_spread_and_most_cases_moved_on(seeded):
    statuses = Counter(case.status for case in all_cases())
    assert set(statuses) == set(CaseStatus)
    assert statuses[CaseStatus.RECEIVED] < 20


def test_cases_are_consistent_in_time(seeded):
    today, now = local_today(), utcnow()
    for case in all_cases():
        assert case.received_on <= today
        assert today - case.received_on < timedelta(days=366)
        assert case.event_date is None or case.event_date <= case.received_on
        assert local_date(case.created_at) == case.received_on
        moments = [event.created_at for event in workflow_events(case)]
        assert moments[0] == case.created_at
        assert moments == sorted(moments) and moments[-1] <= now
        extended = [event.created_at for event in case.events if event.action == "extend"]
        assert case.updated_at == max([moments[-1], *extended])  # an extension changes the case
        reached = {event.action: event.created_at for event in case.events}
        assert case.answered_at == reached.get("answer")
        assert case.closed_at == reached.get("close")


def test_every_case_followed_the_workflow_table(seeded):
    for case in all_cases():
        submit, *moves = workflow_events(case)
        assert submit.action == "submit"
        status = CaseStatus.RECEIVED
        for event in moves:
            assert event.from_status == status
            assert TRANSITIONS[(status, event.action)] == event.to_status
            status = event.to_status
        assert status == case.status


def test_rejections_give_a_reason_and_finished_cases_an_answer(seeded):
    for case in all_cases():
        answers = [m for m in case.messages if m.direction == MessageDirection.TO_REPORTER]
        if case.status == CaseStatus.REJECTED:
            assert case.events[-1].note and case.events[-1].is_public
        if case.status in (CaseStatus.ANSWERED, CaseStatus.CLOSED):
            assert len(answers) == 1 and "您好" in answers[0].body
        elif not any(event.action == "reporter_reopen" for event in case.events):
            assert answers == []


def test_reporters_who_gave_details_can_be_reached(seeded):
    for case in all_cases():
        contact = contact_details(case)
        if case.reporter_mode == ReporterMode.ANONYMOUS:
            assert contact is None
        else:
            assert contact.name and (contact.phone or contact.email or contact.address)


def test_the_printed_receipts_open_their_cases(seeded):
    printed = PRINTED_CASE.findall(seeded)
    assert len(printed) == 3
    for number, receipt in printed:
        assert find_tracked_case(number, receipt) is not None


def test_a_second_run_changes_nothing(seeded_anew, runner):
    before = [(case.id, case.number, case.status, case.version) for case in all_cases()]
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "already there" in result.output
    assert printed_accounts(result.output) == printed_accounts(seeded_anew)
    assert [(case.id, case.number, case.status, case.version) for case in all_cases()] == before


def test_reset_builds_the_same_city_again(seeded_anew, runner):
    before = [(case.title, case.status, case.received_on) for case in all_cases()]
    result = runner.invoke(args=["seed-demo", "--reset"])
    assert result.exit_code == 0, result.output
    after = all_cases()
    assert [(case.title, case.status, case.received_on) for case in after] == before
    assert count(Unit) == 37 and count(Cadre) == 30
    assert min(case.number for case in after).endswith("-000001")


def test_it_refuses_to_run_in_production(make_app):
    app = make_app(ENV="production")
    with app.app_context():
        before = count(Unit), count(Case)  # another test's demo may be there already

    result = app.test_cli_runner().invoke(args=["seed-demo", "--reset"])

    assert result.exit_code != 0
    assert "production" in result.output
    with app.app_context():
        assert (count(Unit), count(Case)) == before


def printed_accounts(output: str) -> dict[str, tuple[str, str]]:
    return {
        role: (username, password) for role, username, password in PRINTED_ACCOUNT.findall(output)
    }


def test_one_account_per_role_signs_in_with_what_was_printed(seeded):
    printed = printed_accounts(seeded)

    assert set(printed) == {role.value for role in Role}
    for role, (username, password) in printed.items():
        result = authenticate(username, password)
        assert result.succeeded, username
        assert result.user.role == Role(role) and not result.user.must_change_password


def test_the_accounts_are_scoped_to_believable_units(seeded):
    users = {user.role: user for user in db.session.scalars(sa.select(User))}
    root = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)))
    watching = db.session.scalars(sa.select(User).where(User.role == Role.SUPERVISOR)).all()

    for role in (Role.ADMIN, Role.OPERATOR, Role.HANDLER, Role.CUSTODIAN):
        assert users[role].unit == root
    assert len(watching) == 3
    assert all(user.unit.kind in (UnitKind.DISTRICT, UnitKind.COUNTY) for user in watching)
    assert users[Role.OFFICER].unit.kind == UnitKind.DEPARTMENT


def test_the_administrator_has_the_printed_two_factor_secret(seeded):
    [secret] = PRINTED_SECRET.findall(seeded)
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))

    assert crypto.decrypt_secret(admin.totp_secret).decode() == secret
    assert f"{secret}," in seeded  # also printed on its own, to type in
    assert totp.verify_totp(admin, pyotp.TOTP(secret).at(utcnow()))  # at once, no waiting


def test_the_audit_trail_of_the_demo_verifies(seeded, demo_runner):
    result = demo_runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()
    moments = [event.created_at for event in events]
    assert moments == sorted(moments)


def test_every_step_of_every_case_is_audited_by_a_demo_account(seeded):
    moves = db.session.scalars(
        sa.select(CaseEvent)
        .where(CaseEvent.action != "submit", CaseEvent.action.in_(WORKFLOW_ACTIONS))
        .order_by(CaseEvent.id)
    ).all()
    audited = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action.startswith("case."), AuditEvent.action != "case.submit")
        .order_by(AuditEvent.seq)
    ).all()

    assert [(e.case.number, f"case.{e.action}") for e in moves] == [
        (a.object_id, a.action) for a in audited
    ]
    assert {event.actor.username for event in moves if event.actor} == {
        "demo.handler",
        "demo.officer",
    }
    assert {event.action for event in moves if event.actor is None} == {"reporter_reopen"}


def test_the_officer_handles_the_cases_of_their_bureau_and_no_others(seeded):
    officer = db.session.scalar(sa.select(User).where(User.role == Role.OFFICER))
    handled = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.actor_id == officer.id))

    steps = list(handled)
    assert steps
    assert all(unit_in_scope(officer, event.case.assigned_unit) for event in steps)
    assert {event.action for event in steps} <= {"start", "answer", "close"}


def test_offline_cases_were_recorded_by_the_operator(seeded):
    operator = db.session.scalar(sa.select(User).where(User.role == Role.OPERATOR))
    for case in all_cases():
        recorder = case.events[0].actor
        if recorder is not None and recorder.role == Role.SUPERVISOR:
            assert case.channel == Channel.SUPERVISOR  # their own finding
            continue
        assert recorder == (None if case.channel == Channel.WEB else operator)


def test_duplicates_are_merged_and_read_the_masters_answer(seeded):
    merged = [case for case in all_cases() if case.status == CaseStatus.MERGED]

    assert len(merged) == 6
    for duplicate in merged:
        master = duplicate.merged_into
        assert master.status not in (CaseStatus.MERGED, CaseStatus.REJECTED)
        assert master.created_at < duplicate.created_at
        assert (master.unit_id, master.title) == (duplicate.unit_id, duplicate.title)
        answers = [m for m in reporter_messages(duplicate) if m.author_id is not None]
        assert answers == [m for m in master.messages if m.author_id is not None]
    assert any(reporter_messages(duplicate) for duplicate in merged)


def test_the_custodian_left_one_request_waiting_approved_one_and_denied_one(seeded):
    requests = db.session.scalars(sa.select(IdentityRequest).order_by(IdentityRequest.id)).all()

    assert [request.status for request in requests] == list(RequestStatus)
    waiting, approved, denied = requests
    for request in requests:
        assert request.case.reporter_mode == ReporterMode.CONFIDENTIAL
        assert request.requested_by.username == "demo.handler" and request.motivation
    assert waiting.decided_by is None
    assert {approved.decided_by.username, denied.decided_by.username} == {"demo.custodian"}
    assert approved.opened_at is not None and denied.decision_reason
    assert [e.action for e in approved.case.events].count("identity_opened") == 1


def test_the_printed_reporter_sees_that_their_identity_was_opened(seeded):
    [(number, receipt)] = PRINTED_OPENED.findall(seeded)

    case = find_tracked_case(number, receipt)

    opened = [event for event in public_timeline(case) if event.action == "identity_opened"]
    assert len(opened) == 1 and opened[0].note == "云州市委"


def test_three_image_supervisors_serve_with_a_declared_conflict_each(seeded):
    profiles = db.session.scalars(sa.select(SupervisorProfile)).all()

    assert {profile.kind for profile in profiles} == set(SupervisorKind)
    for profile in profiles:
        assert profile.serves_on(local_today()) and profile.affiliation
        assert len(profile.conflicts) == 1
        assert unit_in_scope(profile.user, profile.conflicts[0].unit)


def test_the_other_supervisors_sign_in_with_what_was_printed(seeded):
    printed = re.findall(r"^\s+(demo\.supervisor\d)\s+(\S+)\s", seeded, re.M)

    assert len(printed) == 2
    for username, password in printed:
        assert authenticate(username, password).user.role == Role.SUPERVISOR


def test_a_supervisor_recorded_a_finding_and_commented_on_a_case_they_watch(seeded):
    supervisor = db.session.scalar(sa.select(User).where(User.username == "demo.supervisor"))

    [finding] = [case for case in all_cases() if case.events[0].actor_id == supervisor.id]
    [comment] = db.session.scalars(sa.select(CaseNote).where(CaseNote.author_id == supervisor.id))

    assert finding.channel == Channel.SUPERVISOR
    assert can_supervise_case(supervisor, finding) and can_supervise_case(supervisor, comment.case)


def test_no_case_about_a_cadre_went_to_the_cadres_own_unit(seeded):
    assigned = [case for case in all_cases() if case.assigned_unit is not None]

    assert any(case.cadre_id is not None for case in assigned)
    assert all(may_handle(case, case.assigned_unit) for case in assigned)


PRINTED_CLOCK = re.compile(
    r"^(.+): (\d{4}-\d{6}) with the receipt ((?:[0-9A-Z]{4}-){6}[0-9A-Z]{4})\.$", re.M
)
CLOCK_STARTS = ("accept", "reopen", "reporter_reopen")


def printed_clock_cases(output: str) -> dict[str, Case]:
    """Return the cases seed-demo printed to show the clocks, by what they show."""
    return {
        what: find_tracked_case(number, receipt)
        for what, number, receipt in PRINTED_CLOCK.findall(output)
    }


def test_every_due_date_follows_the_rules_from_the_day_its_clock_started(seeded):
    for case in all_cases():
        starts = [event for event in case.events if event.action in CLOCK_STARTS]
        if starts:
            stage = deadlines.stage_of(starts[-1].to_status) or ClockStage.ANSWER
            expected = deadlines.due_date(stage, case, local_date(starts[-1].created_at))
        else:
            expected = deadlines.due_date(ClockStage.ACCEPT, case, case.received_on)
        for extension in extensions.approved_extensions(case):
            expected = calendar().add_working_days(expected, extension.working_days)
        assert case.due_on == expected, case.number


def test_some_open_cases_are_overdue_some_very_overdue_some_on_time(seeded):
    clocks = [clock for case in all_cases() if (clock := deadlines.case_clock(case))]

    assert any(clock.very_overdue for clock in clocks)
    assert any(clock.overdue and not clock.very_overdue for clock in clocks)
    assert any(not clock.overdue for clock in clocks)


def test_extensions_wait_or_were_decided_above_whoever_asked(seeded):
    asked = db.session.scalars(sa.select(CaseExtension).order_by(CaseExtension.id)).all()

    assert {extension.status for extension in asked} == set(RequestStatus)
    for extension in asked:
        if extension.decided_by is not None:
            decider, unit = extension.decided_by, extension.requested_by.unit
            above = unit.path.startswith(decider.unit.path) and unit != decider.unit
            assert above or decider.role == Role.ADMIN
        notes = [e.note for e in extension.case.events if e.action == "extend"]
        assert (extension.reason in notes) == (extension.status == RequestStatus.APPROVED)


def test_reporters_judged_answers_and_one_dissatisfied_reopened_its_case(seeded):
    verdicts = db.session.scalars(sa.select(HandlingFeedback)).all()

    assert {verdict.satisfaction for verdict in verdicts} == set(Satisfaction)
    [reopening] = [verdict for verdict in verdicts if verdict.reopened]
    assert reopening.satisfaction == Satisfaction.DISSATISFIED and reopening.reason
    assert reopening.case.status == CaseStatus.IN_PROGRESS
    assert reopening.case.events[-1].action == "reporter_reopen"


def test_a_confidential_reporter_is_asked_and_another_faced_retaliation(seeded):
    printed = printed_clock_cases(seeded)
    asked = printed["A confidential reporter asked about retaliation"]
    faced = printed["A reporter who faced retaliation (with a protected case)"]

    assert feedback.checkin_due(asked)
    checkin = db.session.get(RetaliationCheckin, faced.id)
    protected = checkin.protected_case
    assert checkin.faced_retaliation and protected.is_protected
    assert protected.contact_key == faced.contact_key
    assert [case.number for case in all_cases() if case.is_protected] == [protected.number]


def test_the_printed_clock_cases_open_on_the_track_page(seeded):
    printed = printed_clock_cases(seeded)

    assert len(printed) == 4 and all(printed.values())
    extended = printed["An open case whose deadline was extended"]
    assert extensions.approved_extensions(extended)
    reopened = printed["A case reopened because its reporter was dissatisfied"]
    assert reopened.status == CaseStatus.IN_PROGRESS


def test_the_demo_has_an_item_at_every_stage_and_one_in_its_second_round(seeded):
    items = db.session.scalars(sa.select(RectificationItem).order_by(RectificationItem.id)).all()

    assert {item.state for item in items} == set(ItemState)
    assert [item.round_number for item in items if item.round_number > 1] == [2]
    assert all(item.cases for item in items)
    corrected = db.session.scalar(
        sa.select(sa.func.count()).select_from(PublishedVersion).where(PublishedVersion.number > 1)
    )
    assert corrected == 1
    supervisors = db.session.scalars(sa.select(User).where(User.role == Role.SUPERVISOR)).all()
    for item in items:
        first = item.rounds[0]
        watched = any(may_assess(supervisor, item) for supervisor in supervisors)
        assert bool(first.assessments) is (watched and first.result_published_at is not None)
    printed = re.findall(r"^  (\w+)\s+(/items/\d+|/console/items/\d+) ", seeded, re.M)
    assert len(printed) == len(items)


def test_the_board_shows_the_two_openness_at_first_run(seeded, demo):
    page = demo.app.test_client().get("/items").get_data(as_text=True)

    items = db.session.scalars(sa.select(RectificationItem)).all()
    for item in items:
        assert (item.title in page) is (item.state != ItemState.DRAFT or item.round_number > 1)


PRINTED_BALLOTS = re.compile(
    r"^Vote on item (\d+) .*\n((?:  [0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}\n)+)", re.M
)


def _only(state: ItemState) -> RectificationItem:
    query = sa.select(RectificationItem).where(RectificationItem.state == state)
    return db.session.scalars(query).one()


def test_satisfaction_rounds_accepted_one_item_and_sent_one_back_with_their_tallies(seeded):
    [accepted] = item_reviews(_only(ItemState.ACCEPTED))
    second = db.session.scalars(
        sa.select(RectificationItem).where(RectificationItem.round_number == 2)
    ).one()
    [failed] = item_reviews(second)
    [running] = item_reviews(_only(ItemState.UNDER_REVIEW), live=True)

    assert accepted.review.outcome == ReviewOutcome.ACCEPTED
    assert 85 <= accepted.tally.rate < 90 and accepted.tally.public_total > 0
    assert (failed.number, failed.review.outcome) == (1, ReviewOutcome.BELOW_THRESHOLD)
    assert failed.tally.rate < 80 and failed.tally.quorum_reached
    assert second.current_round.review is None
    assert running.review.status == ReviewStatus.OPEN and running.tally.valid > 0
    assert running.review.opens_at < utcnow() < running.review.closes_at
    assert failed.review.closed_at < second.current_round.commitment_published_at


def test_the_printed_ballot_codes_are_unused_codes_of_the_running_round(seeded):
    item_id, lines = PRINTED_BALLOTS.search(seeded).groups()
    review = db.session.get(RectificationItem, int(item_id)).current_round.review

    codes = lines.split()
    stored = db.session.scalars(
        sa.select(BallotCode).where(BallotCode.code_hash.in_([hash_code(code) for code in codes]))
    ).all()

    assert len(codes) == 3 and len(stored) == 3
    assert {code.review_id for code in stored} == {review.id}
    used = sa.select(BallotUse).where(BallotUse.ballot_code_id.in_([c.id for c in stored]))
    assert db.session.scalars(used).first() is None


def test_the_item_sent_back_shows_its_first_rounds_tally(seeded, demo):
    second = db.session.scalars(
        sa.select(RectificationItem).where(RectificationItem.round_number == 2)
    ).one()

    page = demo.app.test_client().get(f"/items/{second.id}", headers={"Accept-Language": "en"})

    assert "Votes per answer and per group of voters" in page.get_data(as_text=True)
