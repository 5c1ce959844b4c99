"""``flask audit verify`` and ``audit head``: a whole chain passes, a tampered one names the row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import GENESIS_HASH
from portal.services import audit
from tests.conftest import append_only_lifted


@pytest.fixture
def chain(app_context):
    """Write five events and return the newest."""
    for number in range(1, 6):
        audit.record("auth.login", actor_label=f"user{number}", details={"n": number})
    db.session.commit()
    return audit.chain_head()


def _tamper(sql: str) -> None:
    db.session.rollback()  # outside a request SQLite begins IMMEDIATE: let go of the lock
    with db.engine.begin() as connection, append_only_lifted(connection):
        connection.execute(sa.text(sql))


def test_an_untouched_chain_verifies_and_exits_0(chain, runner):
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"5 events, chain intact, head {chain.hash}"


def test_an_empty_trail_verifies(app_context, runner):
    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 0
    assert "0 events, chain intact" in result.output


def test_an_edited_row_fails_naming_its_seq(chain, runner):
    _tamper("UPDATE audit_events SET details = '{}' WHERE seq = 3")

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert "seq 3: edited" in result.output
    assert "chain intact" not in result.output


def test_a_deleted_row_fails_naming_its_seq(chain, runner):
    _tamper("DELETE FROM audit_events WHERE seq = 2")

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert "seq 2: deleted" in result.output


def test_an_inserted_row_fails_naming_its_seq(chain, runner):
    _tamper(
        "INSERT INTO audit_events (seq, created_at, actor, action, details, prev_hash, hash)"
        " VALUES (6, '2026-01-01 00:00:00', 'intruder', 'auth.login', '{}',"
        " 'not-the-previous-hash', 'made-up-hash')"
    )

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert "seq 6: inserted" in result.output


def test_every_problem_is_listed(chain, runner):
    _tamper("UPDATE audit_events SET actor = 'someone else' WHERE seq IN (1, 4)")

    result = runner.invoke(args=["audit", "verify"])

    assert result.exit_code == 1
    assert "seq 1: edited" in result.output and "seq 4: edited" in result.output


def test_head_prints_the_newest_seq_and_hash(chain, runner):
    result = runner.invoke(args=["audit", "head"])

    assert result.exit_code == 0
    assert result.output.strip() == f"5:{chain.hash}"


def test_head_of_an_empty_trail_is_the_genesis(app_context, runner):
    result = runner.invoke(args=["audit", "head"])

    assert result.output.strip() == f"0:{GENESIS_HASH}"


def test_an_anchor_catches_the_newest_events_cut_off(chain, runner):
    anchor = runner.invoke(args=["audit", "head"]).output.strip()
    _tamper("DELETE FROM audit_events WHERE seq = 5")

    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the chain alone cannot tell
    result = runner.invoke(args=["audit", "verify", "--anchor", anchor])

    assert result.exit_code == 1
    assert "seq 5: deleted" in result.output


def test_an_anchor_that_is_still_there_passes(chain, runner):
    anchor = runner.invoke(args=["audit", "head"]).output.strip()
    audit.record("auth.logout", actor_label="user1")
    db.session.commit()

    result = runner.invoke(args=["audit", "verify", "--anchor", anchor])

    assert result.exit_code == 0, result.output


def test_a_malformed_anchor_is_a_usage_error(chain, runner):
    result = runner.invoke(args=["audit", "verify", "--anchor", "five"])

    assert result.exit_code == 2
    assert "SEQ:HASH" in result.output
