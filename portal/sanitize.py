"""The one way staff-written rich text becomes HTML.

Citizens write plain text, which Jinja escapes; they never get here. Staff text (answers,
commitments, notices) may carry a little formatting, cleaned by nh3, the Rust ammonia
library's binding. bleach, the usual choice, reached its end of life on 2026-06-05 with no
further releases, security fixes included.
"""

from __future__ import annotations

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitize_html(html: str) -> Markup:
    """Return staff-written HTML with everything but simple formatting and links removed."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704  (nh3 has just cleaned it)
