"""The printable public notice of an item: an A4 PDF in Chinese, to post on the wall."""

from __future__ import annotations

from flask import abort, current_app, make_response

from portal.extensions import limiter
from portal.services.notices import NoticeUnavailable, item_notice, notice_pdf
from portal.views import public
from portal.views.votes import public_item


def notice_limit() -> str:
    """Return the limit on notices made for one client address (each takes a moment)."""
    return current_app.config["NOTICE_RATE_LIMIT"]


@public.get("/items/<int:item_id>/notice.pdf")
@limiter.limit(notice_limit)
def item_notice_pdf(item_id: int):
    """Send the notice of an item's published commitment, with QR codes to follow and vote."""
    notice = item_notice(public_item(item_id))
    if notice is None:
        abort(404)
    try:
        pdf = notice_pdf(notice)
    except NoticeUnavailable:
        abort(503)
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="notice-item-{item_id}.pdf"'
    # Cached briefly: a corrected commitment or a new round reaches the wall within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
