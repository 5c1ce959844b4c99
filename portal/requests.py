"""The portal's request: url-encoded forms are read the way multipart ones are.

Werkzeug keeps a percent-escape that is not UTF-8 (``%FF``) as those three characters, so a
form sent url-encoded would store ``%FF`` where a multipart one shows U+FFFD, which the
forms refuse with a clear message (:class:`portal.forms.PlainText`). Here both read as U+FFFD.
"""

from __future__ import annotations

import typing as t
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.formparser import FormDataParser


class FormParser(FormDataParser):
    """Decode url-encoded forms with U+FFFD for every byte that is not UTF-8."""

    def _parse_urlencoded(
        self,
        stream: t.IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str],
    ) -> tuple[t.IO[bytes], MultiDict, MultiDict]:
        text = stream.read().decode("utf-8", "replace")
        items = parse_qsl(text, keep_blank_values=True, errors="replace")
        return stream, self.cls(items), self.cls()


class PortalRequest(Request):
    """Flask's request, with the form parser above."""

    form_data_parser_class = FormParser
