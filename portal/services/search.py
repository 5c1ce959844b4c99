"""The search index of cases: keeping each case's tokens, and narrowing a query to matches."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, column, func, literal, select, table

from portal import search
from portal.extensions import db
from portal.models import Case, CaseSearch

#: SQLite's FTS5 index over ``case_search.tokens`` (rowid = case id), kept by triggers.
_FTS = table("case_search_fts", column("rowid"), column("case_search_fts"))


def case_tokens(title: str, body: str) -> str:
    """Return the search tokens of a case's title and body."""
    return search.tokenize(f"{title}\n{body}")


def index_case(case: Case) -> CaseSearch:
    """Write or refresh the search tokens of a case's title and body, and flush."""
    tokens = case_tokens(case.title, case.body)
    row = db.session.get(CaseSearch, case.id)
    if row is None:
        row = CaseSearch(case_id=case.id, tokens=tokens)
        db.session.add(row)
    elif row.tokens != tokens:
        row.tokens = tokens
    db.session.flush()
    return row


def search_cases(query: Select, text: str) -> tuple[Select, ColumnElement[int]]:
    """Narrow a query of cases to those whose title or body holds the text.

    Return the query and the column to order and cut pages by: on SQLite the FTS5 rowid
    (the case id), which lets FTS5 hand over matches newest first and stop after a page,
    instead of collecting every match; elsewhere the case id itself.
    """
    terms = search.query_terms(text)
    if not terms:
        return query, Case.id
    if db.session.get_bind().dialect.name != "postgresql":
        match = _FTS.c.case_search_fts.match(search.fts5_query(terms))
        return query.join(_FTS, _FTS.c.rowid == Case.id).where(match), _FTS.c.rowid
    # The GIN index answers "has all these tokens" exactly, without rechecking rows; a phrase
    # (<->) would make it recompute to_tsvector on every candidate. Order within a phrase
    # is checked on the token string instead, which costs little even where the planner
    # walks the newest cases one by one: it evaluates the cheap test first.
    indexed = search.tsvector(CaseSearch.tokens).bool_op("@@")(search.tsquery(terms))
    found = select(CaseSearch.case_id).where(indexed, *_in_order(terms))
    return query.where(Case.id.in_(found)), Case.id


def _in_order(terms: list[search.Term]) -> list[ColumnElement[bool]]:
    """Return the token-string tests of the terms: each phrase, word or prefix in place."""
    padded = literal(" ") + CaseSearch.tokens + literal(" ")
    return [func.strpos(padded, search.token_pattern(term)) > 0 for term in terms]
