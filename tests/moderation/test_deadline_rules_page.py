"""The deadline rules page: list, add, change, delete; the warning of missing holiday years."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, CaseKind, Channel, ClockStage, DeadlineRule, Role, User
from tests.console import sign_in
from tests.factories import add_user, build_city

EN = {"Accept-Language": "en"}


@pytest.fixture
def admin(app, client):
    """Sign in an administrator at the top of the tree; return the ids of two more accounts."""
    with app.app_context():
        city = build_city()
        admin = add_user(Role.ADMIN, city.committee, "admin", totp_secret=b"set")
        district_admin = add_user(Role.ADMIN, city.district, "district-admin", totp_secret=b"set")
        handler = add_user(Role.HANDLER, city.committee, "handler")
        db.session.commit()
        sign_in(client, admin)
        return {"admin": admin.id, "district_admin": district_admin.id, "handler": handler.id}


def _rules() -> list[tuple]:
    query = select(DeadlineRule).order_by(DeadlineRule.id)
    return [(r.stage, r.kind, r.channel, r.working_days) for r in db.session.scalars(query)]


def _rule(stage, kind=None, channel=None) -> DeadlineRule:
    return db.session.scalar(
        select(DeadlineRule).where(
            DeadlineRule.stage == stage, DeadlineRule.kind == kind, DeadlineRule.channel == channel
        )
    )


def test_the_list_shows_the_seeded_rules(client, admin):
    page = client.get("/console/deadlines", headers=EN).get_data(as_text=True)

    assert "Referral from a superior leader" in page and "Praise" in page
    assert page.count('class="tag">Default<') == 2


def test_adding_a_rule_applies_to_new_cases_and_is_audited(app, client, admin):
    response = client.post(
        "/console/deadlines/new",
        data={"stage": "answer", "kind": "report", "channel": "hotline", "working_days": "12"},
        headers=EN,
    )

    assert response.status_code == 303
    with app.app_context():
        assert (ClockStage.ANSWER, CaseKind.REPORT, Channel.HOTLINE, 12) in _rules()
        trail = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
        assert (trail.action, trail.actor) == ("deadline_rule.add", "admin")


def test_a_second_rule_for_the_same_scope_is_refused_on_the_form(client, admin):
    response = client.post(
        "/console/deadlines/new",
        data={"stage": "answer", "kind": "praise", "channel": "", "working_days": "7"},
        headers=EN,
    )

    assert response.status_code == 422
    assert "exists already" in response.get_data(as_text=True)


@pytest.mark.parametrize("days", ["0", "251", "x", ""])
def test_the_days_must_be_one_to_two_hundred_and_fifty(client, admin, days):
    response = client.post(
        "/console/deadlines/new",
        data={"stage": "accept", "kind": "", "channel": "letter", "working_days": days},
        headers=EN,
    )

    assert response.status_code == 422
    assert "from 1 to 250" in response.get_data(as_text=True)


def test_changing_a_default_rule_changes_its_days_only(app, client, admin):
    with app.app_context():
        rule_id = _rule(ClockStage.ACCEPT).id

    form = client.get(f"/console/deadlines/{rule_id}", headers=EN).get_data(as_text=True)
    assert 'value="3"' in form and "only its working days can change" in form
    saved = client.post(
        f"/console/deadlines/{rule_id}",
        data={"stage": "accept", "kind": "", "channel": "", "working_days": "5"},
    )
    narrowed = client.post(
        f"/console/deadlines/{rule_id}",
        data={"stage": "accept", "kind": "report", "channel": "", "working_days": "5"},
        headers=EN,
    )

    assert saved.status_code == 303
    assert narrowed.status_code == 422
    with app.app_context():
        assert _rule(ClockStage.ACCEPT).working_days == 5


def test_a_default_cannot_be_deleted_but_another_rule_can(app, client, admin):
    with app.app_context():
        default_id = _rule(ClockStage.ANSWER).id
        praise_id = _rule(ClockStage.ANSWER, CaseKind.PRAISE).id

    refused = client.post(
        f"/console/deadlines/{default_id}/delete", headers=EN, follow_redirects=True
    )
    deleted = client.post(f"/console/deadlines/{praise_id}/delete", headers=EN)

    assert "cannot be deleted" in refused.get_data(as_text=True)
    assert deleted.status_code == 303
    with app.app_context():
        assert _rule(ClockStage.ANSWER) is not None
        assert _rule(ClockStage.ANSWER, CaseKind.PRAISE) is None


def test_an_administrator_below_the_top_reads_the_rules_but_cannot_change_them(app, client, admin):
    with app.app_context():
        sign_in(client, db.session.get(User, admin["district_admin"]))

    page = client.get("/console/deadlines", headers=EN).get_data(as_text=True)
    response = client.post(
        "/console/deadlines/new",
        data={"stage": "answer", "kind": "", "channel": "letter", "working_days": "9"},
        headers=EN,
    )

    assert "New rule" not in page
    assert response.status_code == 422
    assert "only its administrators change them" in response.get_data(as_text=True)


def test_administrators_are_warned_of_a_missing_holiday_year(app, client, admin, time_machine):
    time_machine.move_to(datetime(2026, 11, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    _sign_in_again(app, client, admin["admin"])  # the session's clock moved too

    rules_page = client.get("/console/deadlines", headers=EN).get_data(as_text=True)
    first_page = client.get("/console/", headers=EN).get_data(as_text=True)

    for page in (rules_page, first_page):
        assert "The holiday schedule of 2027 is not on file" in page
        assert "2027.json" in page
    _sign_in_again(app, client, admin["handler"])
    assert "not on file" not in client.get("/console/", headers=EN).get_data(as_text=True)


def test_no_warning_when_both_years_are_on_file(app, client, admin, time_machine):
    time_machine.move_to(datetime(2025, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    _sign_in_again(app, client, admin["admin"])

    assert "not on file" not in client.get("/console/", headers=EN).get_data(as_text=True)


def _sign_in_again(app, client, user_id: int) -> None:
    with app.app_context():
        sign_in(client, db.session.get(User, user_id))
