"""Evidence files on the case page: the list, downloading a file, and attaching files.

Downloading needs VIEW_CASES and the case in scope, so image supervisors, whose role gives
them neither, never get a file: a file can identify its reporter. Each download is audited.
"""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField

from moderation import console
from moderation.cases import add_case_panel, render_case
from moderation.forms import show_error
from moderation.guard import refuse, requires
from moderation.loading import load_case
from portal.evidence_files import evidence_response
from portal.extensions import db
from portal.models import Case
from portal.policy import Permission, can
from portal.services import evidence
from portal.services.errors import DomainError


class EvidenceForm(FlaskForm):
    """Files a staff member attaches to a case: scans of letters, photos, documents."""

    evidence = MultipleFileField(_l("Attach files"))


def panel_values(shown: Case) -> dict:
    """Return the case's files and, for those who may attach, the upload form."""
    return {
        "entries": evidence.case_evidence(shown),
        # An upload refused just now comes back with its errors (see attach_evidence).
        "form": g.get("evidence_form") or EvidenceForm(formdata=None),
        "can_attach": can(current_user, Permission.ATTACH_EVIDENCE),
    }


@console.get("/cases/<number>/files/<int:file_id>")
@requires(Permission.VIEW_CASES)
def evidence_file(number: str, file_id: int):
    """Send an evidence file of a case as a download; the download is audited."""
    shown = load_case(number)
    attachment = evidence.find_file(shown, file_id)
    if attachment is None:
        refuse(404, reason="missing")
    evidence.record_download(shown, attachment, current_user)
    db.session.commit()
    return evidence_response(attachment)


@console.post("/cases/<number>/files")
@requires(Permission.ATTACH_EVIDENCE)
def attach_evidence(number: str):
    """Clean and attach files to a case, or show the case page with what refused them."""
    shown = load_case(number)
    form = EvidenceForm()
    try:
        files = evidence.clean_uploads(form.evidence.data, required=True)
        evidence.attach_files(shown, files, uploaded_by=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        g.evidence_form = form
        return render_case(shown, 422)
    db.session.commit()
    flash(ngettext("The file is attached.", "%(num)d files are attached.", len(files)), "success")
    return redirect(url_for("console.case", number=shown.number, _anchor="evidence-files"), 303)


add_case_panel("moderation/_case_evidence.html", panel_values, column="main", order=40)
