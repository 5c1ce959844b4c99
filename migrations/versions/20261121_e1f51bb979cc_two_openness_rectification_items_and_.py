"""Two openness: rectification items and their rounds, satisfaction votes.

Items, rounds, measures, milestones, image supervisors' assessments, publication requests
(four eyes) and the public version history of what was published; satisfaction rounds,
ballot codes, the voting rights used, and the votes themselves (kept apart from the rights).

Revision ID: e1f51bb979cc
Revises: 0b4e381d8c9d
Create Date: 2026-11-21 02:39:59.761600

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1f51bb979cc'
down_revision = '0b4e381d8c9d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rectification_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('problem_statement', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'commitment_published', 'in_rectification', 'result_published', 'under_review', 'accepted', name='item_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('round_number', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_rectification_items_title_not_empty')),
    sa.CheckConstraint('round_number >= 1', name=op.f('ck_rectification_items_round_number_positive')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_rectification_items_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rectification_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_rectification_items_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_items'))
    )
    with op.batch_alter_table('rectification_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_items_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_items_unit_id'), ['unit_id'], unique=False)

    op.create_table('item_cases',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_item_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['item_id'], ['rectification_items.id'], name=op.f('fk_item_cases_item_id_rectification_items')),
    sa.PrimaryKeyConstraint('item_id', 'case_id', name=op.f('pk_item_cases'))
    )
    with op.batch_alter_table('item_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_cases_case_id'), ['case_id'], unique=False)

    op.create_table('rectification_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('commitment', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('commitment_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('commitment_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('result_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_fingerprint', sa.String(length=64), nullable=True),
    sa.CheckConstraint('(commitment_published_at IS NULL) = (commitment_fingerprint IS NULL)', name=op.f('ck_rectification_rounds_commitment_fingerprint_when_published')),
    sa.CheckConstraint('(result_published_at IS NULL) = (result_fingerprint IS NULL)', name=op.f('ck_rectification_rounds_result_fingerprint_when_published')),
    sa.CheckConstraint('result_published_at IS NULL OR commitment_published_at IS NOT NULL', name=op.f('ck_rectification_rounds_result_after_commitment')),
    sa.ForeignKeyConstraint(['item_id'], ['rectification_items.id'], name=op.f('fk_rectification_rounds_item_id_rectification_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification_rounds')),
    sa.UniqueConstraint('item_id', 'number', name='uq_rectification_rounds_item_number')
    )
    with op.batch_alter_table('rectification_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_rounds_item_id'), ['item_id'], unique=False)

    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_measures_text_not_empty')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_measures_owner_unit_id_units')),
    sa.ForeignKeyConstraint(['round_id'], ['rectification_rounds.id'], name=op.f('fk_measures_round_id_rectification_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures'))
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_round_id'), ['round_id'], unique=False)

    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('percent', sa.SmallInteger(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_milestones_text_not_empty')),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_milestones_percent_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_milestones_created_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rectification_rounds.id'], name=op.f('fk_milestones_round_id_rectification_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones'))
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestones_round_id'), ['round_id'], unique=False)

    op.create_table('publication_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('commitment', 'result', name='publication_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'denied', name='publication_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'pending' AND decided_by_id IS NULL AND decided_at IS NULL) OR (status <> 'pending' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL)", name=op.f('ck_publication_requests_decision_matches_status')),
    sa.CheckConstraint('decided_by_id <> requested_by_id', name=op.f('ck_publication_requests_four_eyes')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_publication_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_publication_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rectification_rounds.id'], name=op.f('fk_publication_requests_round_id_rectification_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_requests'))
    )
    with op.batch_alter_table('publication_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_requests_round_id'), ['round_id'], unique=False)
        batch_op.create_index('uq_publication_requests_pending', ['round_id', 'kind'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('published_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('commitment', 'result', name='version_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_published_versions_published_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rectification_rounds.id'], name=op.f('fk_published_versions_round_id_rectification_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_versions')),
    sa.UniqueConstraint('round_id', 'kind', 'number', name='uq_published_versions_number')
    )
    with op.batch_alter_table('published_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_versions_round_id'), ['round_id'], unique=False)

    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'open', 'closed', name='review_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=False),
    sa.Column('threshold_percent', sa.Integer(), nullable=False),
    sa.Column('public_voting', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Enum('accepted', 'below_threshold', 'below_quorum', name='outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'closed') = (outcome IS NOT NULL AND closed_at IS NOT NULL)", name=op.f('ck_review_rounds_closed_has_outcome')),
    sa.CheckConstraint('closes_at > opens_at', name=op.f('ck_review_rounds_closes_after_opening')),
    sa.CheckConstraint('quorum >= 1', name=op.f('ck_review_rounds_quorum_positive')),
    sa.CheckConstraint('threshold_percent BETWEEN 1 AND 100', name=op.f('ck_review_rounds_threshold_range')),
    sa.ForeignKeyConstraint(['round_id'], ['rectification_rounds.id'], name=op.f('fk_review_rounds_round_id_rectification_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds')),
    sa.UniqueConstraint('round_id', name=op.f('uq_review_rounds_round_id'))
    )
    op.create_table('supervisor_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_supervisor_assessments_text_not_empty')),
    sa.ForeignKeyConstraint(['round_id'], ['rectification_rounds.id'], name=op.f('fk_supervisor_assessments_round_id_rectification_rounds')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_supervisor_assessments_supervisor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisor_assessments')),
    sa.UniqueConstraint('round_id', 'supervisor_id', name='uq_supervisor_assessments_round')
    )
    with op.batch_alter_table('supervisor_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisor_assessments_round_id'), ['round_id'], unique=False)

    op.create_table('ballot_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('voter_group', sa.Enum('deputy', 'cppcc_member', 'employee_representative', 'image_supervisor', 'reporter', 'public', name='ballot_group', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('batch', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review_rounds.id'], name=op.f('fk_ballot_codes_review_id_review_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_ballot_codes_code_hash'))
    )
    with op.batch_alter_table('ballot_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_codes_review_id'), ['review_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('voter_group', sa.Enum('deputy', 'cppcc_member', 'employee_representative', 'image_supervisor', 'reporter', 'public', name='vote_group', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('choice', sa.Enum('satisfied', 'basically_satisfied', 'dissatisfied', name='vote_choice', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review_rounds.id'], name=op.f('fk_votes_review_id_review_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_review_id'), ['review_id'], unique=False)

    op.create_table('ballot_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('ballot_code_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(ballot_code_id IS NULL) <> (case_id IS NULL)', name=op.f('ck_ballot_uses_one_right_per_use')),
    sa.ForeignKeyConstraint(['ballot_code_id'], ['ballot_codes.id'], name=op.f('fk_ballot_uses_ballot_code_id_ballot_codes')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ballot_uses_case_id_cases')),
    sa.ForeignKeyConstraint(['review_id'], ['review_rounds.id'], name=op.f('fk_ballot_uses_review_id_review_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_uses')),
    sa.UniqueConstraint('ballot_code_id', name=op.f('uq_ballot_uses_ballot_code_id')),
    sa.UniqueConstraint('review_id', 'case_id', name='uq_ballot_uses_review_case')
    )
    with op.batch_alter_table('ballot_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_uses_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ballot_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_uses_review_id'))

    op.drop_table('ballot_uses')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_review_id'))

    op.drop_table('votes')
    with op.batch_alter_table('ballot_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_codes_review_id'))

    op.drop_table('ballot_codes')
    with op.batch_alter_table('supervisor_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisor_assessments_round_id'))

    op.drop_table('supervisor_assessments')
    op.drop_table('review_rounds')
    with op.batch_alter_table('published_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_versions_round_id'))

    op.drop_table('published_versions')
    with op.batch_alter_table('publication_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_publication_requests_pending', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_publication_requests_round_id'))

    op.drop_table('publication_requests')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestones_round_id'))

    op.drop_table('milestones')
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_round_id'))

    op.drop_table('measures')
    with op.batch_alter_table('rectification_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_rounds_item_id'))

    op.drop_table('rectification_rounds')
    with op.batch_alter_table('item_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_cases_case_id'))

    op.drop_table('item_cases')
    with op.batch_alter_table('rectification_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_items_unit_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_items_state'))

    op.drop_table('rectification_items')
