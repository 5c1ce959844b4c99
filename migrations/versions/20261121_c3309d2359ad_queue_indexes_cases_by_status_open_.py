"""Queue indexes: cases by status and id; the open cases by due date and by handler.

The queue pages by keyset on cases.id, newest first. (status, id) serves a status filter
and the count of new cases whatever the status's share. The partial indexes cover the
open cases only (a few percent of all) and serve the overdue and "mine" counts of the
console's first page. The measurements behind them are in docs/performance.md. On
SQLite these are plain CREATE INDEX statements: batch mode does not rebuild the table,
so its triggers stay.

Revision ID: c3309d2359ad
Revises: 0f024b06b5b7
Create Date: 2026-11-21 02:16:54.847861

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3309d2359ad'
down_revision = '0f024b06b5b7'
branch_labels = None
depends_on = None

OPEN_CASES = "status IN ('received', 'accepted', 'assigned', 'in_progress')"
PARTIAL = ("due_on", "handler_id")


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_status_id', ['status', 'id'], unique=False)
        for column in PARTIAL:
            batch_op.create_index(
                f'ix_cases_open_{column}',
                [column],
                unique=False,
                sqlite_where=sa.text(OPEN_CASES),
                postgresql_where=sa.text(OPEN_CASES),
            )


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for column in reversed(PARTIAL):
            batch_op.drop_index(f'ix_cases_open_{column}')
        batch_op.drop_index('ix_cases_status_id')
