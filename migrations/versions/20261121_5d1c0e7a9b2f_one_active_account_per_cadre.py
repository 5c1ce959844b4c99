"""One active account per cadre.

Recusal keeps the cases about a cadre from the account linked to them. The service refuses
to link a cadre who already has an active account; two administrators doing it at the same
moment would both pass that check, so a partial unique index over the active accounts
refuses the second, and the service turns the refusal into the check's message.

Revision ID: 5d1c0e7a9b2f
Revises: b0a1aab1185f
Create Date: 2026-11-21 06:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d1c0e7a9b2f'
down_revision = 'b0a1aab1185f'
branch_labels = None
depends_on = None

ACTIVE_CADRE = "is_active AND cadre_id IS NOT NULL"


def upgrade():
    _refuse_cadres_with_two_active_accounts()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(
            'uq_users_active_cadre',
            ['cadre_id'],
            unique=True,
            sqlite_where=sa.text(ACTIVE_CADRE),
            postgresql_where=sa.text(ACTIVE_CADRE),
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('uq_users_active_cadre')


def _refuse_cadres_with_two_active_accounts():
    """Stop with the cadres to settle by hand if one already has two active accounts."""
    cadres = op.get_bind().scalars(
        sa.text(
            f"SELECT cadre_id FROM users WHERE {ACTIVE_CADRE} "
            "GROUP BY cadre_id HAVING count(*) > 1 ORDER BY cadre_id"
        )
    ).all()
    if cadres:
        raise RuntimeError(
            "Unlink or switch off all but one active account of each of these cadres, then "
            f"upgrade again: cadre ids {', '.join(map(str, cadres))}"
        )
