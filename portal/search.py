"""Search tokens: Chinese found without a segmenter, by overlapping character bigrams.

Text is normalised (NFKC, so full-width letters and digits read as ASCII; then casefolded).
A run of CJK characters becomes its overlapping bigrams plus the run's last character alone,
so that every character of the text starts at least one token and a one-character query can
be a prefix match. Latin letters and digits become whole words. Everything else separates.

The same tokens are indexed by SQLite's FTS5 (``case_search_fts``) and by PostgreSQL's
``to_tsvector('simple', tokens)`` GIN index; :func:`fts5_query` and :func:`tsquery` (with
:func:`token_pattern` for the order of a phrase) turn a search box's text into a query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal_column

#: Han ideographs (with extensions and compatibility forms), kana and Hangul syllables.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_SEGMENTS = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")

#: The index's text-search configuration: no stemming, no stop words, just lower case.
TS_CONFIG = literal_column("'simple'")


@dataclass(frozen=True)
class Segment:
    """A run of CJK characters or one Latin/digit word of a text."""

    text: str
    is_cjk: bool


def segments(text: str) -> list[Segment]:
    """Split normalised text into CJK runs and words, dropping everything between them."""
    normal = unicodedata.normalize("NFKC", text or "").casefold()
    return [
        Segment(match.group(), match.lastgroup == "cjk") for match in _SEGMENTS.finditer(normal)
    ]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokenize(text: str) -> str:
    """Return the search tokens of a text, separated by spaces."""
    tokens: list[str] = []
    for segment in segments(text):
        if segment.is_cjk:
            tokens += _bigrams(segment.text)
            tokens.append(segment.text[-1])
        else:
            tokens.append(segment.text)
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One part of a query, all of which must match: a phrase of tokens, or a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


def query_terms(text: str) -> list[Term]:
    """Turn a search box's text into terms: bigram phrases, prefixes of lone characters, words."""
    terms = []
    for segment in segments(text):
        if not segment.is_cjk:
            terms.append(Term((segment.text,)))
        elif len(segment.text) == 1:
            terms.append(Term((segment.text,), prefix=True))
        else:
            terms.append(Term(tuple(_bigrams(segment.text))))
    return terms


def fts5_query(terms: list[Term]) -> str:
    """Return the FTS5 MATCH expression that needs every term: ``"窗口 口办" AND "王"*``."""

    def quoted(term: Term) -> str:
        phrase = '"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"'
        return phrase + "*" if term.prefix else phrase

    return " AND ".join(quoted(term) for term in terms)


def tsquery(terms: list[Term]) -> ColumnElement:
    """Return the PostgreSQL tsquery needing every token of every term (order aside).

    ``ix_case_search_tsv`` answers it exactly; :func:`token_pattern` then checks the order.
    """

    def lexeme(token: str, prefix: bool) -> str:
        # Tokens hold letters and digits only, but quote anyway: a tsquery is a language.
        return "'" + token.replace("'", "''") + "'" + (":*" if prefix else "")

    lexemes = [lexeme(token, term.prefix) for term in terms for token in term.tokens]
    return func.to_tsquery(TS_CONFIG, " & ".join(lexemes))


def token_pattern(term: Term) -> str:
    """Return what a token string padded with spaces contains where the term is found."""
    tokens = " ".join(term.tokens)
    return f" {tokens}" if term.prefix else f" {tokens} "


def tsvector(tokens: ColumnElement) -> ColumnElement:
    """Return ``to_tsvector('simple', tokens)``: the GIN index's own expression, to the letter."""
    return func.to_tsvector(TS_CONFIG, tokens)
