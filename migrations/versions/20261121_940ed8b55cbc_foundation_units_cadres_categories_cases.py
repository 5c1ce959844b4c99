"""Foundation: units, cadres, posts, categories, cases, their messages and events.

Revision ID: 940ed8b55cbc
Revises: 
Create Date: 2026-11-21 01:41:46.559284

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '940ed8b55cbc'
down_revision = None
branch_labels = None
depends_on = None

#: The categories the portal starts with: the eight prohibitions on the conduct of
#: organization cadres, then the other kinds of problems.
CATEGORIES = [
    ("fraud_inaction", "弄虚作假、欺上瞒下、不作为", "Fraud, deceiving superiors and subordinates, or inaction", True),
    ("drinking", "工作日中午饮酒、酗酒误事", "Drinking at noon on working days, or drinking that affects work", True),
    ("gifts_banquets", "公务活动中收受礼品、接受宴请", "Accepting gifts or banquets in official activities", True),
    ("appointment_leaks", "打听、泄露干部任免信息", "Snooping into or leaking information on cadre appointments", True),
    ("excessive_demands", "向基层提出职责范围以外的要求", "Demands on the grassroots beyond one's remit", True),
    ("obstructing_grassroots", "故意刁难基层、吃拿卡要", "Making things hard for the grassroots, \"eating, taking and carding\"", True),
    ("gambling", "参与赌博", "Gambling", True),
    ("games_at_work", "工作时间打牌、下棋、玩电脑游戏等", "Cards, chess or computer games in working hours, or other things unrelated to work", True),
    ("selection_violations", "选人用人违规", "Violations in cadre selection and appointment", False),
    ("work_style", "工作作风", "Work style", False),
    ("service_efficiency", "办事效率", "Service efficiency", False),
    ("integrity", "廉洁自律", "Integrity", False),
    ("other", "其他", "Other", False),
]


def upgrade():
    op.create_table('cadres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_cadres_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadres'))
    )
    op.create_table('case_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_counters'))
    )
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=False),
    sa.Column('is_prohibition', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(code) > 0 AND length(name) > 0', name=op.f('ck_categories_names_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=160), nullable=True),
    sa.Column('kind', sa.Enum('committee', 'organization_department', 'district', 'county', 'department', 'institution', 'township', name='unit_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_units_name_not_empty')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('path', name=op.f('uq_units_path'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('title_en', sa.String(length=160), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_posts_ends_after_start')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_posts_title_not_empty')),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadres.id'], name=op.f('fk_posts_cadre_id_cadres')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_posts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('id', 'cadre_id', name='uq_posts_id_cadre_id')
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index('ix_posts_unit_id_ends_on', ['unit_id', 'ends_on'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.Enum('opinion', 'report', 'rating', 'praise', name='case_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('web', 'hotline', 'letter', 'visit', 'suggestion_box', 'questionnaire', 'onsite_visit', 'supervisor', 'leader_referral', 'agency_referral', name='channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('received', 'accepted', 'rejected', 'assigned', 'in_progress', 'answered', 'closed', 'merged', name='case_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('event_place', sa.String(length=200), nullable=True),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('reporter_mode', sa.Enum('anonymous', 'confidential', 'named', name='reporter_mode', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('contact_ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('contact_key', sa.LargeBinary(), nullable=True),
    sa.Column('score_fairness', sa.SmallInteger(), nullable=True),
    sa.Column('score_style', sa.SmallInteger(), nullable=True),
    sa.Column('score_efficiency', sa.SmallInteger(), nullable=True),
    sa.Column('score_integrity', sa.SmallInteger(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'rating' AND score_fairness IS NOT NULL AND score_style IS NOT NULL AND score_efficiency IS NOT NULL AND score_integrity IS NOT NULL) OR (kind <> 'rating' AND score_fairness IS NULL AND score_style IS NULL AND score_efficiency IS NULL AND score_integrity IS NULL)", name=op.f('ck_cases_scores_match_kind')),
    sa.CheckConstraint("(reporter_mode = 'anonymous' AND contact_ciphertext IS NULL AND contact_key IS NULL) OR (reporter_mode <> 'anonymous' AND contact_ciphertext IS NOT NULL AND contact_key IS NOT NULL)", name=op.f('ck_cases_contact_matches_mode')),
    sa.CheckConstraint("kind <> 'report' OR category_id IS NOT NULL", name=op.f('ck_cases_report_has_category')),
    sa.CheckConstraint("kind = 'rating' OR length(body) > 0", name=op.f('ck_cases_body_not_empty')),
    sa.CheckConstraint('length(title) > 0', name=op.f('ck_cases_title_not_empty')),
    sa.CheckConstraint('post_id IS NULL OR cadre_id IS NOT NULL', name=op.f('ck_cases_post_needs_cadre')),
    sa.CheckConstraint('score_efficiency BETWEEN 1 AND 5', name=op.f('ck_cases_score_efficiency_range')),
    sa.CheckConstraint('score_fairness BETWEEN 1 AND 5', name=op.f('ck_cases_score_fairness_range')),
    sa.CheckConstraint('score_integrity BETWEEN 1 AND 5', name=op.f('ck_cases_score_integrity_range')),
    sa.CheckConstraint('score_style BETWEEN 1 AND 5', name=op.f('ck_cases_score_style_range')),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadres.id'], name=op.f('fk_cases_cadre_id_cadres')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_cases_category_id_categories')),
    sa.ForeignKeyConstraint(['post_id', 'cadre_id'], ['posts.id', 'posts.cadre_id'], name='fk_cases_post_id_cadre_id_posts'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_cases_receipt_hash'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_unit_id'), ['unit_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.Enum('received', 'accepted', 'rejected', 'assigned', 'in_progress', 'answered', 'closed', 'merged', name='event_from_status', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_status', sa.Enum('received', 'accepted', 'rejected', 'assigned', 'in_progress', 'answered', 'closed', 'merged', name='event_to_status', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('actor_kind', sa.Enum('reporter', 'staff', 'system', name='actor_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('from_reporter', 'to_reporter', name='message_direction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_case_messages_body_not_empty')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_messages_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_case_id'), ['case_id'], unique=False)

    categories = sa.table(
        "categories",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_en", sa.String),
        sa.column("is_prohibition", sa.Boolean),
        sa.column("sort_order", sa.Integer),
        sa.column("is_active", sa.Boolean),
    )
    op.bulk_insert(
        categories,
        [
            {
                "code": code,
                "name": name,
                "name_en": name_en,
                "is_prohibition": is_prohibition,
                "sort_order": position,
                "is_active": True,
            }
            for position, (code, name, name_en, is_prohibition) in enumerate(CATEGORIES, 1)
        ],
    )


def downgrade():
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_case_id'))

    op.drop_table('case_messages')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cases_cadre_id'))

    op.drop_table('cases')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_unit_id_ends_on')
        batch_op.drop_index(batch_op.f('ix_posts_cadre_id'))

    op.drop_table('posts')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))

    op.drop_table('units')
    op.drop_table('categories')
    op.drop_table('case_counters')
    op.drop_table('cadres')
