"""Publications awaiting approval: the second pair of eyes in the organization department.

An approver reads what would be published (beside what is published now, for a correction)
and approves or denies it; nobody decides on their own request, nor on a text they wrote.
A decision whose item changed meanwhile comes back with status 409 and the typed text kept.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from moderation import console
from moderation.forms import show_error
from moderation.forms_items import ApproveForm, DenyForm
from moderation.guard import add_nav_item, requires
from moderation.loading import load_or_404
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.models import PublicationRequest, RequestStatus
from portal.policy import Permission
from portal.services import item_publication, item_versions
from portal.services.errors import DomainError
from portal.services.items import StaleItem, item_in_scope


@console.get("/items/publications")
@requires(Permission.APPROVE_PUBLICATION)
def publications():
    """List the publications waiting for a decision on the items in the account's scope."""
    waiting = item_publication.pending_requests(current_user)
    written = {asked.id for asked in waiting if current_user.id in item_publication.authors(asked)}
    return render_template("moderation/items_publications.html", requests=waiting, written=written)


@console.get("/items/publications/<int:publication_id>")
@requires(Permission.APPROVE_PUBLICATION)
def publication(publication_id: int):
    """Show what a request would publish, beside what is published now, and the decision."""
    return render_request(load_request(publication_id))


@console.post("/items/publications/<int:publication_id>/approve")
@requires(Permission.APPROVE_PUBLICATION)
@keeps_text_on_csrf_failure
def approve_publication(publication_id: int):
    """Publish what the request asked for: fingerprinted, kept as a version, public."""
    return decide(publication_id, "approve")


@console.post("/items/publications/<int:publication_id>/deny")
@requires(Permission.APPROVE_PUBLICATION)
@keeps_text_on_csrf_failure
def deny_publication(publication_id: int):
    """Refuse what the request asked for, telling the unit why."""
    return decide(publication_id, "deny")


def decide(publication_id: int, decision: str):
    """Approve or deny a publication request, posted from its page."""
    asked = load_request(publication_id)
    form = ApproveForm() if decision == "approve" else DenyForm()
    if g.get("csrf_failed") or not form.validate():
        return render_request(asked, 400 if g.get("csrf_failed") else 422, (decision, form))
    try:
        if decision == "approve":
            item_publication.approve_publication(
                asked, current_user, form.version.data, form.change_note.data
            )
        else:
            item_publication.deny_publication(
                asked, current_user, form.version.data, form.note.data
            )
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return render_request(asked, 409 if isinstance(error, StaleItem) else 422, (decision, form))
    db.session.commit()
    flash(_("It is published.") if decision == "approve" else _("It is refused."), "success")
    return redirect(url_for("console.publications"), 303)


def load_request(publication_id: int) -> PublicationRequest:
    """Return a publication request on an item in the account's scope; else answer 404."""
    return load_or_404(
        PublicationRequest,
        publication_id,
        lambda found: item_in_scope(current_user, found.round.item),
    )


def render_request(
    asked: PublicationRequest, status: int = 200, posted: tuple[str, FlaskForm] | None = None
):
    """Render a request's page with the decision forms, a posted one with its text kept."""
    item, round_, kind = asked.round.item, asked.round, asked.kind
    seen = {"version": item.version}
    forms = {}
    refused = item_publication.refusal(asked, current_user)
    if refused and posted is None and _pending_elsewhere(asked):
        flash(refused, "info")  # the page's own notice speaks only to the requester
    if refused is None:
        forms = {
            "approve": ApproveForm(formdata=None, **seen),
            "deny": DenyForm(formdata=None, **seen),
        }
    if posted is not None:
        posted[1].version.data = item.version  # sent again after reading the changes, it goes
        forms[posted[0]] = posted[1]
    published = item_versions.versions(round_, kind)
    page = render_template(
        "moderation/items_request.html",
        asked=asked,
        item=item,
        forms=forms,
        proposed=item_versions.proposed_text(round_, kind),
        current=item_versions.read_version(published[-1]) if published else None,
        correction=item_publication.is_correction(asked),
        unit_name=lambda _unit_id, name: name,
    )
    return page, status


def _pending_elsewhere(asked: PublicationRequest) -> bool:
    """Tell whether a pending request was asked for by someone other than the reader."""
    return asked.status == RequestStatus.PENDING and asked.requested_by_id != current_user.id


add_nav_item(
    "console.publications",
    _l("Publications awaiting approval"),
    Permission.APPROVE_PUBLICATION,
    order=41,
)
