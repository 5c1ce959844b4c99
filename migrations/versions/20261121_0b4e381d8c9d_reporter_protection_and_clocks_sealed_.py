"""Reporter protection and clocks.

Sealed identity requests and the custodian role, image supervisors, evidence files,
working-day deadline rules and extensions, the reporter's verdict on the handling, and
retaliation check-ins with protected cases.

Revision ID: 0b4e381d8c9d
Revises: c3309d2359ad
Create Date: 2026-11-21 02:36:48.346082

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0b4e381d8c9d'
down_revision = 'c3309d2359ad'
branch_labels = None
depends_on = None

ROLES_BEFORE = ("admin", "operator", "handler", "supervisor", "officer")
ROLES_AFTER = (*ROLES_BEFORE, "custodian")

#: (stage, kind, channel, working days); empty kind or channel means any. The most
#: specific rule wins. Administrators change them in the console.
DEADLINE_RULES = [
    ("accept", None, None, 3),
    ("answer", None, None, 15),
    ("answer", "praise", None, 5),
    ("answer", "rating", None, 5),
    ("answer", None, "leader_referral", 10),
]

#: One rule per (stage, kind, channel), empty counting as a value of its own.
RULE_SCOPE_INDEX = (
    "CREATE UNIQUE INDEX uq_deadline_rules_scope ON deadline_rules "
    "(stage, coalesce(kind, ''), coalesce(channel, ''))"
)


def _role_check(roles):
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade():
    op.create_table('deadline_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('accept', 'answer', name='clock_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('kind', sa.Enum('opinion', 'report', 'rating', 'praise', name='rule_case_kind', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('channel', sa.Enum('web', 'hotline', 'letter', 'visit', 'suggestion_box', 'questionnaire', 'onsite_visit', 'supervisor', 'leader_referral', 'agency_referral', name='rule_channel', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('working_days BETWEEN 1 AND 250', name=op.f('ck_deadline_rules_working_days_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rules'))
    )
    op.create_table('supervisor_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_supervisor_conflicts_unit_id_units')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supervisor_conflicts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisor_conflicts')),
    sa.UniqueConstraint('user_id', 'unit_id', name='uq_supervisor_conflicts_user_unit')
    )
    with op.batch_alter_table('supervisor_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisor_conflicts_user_id'), ['user_id'], unique=False)

    op.create_table('supervisor_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('deputy', 'cppcc_member', 'employee_representative', name='supervisor_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.Column('term_starts', sa.Date(), nullable=False),
    sa.Column('term_ends', sa.Date(), nullable=False),
    sa.CheckConstraint('term_ends >= term_starts', name=op.f('ck_supervisor_profiles_term_ends_after_start')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supervisor_profiles_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_supervisor_profiles'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('jpeg', 'png', 'pdf', name='file_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(display_name) > 0', name=op.f('ck_attachments_display_name_not_empty')),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_attachments_case_id_cases')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_attachments_storage_name'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)

    op.create_table('case_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('accept', 'answer', name='extension_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'denied', name='extension_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('previous_due_on', sa.Date(), nullable=False),
    sa.Column('new_due_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'approved') = (new_due_on IS NOT NULL)", name=op.f('ck_case_extensions_approved_has_new_date')),
    sa.CheckConstraint("(status = 'pending' AND decided_by_id IS NULL AND decided_at IS NULL) OR (status <> 'pending' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL)", name=op.f('ck_case_extensions_decision_matches_status')),
    sa.CheckConstraint('decided_by_id <> requested_by_id', name=op.f('ck_case_extensions_four_eyes')),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_case_extensions_reason_not_empty')),
    sa.CheckConstraint('working_days BETWEEN 1 AND 60', name=op.f('ck_case_extensions_working_days_range')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_extensions_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_extensions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_case_extensions_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_extensions'))
    )
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_extensions_case_id'), ['case_id'], unique=False)

    op.create_table('handling_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('answer_number', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically_satisfied', 'dissatisfied', name='handling_satisfaction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('reopened', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("satisfaction <> 'dissatisfied' OR length(coalesce(reason, '')) > 0", name=op.f('ck_handling_feedback_dissatisfied_has_reason')),
    sa.CheckConstraint('answer_number >= 1', name=op.f('ck_handling_feedback_answer_number_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_handling_feedback_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handling_feedback')),
    sa.UniqueConstraint('case_id', 'answer_number', name='uq_handling_feedback_case_answer')
    )
    with op.batch_alter_table('handling_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handling_feedback_case_id'), ['case_id'], unique=False)

    op.create_table('identity_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requester_unit_id', sa.Integer(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'denied', name='identity_request_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'pending' AND decided_by_id IS NULL AND decided_at IS NULL) OR (status <> 'pending' AND decided_by_id IS NOT NULL AND decided_at IS NOT NULL)", name=op.f('ck_identity_requests_decision_matches_status')),
    sa.CheckConstraint("opened_at IS NULL OR status = 'approved'", name=op.f('ck_identity_requests_opened_only_if_approved')),
    sa.CheckConstraint("status <> 'denied' OR length(coalesce(decision_reason, '')) > 0", name=op.f('ck_identity_requests_denial_has_reason')),
    sa.CheckConstraint('decided_by_id <> requested_by_id', name=op.f('ck_identity_requests_four_eyes')),
    sa.CheckConstraint('length(motivation) > 0', name=op.f('ck_identity_requests_motivation_not_empty')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_identity_requests_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_identity_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_identity_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['requester_unit_id'], ['units.id'], name=op.f('fk_identity_requests_requester_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_requests'))
    )
    with op.batch_alter_table('identity_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_identity_requests_pending_case', ['case_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('retaliation_checkins',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('faced_retaliation', sa.Boolean(), nullable=False),
    sa.Column('protected_case_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(faced_retaliation AND protected_case_id IS NOT NULL) OR (NOT faced_retaliation AND protected_case_id IS NULL)', name=op.f('ck_retaliation_checkins_yes_opens_a_case')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_retaliation_checkins_case_id_cases')),
    sa.ForeignKeyConstraint(['protected_case_id'], ['cases.id'], name=op.f('fk_retaliation_checkins_protected_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_retaliation_checkins'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_protected', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _role_check(ROLES_AFTER))

    op.execute(RULE_SCOPE_INDEX)
    rules = sa.table(
        "deadline_rules",
        sa.column("stage", sa.String),
        sa.column("kind", sa.String),
        sa.column("channel", sa.String),
        sa.column("working_days", sa.Integer),
    )
    op.bulk_insert(
        rules,
        [
            {"stage": stage, "kind": kind, "channel": channel, "working_days": days}
            for stage, kind, channel, days in DEADLINE_RULES
        ],
    )


def downgrade():
    op.execute("DELETE FROM users WHERE role = 'custodian'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _role_check(ROLES_BEFORE))
    op.execute("DROP INDEX uq_deadline_rules_scope")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('is_protected')

    op.drop_table('retaliation_checkins')
    with op.batch_alter_table('identity_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_identity_requests_pending_case', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_identity_requests_case_id'))

    op.drop_table('identity_requests')
    with op.batch_alter_table('handling_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handling_feedback_case_id'))

    op.drop_table('handling_feedback')
    with op.batch_alter_table('case_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_extensions_case_id'))

    op.drop_table('case_extensions')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))

    op.drop_table('attachments')
    op.drop_table('supervisor_profiles')
    with op.batch_alter_table('supervisor_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisor_conflicts_user_id'))

    op.drop_table('supervisor_conflicts')
    op.drop_table('deadline_rules')
