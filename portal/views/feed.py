"""The Atom feed of the published commitments and results, newest first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, make_response, render_template, url_for
from flask_babel import gettext as _

from portal.models import PublicationKind, utcnow
from portal.services.item_board import FeedEntry, feed_entries
from portal.views import public

#: Characters XML 1.0 forbids; staff text pasted from elsewhere may carry them.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class AtomEntry:
    """An entry as the feed writes it."""

    id: str
    title: str
    link: str
    author: str
    published: str
    updated: str
    #: The entry's HTML, as a plain string: the template escapes it into the XML.
    html: str


@public.get("/feed.atom")
def feed():
    """Publish the commitments and results as an Atom 1.0 feed, the latest first."""
    entries = feed_entries()
    updated = max((e.text.version.published_at for e in entries), default=utcnow())
    body = render_template(
        "portal/feed.xml",
        entries=[_atom_entry(entry, _tag_authority()) for entry in entries],
        updated=_rfc3339(updated),
        feed_url=absolute_url("public.feed"),
        board_url=absolute_url("public.items"),
    )
    response = make_response(NOT_XML.sub("", body))
    response.mimetype = "application/atom+xml"
    return response


def _atom_entry(entry: FeedEntry, authority: str) -> AtomEntry:
    item, number = entry.item, entry.round_number
    if entry.kind == PublicationKind.COMMITMENT:
        title = _("Commitment: %(title)s", title=entry.text.title)
    else:
        title = _("Result: %(title)s", title=entry.text.title)
    if number > 1:
        title = _("%(title)s (round %(number)d)", title=title, number=number)
    # Minted once from the day of first publication, the id never changes with corrections.
    tag = f"tag:{authority},{entry.published.astimezone(UTC).date().isoformat()}:"
    html = render_template("portal/_item_feed_entry.html", entry=entry)
    return AtomEntry(
        id=tag + f"items/{item.id}/rounds/{number}/{entry.kind.value}",
        title=title,
        link=absolute_url("public.item", item_id=item.id) + f"#round-{number}",
        author=entry.text.unit,
        published=_rfc3339(entry.published),
        updated=_rfc3339(entry.text.version.published_at),
        html=str(html),
    )


def absolute_url(endpoint: str, **values) -> str:
    """Return a page's absolute address, on PUBLIC_BASE_URL when it is set.

    A feed is read far from the request that fetched it: its links and ids must carry the
    address citizens reach, whichever address the feed reader came through.
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _tag_authority() -> str:
    """Return the host name that mints the entries' tag URIs (a port has no place there)."""
    return urlsplit(absolute_url("public.feed")).hostname or "localhost"


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
