"""Emptying the database for a fresh demo, keeping what the migrations seeded."""

from __future__ import annotations

from sqlalchemy import Table, event, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction

from portal.evidence_files import STORAGE_NAME, upload_dir
from portal.extensions import db
from portal.models import Attachment

#: Tables whose rows the migrations seed; the deadline rules are the city's settings.
REFERENCE_TABLES = frozenset({"alembic_version", "categories", "deadline_rules"})
#: Session.info key of the evidence files whose rows were deleted, removed once committed.
DELETED_FILES_KEY = "demo_reset_deleted_files"


def delete_all_data() -> None:
    """Delete every data row, history included; the seeded reference rows stay.

    The evidence files of the deleted attachments are removed when the transaction commits.
    The session's objects of the deleted rows are expunged (detached), whatever comes next.
    """
    _remove_files_on_commit()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if db.session.get_bind().dialect.name == "postgresql":
        # TRUNCATE fires no row triggers, so the append-only history tables empty too.
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
    else:
        _delete_on_sqlite(tables)
    _forget_objects_of(tables)


def _forget_objects_of(tables: list[Table]) -> None:
    """Expunge the session's objects of the emptied tables.

    Their rows went without the ORM, and new rows take their ids again (SQLite reuses them,
    the sequences restart): left in the identity map, they would be taken for the new rows.
    """
    emptied = set(tables)
    for instance in list(db.session.identity_map.values()):
        if emptied.intersection(inspect(instance).mapper.tables):
            db.session.expunge(instance)


def _delete_on_sqlite(tables: list[Table]) -> None:
    """Delete row by table with the append-only triggers lifted for the transaction."""
    triggers = db.session.execute(
        text(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND name LIKE '%append_only%'"
        )
    ).all()
    for name, _sql in triggers:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))
    for table in tables:
        db.session.execute(table.delete())
    for _name, sql in triggers:
        db.session.execute(text(sql))


def _remove_files_on_commit() -> None:
    """Note the files of every attachment row, to remove them once their rows are gone."""
    folder = upload_dir()
    names = db.session.scalars(select(Attachment.storage_name))
    # Only names the portal gives (random hex) are joined to the folder: a row can point
    # nowhere else.
    paths = [folder / name for name in names if STORAGE_NAME.fullmatch(name)]
    db.session.info.setdefault(DELETED_FILES_KEY, []).extend(paths)


@event.listens_for(Session, "after_commit")
def _remove_deleted_files(session: Session) -> None:
    """Remove the files whose rows a committed reset deleted."""
    for path in session.info.pop(DELETED_FILES_KEY, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _keep_files_of_kept_rows(session: Session, transaction: SessionTransaction) -> None:
    """Keep the files when a reset ends without a commit: their rows are there again."""
    if transaction.parent is None:
        session.info.pop(DELETED_FILES_KEY, None)
