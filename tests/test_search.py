"""Search: Chinese is found by character bigrams, on SQLite (FTS5) and PostgreSQL alike."""

import pytest
from sqlalchemy import text

from portal.extensions import db
from portal.models import Role
from portal.search import fts5_query, query_terms, tokenize
from portal.services.queue import QueueFilter, queue_page, queue_query
from portal.services.search import index_case
from tests.factories import add_user, build_city, make_case


def test_a_chinese_run_becomes_overlapping_bigrams_and_its_last_character():
    assert tokenize("窗口办事") == "窗口 口办 办事 事"


def test_a_single_character_is_its_own_token():
    assert tokenize("赌") == "赌"


def test_latin_words_and_digits_stay_whole_beside_chinese():
    assert tokenize("OA系统打12345热线") == "oa 系统 统打 打 12345 热线 线"


def test_full_width_letters_and_digits_read_as_ascii_in_lower_case():
    assert tokenize("ＡＰＰ１２３ WiFi") == "app123 wifi"


def test_punctuation_and_spaces_separate_runs():
    assert tokenize("窗口，办事 难!") == "窗口 口 办事 事 难"


def test_a_query_is_a_phrase_of_its_bigrams():
    assert fts5_query(query_terms("窗口办事")) == '"窗口 口办 办事"'


def test_a_one_character_query_is_a_prefix():
    assert fts5_query(query_terms("赌")) == '"赌"*'


def test_every_part_of_a_query_must_match():
    assert fts5_query(query_terms("窗口 WiFi")) == '"窗口" AND "wifi"'


def test_a_query_of_punctuation_only_has_no_terms():
    assert query_terms("，。!?") == []


@pytest.fixture
def searchable(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    queueing, _ = make_case(city.bureau, title="窗口办事排队太久", body="大厅的WiFi连不上。")
    drinking, _ = make_case(city.district, title="工作日中午饮酒", body="在食堂喝酒。")
    db.session.commit()
    return handler, queueing, drinking


def _found(user, query):
    return [case.number for case in queue_page(user, QueueFilter(text=query)).cases]


def test_a_chinese_phrase_is_found_through_the_queue(searchable):
    handler, queueing, _drinking = searchable

    assert _found(handler, "办事排队") == [queueing.number]


def test_the_same_characters_in_another_order_are_not_found(searchable):
    handler, _queueing, _drinking = searchable

    assert _found(handler, "排队办事") == []


def test_a_phrase_nobody_wrote_finds_nothing(searchable):
    handler, _queueing, _drinking = searchable

    assert _found(handler, "赌博") == []


def test_one_character_finds_every_case_holding_it(searchable):
    handler, _queueing, drinking = searchable

    assert _found(handler, "酒") == [drinking.number]


def test_a_latin_word_is_found_whatever_its_case(searchable):
    handler, queueing, _drinking = searchable

    assert _found(handler, "wifi") == [queueing.number]


def test_a_latin_word_is_not_found_inside_a_longer_one(searchable):
    handler, queueing, _drinking = searchable

    assert _found(handler, "wi") == []
    assert _found(handler, "wifi连不上") == [queueing.number]


def test_an_edited_case_is_found_by_its_new_words(searchable):
    handler, queueing, _drinking = searchable
    queueing.body = "只开了一个窗口。"
    index_case(queueing)

    assert _found(handler, "一个窗口") == [queueing.number]
    assert _found(handler, "wifi") == []


def test_postgresql_searches_through_the_gin_expression_index(searchable):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    handler, _queueing, _drinking = searchable
    query = queue_query(handler, QueueFilter(text="办事排队"))
    sql = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    # Whatever earlier tests left in the table's statistics, only an index that matches the
    # search's expression can serve it: no sequential scan, no walk down the primary key.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_indexscan = off"))

    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {sql}")))

    assert "ix_case_search_tsv" in plan
