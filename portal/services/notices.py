"""Public notices (公示): an item's commitment as an A4 PDF in Chinese, to post on the wall.

The notice reads what the public reads, the newest approved version of the commitment with
its fingerprint, signed by the responsible unit, never a person. WeasyPrint lays it out in
Noto Sans CJK SC (Debian's fonts-noto-cjk), which it embeds, so that it prints alike
anywhere. It fetches nothing: its QR codes, to the item's page and to its vote, are data:
URIs, and any other address is refused. The links printed on it are absolute, on
``PUBLIC_BASE_URL`` when the site sits behind an address the request does not show.

WeasyPrint is imported when a notice is made, not when the portal starts: it needs Pango
from the system, and a machine without it still serves everything else, answering a
request for a notice with :class:`NoticeUnavailable`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale

from portal.models import RectificationItem, ReviewRound, ReviewStatus
from portal.qr import public_url, qr_data_uri
from portal.services.item_board import RoundView, item_rounds
from portal.services.reviews import current_review

log = logging.getLogger(__name__)

#: The notice is written in the language of the wall it is posted on.
NOTICE_LOCALE = "zh_Hans"


class NoticeUnavailable(RuntimeError):
    """The system libraries WeasyPrint lays out with (Pango, HarfBuzz) are missing."""


@dataclass(frozen=True)
class Notice:
    """What a notice shows: the item, its published commitment, and where to follow it."""

    item: RectificationItem
    view: RoundView
    review: ReviewRound | None
    item_url: str
    vote_url: str | None


def item_notice(item: RectificationItem) -> Notice | None:
    """Return the notice of an item's latest published commitment, or None if there is none."""
    view = next((view for view in item_rounds(item) if view.commitment), None)
    if view is None:
        return None
    review = current_review(item) if view.round is item.current_round else None
    votes = review is not None and review.status != ReviewStatus.CLOSED
    return Notice(
        item=item,
        view=view,
        review=review if votes else None,
        item_url=public_url("public.item", item_id=item.id),
        vote_url=public_url("public.vote", item_id=item.id) if votes else None,
    )


def notice_pdf(notice: Notice) -> bytes:
    """Lay the notice out as an A4 PDF, in Chinese whatever the reader's language.

    Raises :class:`NoticeUnavailable` when WeasyPrint cannot load its system libraries.
    """
    try:
        from weasyprint import HTML, URLFetcher
    except (ImportError, OSError) as error:  # Pango missing (Debian: libpango-1.0-0)
        log.error("Notices cannot be made: WeasyPrint could not load Pango (%s)", error)
        raise NoticeUnavailable from error
    with force_locale(NOTICE_LOCALE):
        html = render_template(
            "portal/notice.html",
            notice=notice,
            item_qr=qr_data_uri(notice.item_url),
            vote_qr=qr_data_uri(notice.vote_url) if notice.vote_url else None,
        )
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
