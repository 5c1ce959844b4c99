"""Evidence of progress: a file belongs to a case or to a milestone of a rectification item.

A unit reports its progress with files, published with the milestone; they are cleaned and
stored like a case's evidence, in the same table. Each file now belongs to exactly one of
the two, which a CHECK constraint holds. On SQLite the table is rebuilt (batch mode); it has
no triggers to lose, and its named CHECK constraints are carried over.

Revision ID: b086c51855e5
Revises: e1f51bb979cc
Create Date: 2026-11-21 03:41:44.968665

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b086c51855e5'
down_revision = 'e1f51bb979cc'
branch_labels = None
depends_on = None

ONE_OWNER = "(case_id IS NULL) <> (milestone_id IS NULL)"


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('milestone_id', sa.Integer(), nullable=True))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_attachments_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_milestone_id_milestones'), 'milestones', ['milestone_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_attachments_one_owner'), ONE_OWNER)


def downgrade():
    # A milestone's file has no case to belong to once case_id is required again: its row
    # goes (the cleaned file stays in the upload folder, unreferenced).
    op.execute("DELETE FROM attachments WHERE milestone_id IS NOT NULL")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attachments_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_attachments_milestone_id_milestones'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_milestone_id'))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('milestone_id')
