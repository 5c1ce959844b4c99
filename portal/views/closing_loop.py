"""Closing the loop on the track page: the case's clock, the verdict on an answer, the check-in.

The track page includes a partial for each; :func:`closing_loop` gives them their values
(a context processor, so that the track views stay as they are). Their forms post here and,
sent in vain, come back on the track page with the text kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import flash, g, redirect, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from portal.clock import local_date
from portal.errors import keeps_text_on_csrf_failure, keeps_text_on_rate_limit
from portal.extensions import db, limiter
from portal.forms import InformationForm, PageForm
from portal.forms_feedback import CheckinForm, VerdictForm
from portal.models import Case, CaseExtension, HandlingFeedback, RetaliationCheckin, Satisfaction
from portal.services import deadlines, extensions, feedback
from portal.services.errors import DomainError
from portal.views import public, track
from portal.views.limits import form_expired, recorded, submit_limit
from portal.views.pages import no_store
from portal.workdays import calendar

#: ``flask.g`` keys: the forms posted in vain, and the values of this request's page.
POSTED_KEY, LOOP_KEY = "closing_loop_posted", "closing_loop"


@dataclass(frozen=True)
class ClosingLoop:
    """What the track page shows of the case's clock, verdicts and check-in."""

    clock: deadlines.Clock | None
    extensions: list[CaseExtension]
    #: The day the latest answer was sent, and how many working days after its due date.
    answered_on: date | None
    answered_late_by: int
    verdicts: list[HandlingFeedback]
    verdict_form: VerdictForm | None
    #: The case was reopened once for a dissatisfied verdict: later ones do not reopen it.
    reopen_used: bool
    checkin: RetaliationCheckin | None
    checkin_form: CheckinForm | None


@public.context_processor
def closing_loop_helpers() -> dict:
    """Give the track page's partials their values."""
    return {"closing_loop": closing_loop}


def closing_loop(case: Case) -> ClosingLoop:
    """Return the page's values for a case, once per request."""
    if LOOP_KEY not in g:
        setattr(g, LOOP_KEY, _values(case, g.get(POSTED_KEY, {})))
    return getattr(g, LOOP_KEY)


def _values(case: Case, posted: dict[str, PageForm]) -> ClosingLoop:
    verdicts = feedback.verdicts(case)
    answered_on, late_by = _answered(case)
    return ClosingLoop(
        clock=deadlines.case_clock(case),
        extensions=extensions.approved_extensions(case),
        answered_on=answered_on,
        answered_late_by=late_by,
        verdicts=verdicts,
        verdict_form=posted.get("verdict") or _blank(VerdictForm, feedback.answer_to_judge(case)),
        reopen_used=any(verdict.reopened for verdict in verdicts),
        checkin=feedback.checkin_of(case),
        checkin_form=posted.get("checkin") or _blank(CheckinForm, feedback.checkin_due(case)),
    )


def _answered(case: Case) -> tuple[date | None, int]:
    if case.status not in feedback.ANSWERED_STATUSES or case.answered_at is None:
        return None, 0
    day = local_date(case.answered_at)
    if case.due_on is None or day <= case.due_on:
        return day, 0
    return day, calendar().working_days_between(case.due_on, day)


def _blank(form_class: type[PageForm], asked) -> PageForm | None:
    return form_class(formdata=None) if asked else None


@public.post("/track/case/verdict")
@keeps_text_on_rate_limit
@keeps_text_on_csrf_failure
@limiter.limit(submit_limit, methods=["POST"], deduct_when=recorded, exempt_when=form_expired)
@no_store
def judge_answer():
    """Record the reporter's verdict on the answer to their case."""
    case = track.opened_case()
    if case is None:
        return track.back_to_start()
    form = VerdictForm()
    if not _valid(form):
        return _shown_again(case, "verdict", form)
    try:
        level = Satisfaction(form.satisfaction.data)
        verdict = feedback.record_verdict(case, level, form.reason.data or "")
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return _shown_again(case, "verdict", form)
    db.session.commit()
    flash(_verdict_recorded(verdict, case), "success")
    return redirect(url_for("public.tracked_case"), 303)


@public.post("/track/case/checkin")
@keeps_text_on_rate_limit
@keeps_text_on_csrf_failure
@limiter.limit(submit_limit, methods=["POST"], deduct_when=recorded, exempt_when=form_expired)
@no_store
def answer_checkin():
    """Record a confidential reporter's answer to the retaliation check-in."""
    case = track.opened_case()
    if case is None:
        return track.back_to_start()
    form = CheckinForm()
    if not _valid(form):
        return _shown_again(case, "checkin", form)
    faced = form.faced_retaliation.data == "yes"
    try:
        checkin = feedback.record_checkin(case, faced, form.description.data or "")
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return _shown_again(case, "checkin", form)
    db.session.commit()
    flash(_checkin_recorded(checkin), "success")
    return redirect(url_for("public.tracked_case"), 303)


def _valid(form: PageForm) -> bool:
    """Validate a form; one expired or refused by a limit says so itself, not the form below."""
    if g.pop("csrf_failed", False):
        g.form_expired_here = True
        form.form_errors.append(
            _refused_by_limit()
            if g.pop("rate_limited", False)
            else _(
                "This form had expired, so it was not sent. Your text is kept below: "
                "please check it and send it again."
            )
        )
        return False
    return form.validate()


def _refused_by_limit() -> str:
    """Say that the sending limit refused the form, and when to send it again."""
    retry_after = g.get("retry_after")
    if not retry_after:
        return _(
            "Too many attempts from this connection, so this was not sent. Your text is kept "
            "below: please send it again later."
        )
    minutes = (retry_after + 59) // 60
    return ngettext(
        "Too many attempts from this connection, so this was not sent. Your text is kept "
        "below: please send it again in %(num)d minute.",
        "Too many attempts from this connection, so this was not sent. Your text is kept "
        "below: please send it again in %(num)d minutes.",
        minutes,
    )


def _shown_again(case: Case, name: str, form: PageForm):
    """Show the track page again with a form sent in vain, its text and its errors."""
    g.pop(LOOP_KEY, None)
    setattr(g, POSTED_KEY, {name: form})
    page, _status = track.case_page(case, InformationForm(formdata=None))
    return page, 400 if g.get("form_expired_here") else 422


def _verdict_recorded(verdict: HandlingFeedback, case: Case) -> str:
    if verdict.reopened:
        return _(
            "Thank you. Your case is reopened: we will handle it again and answer by %(date)s.",
            date=format_date(case.due_on, "long"),
        )
    if verdict.satisfaction == Satisfaction.DISSATISFIED:
        return _(
            "Thank you, your verdict is recorded. Your case was reopened once already; the "
            "other ways to reach us are below."
        )
    return _("Thank you for telling us what you think of the handling.")


def _checkin_recorded(checkin: RetaliationCheckin) -> str:
    if checkin.protected_case is not None:
        return _(
            "Thank you for telling us. We opened a protected case, number %(number)s, which "
            "only the city's organization department handles.",
            number=checkin.protected_case.number,
        )
    return _("Thank you for answering.")
