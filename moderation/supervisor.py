"""The image supervisors' workspace: redacted cases of their jurisdiction, comments, findings.

Supervisors read no contact details, no evidence files and nothing of the reporter: the
reporter's own words come redacted (``portal.services.redaction``). They record what they
observe as findings of their own channel, comment for the staff, and declare (and withdraw)
the units they have a conflict of interest with.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from moderation import console
from moderation.cases import EVENT_LABELS
from moderation.dashboard import add_dashboard_panel
from moderation.forms import show_error
from moderation.forms_supervision import (
    CommentForm,
    ConflictForm,
    FindingForm,
    SupervisionFilterForm,
)
from moderation.guard import add_nav_item, refuse, requires
from moderation.loading import load_or_404
from portal.clock import local_today
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.forms import optional_id
from portal.i18n import current_language
from portal.models import Case, Post, Role, Unit, User
from portal.policy import Permission, unit_in_scope
from portal.services import supervisors
from portal.services.errors import DomainError
from portal.views.pickers import category_picker


@console.get("/supervision")
@requires(Permission.SUPERVISE)
def supervision():
    """List the cases of the supervisor's jurisdiction, newest first, their texts redacted."""
    form = SupervisionFilterForm(formdata=request.args)
    valid = form.validate()
    page = None
    if valid:
        after, before = (request.args.get(key, type=optional_id) for key in ("after", "before"))
        page = supervisors.supervision_page(
            current_user, form.supervision_filter(), after=after, before=before
        )
    filters = {k: v for k, v in request.args.items() if k in ("status", "kind")}
    html = render_template("moderation/supervision.html", form=form, page=page, filters=filters)
    return html, 200 if valid else 400


@console.get("/supervision/<number>")
@requires(Permission.SUPERVISE)
def supervised_case(number: str):
    """Show a case of the jurisdiction, redacted: facts, public history, answers, comments."""
    return _case_page(_load_supervised(number))


@console.post("/supervision/<number>/comments")
@requires(Permission.SUPERVISE)
@keeps_text_on_csrf_failure
def add_supervision_comment(number: str):
    """Add an image supervisor's comment to a case, for the staff who handle it."""
    case = _load_supervised(number)
    form = CommentForm()
    if g.get("csrf_failed") or not form.validate():
        return _case_page(case, form, 400 if g.get("csrf_failed") else 422)
    try:
        supervisors.add_comment(case, current_user, form.body.data)
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return _case_page(case, form, 422)
    db.session.commit()
    flash(_("Your comment is added. The staff handling the case read it."), "success")
    return redirect(url_for("console.supervised_case", number=case.number), 303)


@console.route("/supervision/findings/new", methods=["GET", "POST"])
@requires(Permission.SUPERVISE)
@keeps_text_on_csrf_failure
def record_finding():
    """Record what the supervisor observed as a case of the image supervisors' channel."""
    form = FindingForm()
    _offer_finding_choices(form)
    if not form.is_submitted() or g.get("csrf_failed") or not form.validate():
        status = 400 if g.get("csrf_failed") else 422 if form.has_errors() else 200
        return render_template("moderation/supervision_finding.html", form=form), status
    try:
        case = supervisors.record_finding(current_user, form.to_submission())
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return render_template("moderation/supervision_finding.html", form=form), 422
    db.session.commit()
    flash(_("Your finding is recorded as case %(number)s.", number=case.number), "success")
    return redirect(url_for("console.supervised_case", number=case.number), 303)


@console.route("/supervision/conflicts", methods=["GET", "POST"])
@requires(Permission.SUPERVISE)
def supervision_conflicts():
    """Show the declared conflicts of interest, and declare another."""
    form = ConflictForm()
    form.set_choices(supervisors.finding_units(current_user), current_language())
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit.data)
        try:
            supervisors.declare_conflict(current_user, unit, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Declared. The cases of that unit no longer show to you."), "success")
            return redirect(url_for("console.supervision_conflicts"), 303)
    return _conflicts_page(form), 422 if form.errors or form.form_errors else 200


@console.post("/supervision/conflicts/<int:unit_id>/withdraw")
@requires(Permission.SUPERVISE)
def withdraw_supervision_conflict(unit_id: int):
    """Withdraw a declared conflict of interest: the unit's cases show to the supervisor again."""
    unit = load_or_404(Unit, unit_id, _may_withdraw)
    if supervisors.withdraw_conflict(current_user, unit):
        db.session.commit()
        flash(_("Withdrawn. The cases of that unit show to you again."), "success")
    else:
        flash(_("You had declared no conflict with that unit."), "info")
    return redirect(url_for("console.supervision_conflicts"), 303)


def _load_supervised(number: str) -> Case:
    """Return a case the supervisor may see, redacted; else answer 404 (as if not there)."""
    case = supervisors.supervised_case(current_user, number)
    if case is None:
        refuse(404, reason="scope")
    return case


def _may_withdraw(unit: Unit) -> bool:
    """Tell whether the unit is one of the jurisdiction, or one the supervisor declared."""
    declared = {conflict.unit_id for conflict in supervisors.declared_conflicts(current_user)}
    return unit_in_scope(current_user, unit) or unit.id in declared


def _case_page(case: Case, form: CommentForm | None = None, status: int = 200):
    page = render_template(
        "moderation/supervision_case.html",
        case=case,
        redacted=supervisors.redacted_case(case),
        form=form or CommentForm(formdata=None),
        event_label=lambda action: EVENT_LABELS.get(action, action),
    )
    return page, status


def _conflicts_page(form: ConflictForm) -> str:
    declared = supervisors.declared_conflicts(current_user)
    return render_template("moderation/supervision_conflicts.html", form=form, declared=declared)


def _offer_finding_choices(form: FindingForm) -> None:
    units = supervisors.finding_units(current_user)
    today = local_today()
    posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.cadre), joinedload(Post.unit))
        .where(Post.unit_id.in_([unit.id for unit in units]), Post.starts_on <= today)
        .where(or_(Post.ends_on.is_(None), Post.ends_on >= today))
        .order_by(Post.unit_id, Post.id)
    ).all()
    locale = current_language()
    form.set_choices(units, list(posts), category_picker(locale), locale)


def _dashboard_values(user: User) -> dict | None:
    if user.role != Role.SUPERVISOR:
        return None
    return {"summary": supervisors.supervisor_summary(user)}


add_nav_item("console.supervision", _l("Supervision"), Permission.SUPERVISE, order=25)
add_dashboard_panel("moderation/_supervision_dashboard.html", _dashboard_values, order=30)
