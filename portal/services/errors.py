"""Errors the services raise when a rule of the domain refuses a request."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request; ``message`` is shown to the user, in their language.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
