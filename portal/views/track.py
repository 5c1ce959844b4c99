"""Tracking a case with its number and receipt, adding to it, and leaving it."""

from __future__ import annotations

import time

from flask import abort, current_app, flash, g, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.errors import keeps_text_on_csrf_failure, keeps_text_on_rate_limit
from portal.evidence_files import evidence_response
from portal.extensions import db, limiter
from portal.forms import ConfirmForm, InformationForm, TrackForm
from portal.models import Case
from portal.services.errors import DomainError
from portal.services.evidence import clean_uploads, find_file, reporter_files
from portal.services.intake import add_information
from portal.services.item_board import linked_items
from portal.services.tracking import find_tracked_case
from portal.views import public
from portal.views.limits import form_expired, recorded, submit_limit, track_limit
from portal.views.pages import no_store, render_form
from portal.views.timeline import (
    conversation,
    from_staff,
    refusal,
    takes_information,
    timeline,
)

TRACK_KEY = "track"


@public.route("/track", methods=["GET", "POST"])
@keeps_text_on_csrf_failure
@limiter.limit(track_limit, methods=["POST"], exempt_when=form_expired)
@no_store
def track():
    """Ask for a case number and receipt, and open the case they match."""
    form = TrackForm()
    if not form.is_submitted() or g.get("csrf_failed") or not form.validate():
        return render_form("portal/track/start.html", form)
    case = find_tracked_case(form.number.data, form.receipt.data)
    if case is None:
        # One answer for a wrong receipt, a malformed one and an unknown number alike.
        form.form_errors.append(
            _(
                "We found no case with this number and receipt. Please check both and try "
                "again. If the receipt is lost, call the hotline with your case number."
            )
        )
        return render_form("portal/track/start.html", form)
    _remember(case)
    return redirect(url_for("public.tracked_case"), 303)


@public.get("/track/case")
@no_store
def tracked_case():
    """Show the tracked case: its status, history, replies and a form to add to it."""
    case = opened_case()
    if case is None:
        return back_to_start()
    return case_page(case, InformationForm(formdata=None))


@public.post("/track/case/information")
@keeps_text_on_rate_limit
@keeps_text_on_csrf_failure
@limiter.limit(submit_limit, methods=["POST"], deduct_when=recorded, exempt_when=form_expired)
@no_store
def add_case_information():
    """Add the reporter's further information, and any files, to the tracked case."""
    case = opened_case()
    if case is None:
        return back_to_start()
    form = InformationForm()
    if g.get("csrf_failed") or not form.validate():
        return case_page(case, form)
    try:
        files = clean_uploads(form.evidence.data)
        message = add_information(case, form.body.data or "", files)
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return case_page(case, form)
    db.session.commit()
    if message is not None:
        flash(_("Thank you. Your information was added to the case."), "success")
    if files:
        flash(
            ngettext("Your file was attached.", "Your %(num)d files were attached.", len(files)),
            "success",
        )
    return redirect(url_for("public.tracked_case"), 303)


@public.get("/track/case/files/<int:file_id>")
def case_file(file_id: int):
    """Send one of the files the reporter attached to the tracked case, as a download."""
    case = opened_case()
    if case is None:
        return back_to_start()
    attachment = find_file(case, file_id, reporters_only=True)
    if attachment is None:
        abort(404)
    return evidence_response(attachment)


@public.post("/track/leave")
def leave_case():
    """Stop showing the tracked case in this browser."""
    session.pop(TRACK_KEY, None)
    flash(_("You have left the case. To see it again, enter its number and receipt."))
    return redirect(url_for("public.track"), 303)


def case_page(case: Case, form: InformationForm):
    """Render the tracked case's page, with its information form blank or sent in vain."""
    return render_form(
        "portal/track/case.html",
        form,
        case=case,
        timeline=timeline(case),
        conversation=conversation(case),
        from_staff=from_staff,
        refusal=refusal(case),
        takes_information=takes_information(case),
        items=linked_items(case),
        own_files=reporter_files(case),
        leave_form=ConfirmForm(),
    )


def opened_case() -> Case | None:
    """Return the case this browser opened with its receipt, while the opening lasts."""
    tracked = session.get(TRACK_KEY)
    if not isinstance(tracked, dict) or not isinstance(tracked.get("case_id"), int):
        return None
    if tracked.get("until", 0) < time.time():
        session.pop(TRACK_KEY, None)
        return None
    return db.session.get(Case, tracked["case_id"])


def back_to_start():
    """Send the browser back to the track form, saying why the case is no longer shown."""
    flash(
        _(
            "To protect your case, it stays open in this browser only for a while. "
            "Please enter its number and receipt to see it."
        )
    )
    return redirect(url_for("public.track"), 303)


def _remember(case: Case) -> None:
    minutes = int(current_app.config["TRACK_SESSION_MINUTES"])
    session[TRACK_KEY] = {"case_id": case.id, "until": int(time.time()) + minutes * 60}
