"""The audit trail is a hash chain: edits, insertions and deletions all show."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from portal.extensions import db
from portal.services import audit
from tests.conftest import append_only_lifted


@pytest.fixture
def chain(app_context):
    for number in range(1, 6):
        audit.record("auth.login", actor_label=f"user{number}", details={"n": number})
    db.session.commit()


def _problems():
    return [(problem.seq, problem.kind) for problem in audit.verify_chain()]


def _tamper(sql: str) -> None:
    with db.engine.begin() as connection, append_only_lifted(connection):
        connection.execute(sa.text(sql))


def test_an_untouched_chain_verifies(chain):
    assert _problems() == []
    assert audit.chain_head().seq == 5


def test_an_edited_row_is_found(chain):
    _tamper("UPDATE audit_events SET actor = 'someone else' WHERE seq = 3")

    assert _problems() == [(3, "edited")]


def test_a_deleted_row_is_found(chain):
    _tamper("DELETE FROM audit_events WHERE seq = 2")

    assert _problems() == [(2, "deleted")]


def test_an_inserted_row_is_found(chain):
    _tamper(
        "INSERT INTO audit_events (seq, created_at, actor, action, details, prev_hash, hash)"
        " VALUES (6, '2026-01-01 00:00:00', 'intruder', 'auth.login', '{}',"
        " 'not-the-previous-hash', 'made-up-hash')"
    )

    assert (6, "inserted") in _problems()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_events WHERE seq = 1"],
)
def test_the_database_refuses_to_change_the_trail(chain, statement):
    with pytest.raises(DatabaseError), db.engine.begin() as connection:
        connection.execute(sa.text(statement))
