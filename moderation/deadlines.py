"""Administration of the deadline rules, and the warning when a year's holidays are missing."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from moderation import console
from moderation.forms import form_status, show_error
from moderation.forms_clock import DeadlineRuleForm
from moderation.guard import add_nav_item, requires
from moderation.loading import load_or_404
from portal.extensions import db
from portal.models import DeadlineRule
from portal.policy import Permission, can
from portal.services import deadline_rules, deadlines
from portal.services.errors import DomainError


@console.get("/deadlines")
@requires(Permission.MANAGE_DEADLINES)
def deadline_rules_list():
    """List the deadline rules, most general first, and warn of missing holiday schedules."""
    rules = sorted(deadlines.rules(), key=lambda rule: (rule.stage.value, rule.specificity))
    return render_template(
        "moderation/deadline_rules.html",
        rules=rules,
        is_default=deadline_rules.is_default,
        may_manage=deadline_rules.may_manage(current_user),
        missing_years=deadlines.missing_schedules(),
        delete_form=FlaskForm(),
    )


@console.route("/deadlines/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_DEADLINES)
def new_deadline_rule():
    """Add a rule for a kind of case and/or a channel."""
    form = DeadlineRuleForm()
    if form.validate_on_submit():
        try:
            deadline_rules.add_rule(current_user, form.terms())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return _saved(_("The rule is added."))
    page = render_template("moderation/deadline_rules_edit.html", form=form, rule=None)
    return page, form_status(form)


@console.route("/deadlines/<int:rule_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_DEADLINES)
def edit_deadline_rule(rule_id: int):
    """Change a rule's working days (and, but for a default rule, what it applies to)."""
    rule = _load_rule(rule_id)
    form = DeadlineRuleForm(obj=rule)
    if form.validate_on_submit():
        try:
            changed = deadline_rules.change_rule(current_user, rule, form.terms())
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            return _saved(_("The rule is saved.") if changed else _("Nothing was changed."))
    page = render_template("moderation/deadline_rules_edit.html", form=form, rule=rule)
    return page, form_status(form)


@console.post("/deadlines/<int:rule_id>/delete")
@requires(Permission.MANAGE_DEADLINES)
def delete_deadline_rule(rule_id: int):
    """Delete a rule for a kind or channel; its cases fall to a wider rule."""
    rule = _load_rule(rule_id)
    try:
        deadline_rules.delete_rule(current_user, rule)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("console.deadline_rules_list"), 303)
    return _saved(_("The rule is deleted."))


@console.context_processor
def holiday_warning() -> dict:
    """Let the console's first page warn administrators of missing holiday schedules."""

    def missing_holiday_years() -> list[int]:
        if current_user.is_authenticated and can(current_user, Permission.MANAGE_DEADLINES):
            return deadlines.missing_schedules()
        return []

    return {"missing_holiday_years": missing_holiday_years}


def _saved(message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("console.deadline_rules_list"), 303)


def _load_rule(rule_id: int) -> DeadlineRule:
    return load_or_404(DeadlineRule, rule_id)


add_nav_item(
    "console.deadline_rules_list", _l("Deadline rules"), Permission.MANAGE_DEADLINES, order=85
)
