"""Console: staff accounts, case workflow, internal notes, audit trail, search index.

Append-only tables (audit_events, case_events) refuse UPDATE and DELETE by trigger. SQLite
drops a table's triggers when batch mode rebuilds it: a later revision that alters these
tables in batch must create the triggers again (see ``append_only_sql``).

Revision ID: 0f024b06b5b7
Revises: 940ed8b55cbc
Create Date: 2026-11-21 01:45:43.836097

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0f024b06b5b7'
down_revision = '940ed8b55cbc'
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("audit_events", "case_events")

CASE_CHECKS = {
    "merged_has_master": "(status = 'merged' AND merged_into_id IS NOT NULL AND merged_into_id <> id)"
    " OR (status <> 'merged' AND merged_into_id IS NULL)",
    "rejected_has_reason": "(status = 'rejected' AND rejection_reason IS NOT NULL)"
    " OR (status <> 'rejected' AND rejection_reason IS NULL)",
    "handled_is_assigned": "status NOT IN ('assigned', 'in_progress', 'answered')"
    " OR assigned_unit_id IS NOT NULL",
    "answered_at_set": "status <> 'answered' OR answered_at IS NOT NULL",
    "closed_at_set": "status <> 'closed' OR closed_at IS NOT NULL",
}

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE case_search_fts USING fts5("
    "tokens, content='case_search', content_rowid='case_id', tokenize='unicode61')",
    "CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN "
    "INSERT INTO case_search_fts(rowid, tokens) VALUES (new.case_id, new.tokens); END",
    "CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN "
    "INSERT INTO case_search_fts(case_search_fts, rowid, tokens) "
    "VALUES ('delete', old.case_id, old.tokens); END",
    "CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN "
    "INSERT INTO case_search_fts(case_search_fts, rowid, tokens) "
    "VALUES ('delete', old.case_id, old.tokens); "
    "INSERT INTO case_search_fts(rowid, tokens) VALUES (new.case_id, new.tokens); END",
]

POSTGRES_SEARCH = [
    "CREATE INDEX ix_case_search_tsv ON case_search USING gin (to_tsvector('simple', tokens))",
]


def append_only_sql(dialect: str, table: str) -> list[str]:
    """Return the statements that make a table refuse UPDATE and DELETE."""
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change()"
        ]
    return [
        f"CREATE TRIGGER {table}_append_only_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def upgrade():
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'operator', 'handler', 'supervisor', 'officer', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('totp_secret', sa.LargeBinary(), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('failed_logins >= 0', name=op.f('ck_users_failed_logins_not_negative')),
    sa.CheckConstraint('length(display_name) > 0', name=op.f('ck_users_display_name_not_empty')),
    sa.CheckConstraint('length(username) > 0 AND username = lower(username)', name=op.f('ck_users_username')),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadres.id'], name=op.f('fk_users_cadre_id_cadres')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=32), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_events_prev_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_case_notes_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_search',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_search'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_events_actor_id_users'), 'users', ['actor_id'], ['id'])

    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_case_messages_author_id_users'), 'users', ['author_id'], ['id'])

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('handler_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.Enum('out_of_scope', 'spam', 'insufficient_detail', name='rejection_reason', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_assigned_unit_id'), ['assigned_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_assigned_unit_id_units'), 'units', ['assigned_unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_cases_merged_into_id_cases'), 'cases', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_cases_handler_id_users'), 'users', ['handler_id'], ['id'])
        for name, condition in CASE_CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_cases_{name}"), condition)

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
    for table in APPEND_ONLY_TABLES:
        for statement in append_only_sql(dialect, table):
            op.execute(statement)
    for statement in POSTGRES_SEARCH if dialect == "postgresql" else SQLITE_SEARCH:
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP INDEX ix_case_search_tsv")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION refuse_append_only_change()")
    else:
        for name in ("case_search_ai", "case_search_ad", "case_search_au"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE case_search_fts")
        for table in APPEND_ONLY_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_append_only_{verb}")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in CASE_CHECKS:
            batch_op.drop_constraint(op.f(f"ck_cases_{name}"), type_="check")
        if dialect == "sqlite":
            # PostgreSQL drops a column's CHECK with the column; SQLite's rebuild must be told.
            batch_op.drop_constraint(op.f("ck_cases_rejection_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f('fk_cases_handler_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_merged_into_id_cases'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_assigned_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cases_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_cases_handler_id'))
        batch_op.drop_index(batch_op.f('ix_cases_assigned_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cases_due_on'))
        batch_op.drop_column('due_on')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('handler_id')
        batch_op.drop_column('assigned_unit_id')

    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_messages_author_id_users'), type_='foreignkey')
        batch_op.drop_column('author_id')

    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_events_actor_id_users'), type_='foreignkey')
        batch_op.drop_column('actor_id')

    op.drop_table('case_search')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
