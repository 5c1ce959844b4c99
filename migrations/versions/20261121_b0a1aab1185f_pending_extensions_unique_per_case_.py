"""One pending extension per case.

At most one extension request per case waits for a decision: a partial unique index over
the pending requests, as for identity requests. Two requests sent at the same moment
both pass the service's check; the index refuses the second, and the service turns the
refusal into the message the first check gives.

Revision ID: b0a1aab1185f
Revises: b086c51855e5
Create Date: 2026-11-21 04:30:50.546560

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b0a1aab1185f'
down_revision = 'b086c51855e5'
branch_labels = None
depends_on = None

PENDING = "status = 'pending'"


def upgrade():
    _refuse_duplicate_pending_extensions()
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.create_index(
            'uq_case_extensions_pending_case',
            ['case_id'],
            unique=True,
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        )


def downgrade():
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.drop_index('uq_case_extensions_pending_case')


def _refuse_duplicate_pending_extensions():
    """Stop with the cases to settle by hand if one already has two requests waiting."""
    cases = op.get_bind().scalars(
        sa.text(
            f"SELECT case_id FROM case_extensions WHERE {PENDING} "
            "GROUP BY case_id HAVING count(*) > 1 ORDER BY case_id"
        )
    ).all()
    if cases:
        raise RuntimeError(
            "Deny all but one pending extension of each of these cases, then upgrade again: "
            f"case ids {', '.join(map(str, cases))}"
        )
