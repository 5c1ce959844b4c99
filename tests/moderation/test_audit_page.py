"""The audit trail page: for administrators, newest first, keyset pages, filters, verifying."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from moderation.audit import PAGE_SIZE
from portal.crypto import encrypt_secret
from portal.extensions import db
from portal.models import AuditEvent, Role, User
from portal.services import audit
from tests.conftest import append_only_lifted
from tests.console import sign_in
from tests.factories import add_user, build_city

EN = {"Accept-Language": "en"}
ROW_SEQ = re.compile(r'<tr>\s*<td class="nowrap">(\d+)</td>')


@pytest.fixture
def admin_id(app) -> int:
    with app.app_context():
        city = build_city()
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        admin = add_user(Role.ADMIN, city.committee, "admin.sun", totp_secret=secret)
        for role in (Role.OPERATOR, Role.HANDLER, Role.SUPERVISOR, Role.OFFICER):
            add_user(role, city.committee, f"{role.value}.qian")
        db.session.commit()
        return admin.id


def _as(app, client, username: str):
    with app.app_context():
        sign_in(client, db.session.scalar(select(User).where(User.username == username)))
    return client


@pytest.fixture
def admin(app, client, admin_id):
    return _as(app, client, "admin.sun")


def _write(app, count: int, action: str = "auth.login", **fields) -> None:
    with app.app_context():
        for _ in range(count):
            audit.record(action, actor_label=fields.get("actor", "system"), **_object(fields))
        db.session.commit()


def _object(fields: dict) -> dict:
    return {key: fields[key] for key in ("object_type", "object_id") if key in fields}


def _seqs(response) -> list[int]:
    return [int(seq) for seq in ROW_SEQ.findall(response.get_data(as_text=True))]


def _tamper(app, statement) -> None:
    with app.app_context(), db.engine.begin() as connection, append_only_lifted(connection):
        connection.execute(statement)


def _head(app) -> int:
    with app.app_context():
        return audit.chain_head().seq


def test_the_newest_events_come_first_with_their_hash(app, admin):
    _write(app, 3)

    response = admin.get("/console/audit", headers=EN)

    page = response.get_data(as_text=True)
    seqs = _seqs(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == _head(app)
    with app.app_context():
        newest = audit.chain_head()
        assert f'title="{newest.hash}">{newest.hash[:12]}</code>' in page


def test_pages_are_cut_by_seq_and_link_to_each_other(app, admin):
    _write(app, PAGE_SIZE + 5)
    head = _head(app)

    first = admin.get("/console/audit", headers=EN)
    older = admin.get(f"/console/audit?after={head - PAGE_SIZE + 1}", headers=EN)
    newer = admin.get(f"/console/audit?before={_seqs(older)[0]}", headers=EN)

    assert _seqs(first) == list(range(head, head - PAGE_SIZE, -1))
    assert f'href="/console/audit?after={head - PAGE_SIZE + 1}"' in first.get_data(as_text=True)
    assert _seqs(older) == list(range(head - PAGE_SIZE, 0, -1))
    assert "?before=" in older.get_data(as_text=True)
    assert "?after=" not in older.get_data(as_text=True)
    assert _seqs(newer) == _seqs(first)


def test_the_filters_narrow_the_trail_and_ride_along_the_pages(app, admin):
    _write(app, 2, "case.accept", actor="handler.qian", object_type="case", object_id="2026-000007")
    _write(app, PAGE_SIZE + 1, "case.assign", actor="handler.qian")
    _write(app, 2, "auth.login", actor="operator.qian")

    by_prefix = admin.get("/console/audit?action=case.", headers=EN)
    by_actor = admin.get("/console/audit?actor=OPERATOR.QIAN", headers=EN)
    by_object = admin.get("/console/audit?object_type=case&object_id=2026-000007", headers=EN)

    assert len(_seqs(by_prefix)) == PAGE_SIZE
    assert "after=" in by_prefix.get_data(as_text=True)
    assert re.search(r'href="/console/audit\?after=\d+&amp;action=case\."', by_prefix.text)
    assert len(_seqs(by_actor)) == 2
    page = by_object.get_data(as_text=True)
    assert len(_seqs(by_object)) == 2 and 'href="/console/cases/2026-000007"' in page


def test_a_date_range_is_read_in_beijing_time(app, admin):
    _write(app, 1)
    # 17:30 UTC on 1 March is already 01:30 on 2 March in Beijing.
    moment = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    _tamper(app, sa.update(AuditEvent).where(AuditEvent.seq == 1).values(created_at=moment))

    inside = admin.get("/console/audit?since=2026-03-02&until=2026-03-02", headers=EN)
    before = admin.get("/console/audit?until=2026-03-01", headers=EN)

    assert _seqs(inside) == [1]
    assert "2026-03-02 01:30:00" in inside.get_data(as_text=True)
    assert 1 not in _seqs(before)


def test_a_backwards_date_range_is_refused(admin):
    response = admin.get("/console/audit?since=2026-03-02&until=2026-03-01", headers=EN)

    assert response.status_code == 400
    assert "The end of the range is before its start." in response.get_data(as_text=True)


def test_details_are_shown_escaped(app, admin):
    with app.app_context():
        audit.record("auth.login_failed", details={"username": "<script>alert(1)</script>"})
        db.session.commit()

    page = admin.get("/console/audit", headers=EN).get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_verifying_an_intact_chain_says_so_and_is_audited(app, admin):
    _write(app, 3)

    response = admin.post("/console/audit/verify", headers=EN)

    assert response.status_code == 303
    assert response.headers["Location"] == "/console/audit"
    page = admin.get("/console/audit", headers=EN).get_data(as_text=True)
    assert "The chain is intact" in page
    with app.app_context():
        newest = audit.chain_head()
        assert (newest.action, newest.actor) == ("audit.verify", "admin.sun")
        assert '"problems":0' in newest.details


def test_verifying_a_tampered_chain_names_the_event(app, admin):
    _write(app, 3)
    _tamper(app, sa.text("UPDATE audit_events SET actor = 'nobody' WHERE seq = 2"))

    admin.post("/console/audit/verify", headers=EN)

    page = admin.get("/console/audit", headers=EN).get_data(as_text=True)
    assert "The chain is broken in 1 places: event 2 edited" in page
    with app.app_context():
        assert '"problems":1' in audit.chain_head().details


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.HANDLER, Role.SUPERVISOR, Role.OFFICER])
@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/console/audit"), ("POST", "/console/audit/verify")]
)
def test_only_administrators_see_the_trail(app, client, admin_id, role, method, path):
    _as(app, client, f"{role.value}.qian")

    response = client.open(path, method=method)

    assert response.status_code == 403
    with app.app_context():
        assert audit.chain_head().action == "access.refused"


def test_the_navigation_offers_the_trail_to_administrators(admin):
    page = admin.get("/console/", headers=EN).get_data(as_text=True)

    assert 'href="/console/audit"' in page and "Audit trail" in page


def _add_admin(app, username: str, unit: str, is_cadre: bool = False) -> None:
    """Add an administrator with two-factor set, scoped to one unit of a new city."""
    with app.app_context():
        city = build_city()
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        linked = {"cadre_id": city.cadre.id} if is_cadre else {}
        add_user(Role.ADMIN, getattr(city, unit), username, totp_secret=secret, **linked)
        db.session.commit()


def test_an_administrator_below_the_top_of_the_tree_cannot_read_the_trail(app, client):
    # The trail is the whole city's: a district administrator would read the history of
    # cases kept from them by scope or recusal.
    _add_admin(app, "admin.district", unit="district")
    _write(app, 1, "case.assign", object_type="case", object_id="2026-000001")
    _as(app, client, "admin.district")

    assert client.get("/console/audit", headers=EN).status_code == 403
    assert client.post("/console/audit/verify").status_code == 403
    assert 'href="/console/audit"' not in client.get("/console/", headers=EN).get_data(True)


def test_a_top_administrator_who_is_a_cadre_cannot_read_the_trail(app, client):
    # Recusal hides the cases about them; the trail would show who handled those cases and
    # who read the reporter's details.
    _add_admin(app, "admin.cadre", unit="committee", is_cadre=True)
    _write(app, 1, "contact.view", object_type="case", object_id="2026-000001")
    _as(app, client, "admin.cadre")

    assert client.get("/console/audit?object_id=2026-000001", headers=EN).status_code == 403
    assert client.post("/console/audit/verify").status_code == 403
    assert 'href="/console/audit"' not in client.get("/console/", headers=EN).get_data(True)


def test_the_top_administrator_finds_the_trail_in_the_navigation(admin):
    assert 'href="/console/audit"' in admin.get("/console/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize("query", ["after=" + "9" * 30, "before=3000000000"])
def test_an_impossible_cursor_shows_the_first_page(app, admin, query):
    _write(app, 2)

    response = admin.get(f"/console/audit?{query}", headers=EN)

    assert response.status_code == 200
    assert response.get_data(as_text=True).count("auth.login") >= 2


@pytest.mark.parametrize("query", ["since=0001-01-01", "until=9999-12-31"])
def test_a_day_no_event_can_have_is_refused_politely(admin, query):
    response = admin.get(f"/console/audit?{query}", headers=EN)

    assert response.status_code == 400
    assert "Please give a day from 2000 to 2999." in response.get_data(as_text=True)
