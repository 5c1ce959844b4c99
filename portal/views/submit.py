"""Raising an opinion, a report, a rating or praise, and the page that shows its receipt."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from portal.errors import keeps_text_on_csrf_failure, keeps_text_on_rate_limit
from portal.evidence_files import allow_files
from portal.extensions import db, limiter
from portal.forms import FORMS_BY_KIND, CaseForm
from portal.i18n import current_language
from portal.models import CaseKind
from portal.services.errors import DomainError
from portal.services.evidence import attach_files, clean_uploads
from portal.services.intake import submit_case
from portal.views import public
from portal.views.handover import hand_over_receipt, last_case_number, take_receipt
from portal.views.limits import form_expired, recorded, submit_limit
from portal.views.pages import no_store, render_form
from portal.views.pickers import cadre_is_offered, offer_choices

FORM_TEMPLATE = "portal/submit/form.html"
KINDS = {kind.value: kind for kind in CaseKind}
#: The button that shows a unit's cadres sends this; the form comes back without errors.
REFRESH = "refresh"
#: Fields a POST to a kind that does not exist may carry on to the right form.
CARRIED_FIELDS = frozenset(CaseForm.page_order)

# Registered with the blueprint, so it runs before the CSRF check reads any form.
public.before_app_request(allow_files)


@public.get("/submit")
def choose_kind():
    """Offer the four kinds of case."""
    return render_template("portal/submit/choose.html", kinds=list(CaseKind))


@public.route("/submit/<kind>", methods=["GET", "POST"])
@keeps_text_on_rate_limit
@keeps_text_on_csrf_failure
@limiter.limit(submit_limit, methods=["POST"], deduct_when=recorded, exempt_when=form_expired)
def submit_form(kind: str):
    """Show the form of one kind of case and record the case it sends."""
    case_kind = KINDS.get(kind)
    if case_kind is None:
        return unknown_kind()
    form = FORMS_BY_KIND[case_kind]()
    offer_choices(form, current_language())
    if not form.is_submitted() or g.get("csrf_failed"):
        return render_form(FORM_TEMPLATE, form, kind=case_kind)
    if request.form.get("action") == REFRESH:
        if not cadre_is_offered(form):
            form.cadre_id.data = None
        return render_form(FORM_TEMPLATE, form, kind=case_kind)
    if not form.validate():
        return render_form(FORM_TEMPLATE, form, kind=case_kind)
    return _record(form, case_kind)


def _record(form: CaseForm, kind: CaseKind):
    """Record the case and its files, or show the form again with the rule that refused them."""
    try:
        # Files are cleaned before the case is written: one bad file records nothing.
        files = clean_uploads(form.evidence.data)
        case, receipt = submit_case(form.to_submission(kind, current_language()))
        attach_files(case, files, arrived_with_case=True)
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return render_form(FORM_TEMPLATE, form, kind=kind)
    db.session.commit()
    hand_over_receipt(case, receipt)
    return redirect(url_for("public.submission_received"), 303)


def unknown_kind():
    """Say which kinds exist, carrying any text sent so that it can go to the right form."""
    carried = {
        name: value
        for name, value in request.form.items()
        if name in CARRIED_FIELDS and value.strip()
    }
    page = render_template("portal/submit/unknown_kind.html", kinds=list(CaseKind), carried=carried)
    return page, 404


@public.get("/submit/done")
@no_store
def submission_received():
    """Show the new case's number and receipt, once."""
    return render_template(
        "portal/submit/done.html", new_case=take_receipt(), last_number=last_case_number()
    )
