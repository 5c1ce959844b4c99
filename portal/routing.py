"""URL converters: an id in a URL is a number a row can have.

Werkzeug's ``int`` takes any number of digits; a number past PostgreSQL's ``integer`` would
reach the database and fail there (SQLite cannot even bind it). Ours matches no route then,
so the answer is the usual 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from portal.forms import MAX_ID


class IdConverter(IntegerConverter):
    """A whole number from 0 to :data:`portal.forms.MAX_ID`, unless a rule asks for less."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    """Make ``<int:...>`` in every rule an id; call before any rule is added."""
    app.url_map.converters["int"] = IdConverter
