"""The audit trail in the console: administrators browse it and have its chain verified.

Pages are cut by keyset on ``seq`` (newest first), so a deep page costs what the first one
does. Verifying the chain is itself written to the trail, with its result. Browsing is not:
the trail names staff and objects, never a reporter, and a row per page turned would bury
the acts it is there to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, func, select

from moderation import console
from moderation.forms_audit import AuditFilterForm
from moderation.guard import add_nav_item, requires
from portal.clock import local_zone
from portal.extensions import db
from portal.forms import optional_id
from portal.models import AuditEvent
from portal.policy import Permission, reads_whole_trail
from portal.services import audit
from portal.services.audit import ChainProblem

PAGE_SIZE = 50
#: Problems named in the flash after a failed verification; the command line lists them all.
PROBLEMS_SHOWN = 10
EXACT_FILTERS = ("object_type", "object_id")
TYPED_FILTERS = ("action", "actor", *EXACT_FILTERS)
PROBLEM_KINDS = {"edited": _l("edited"), "inserted": _l("inserted"), "deleted": _l("deleted")}


@dataclass(frozen=True)
class TrailPage:
    """One page of the trail, newest first, with the cursors to its neighbours."""

    events: list[AuditEvent]
    #: Pass as ``after`` for the next (older) page, or None on the last page.
    after: int | None = None
    #: Pass as ``before`` for the previous (newer) page, or None on the first page.
    before: int | None = None


def _whole_trail_readers_only() -> None:
    if not reads_whole_trail(current_user):
        abort(403)


@console.get("/audit", endpoint="audit")
@requires(Permission.VIEW_AUDIT)
def audit_trail():
    """List the trail's events, newest first, narrowed by the filters."""
    _whole_trail_readers_only()
    form = AuditFilterForm(formdata=request.args)
    page = None
    if form.validate():
        after, before = (request.args.get(key, type=optional_id) for key in ("after", "before"))
        page = trail_page(conditions(form), after=after, before=before)
    html = render_template(
        "moderation/audit.html",
        form=form,
        page=page,
        filters=form.active(),
        verify_form=FlaskForm(),
    )
    response = make_response(html, 200 if page is not None else 400)
    response.headers["Cache-Control"] = "no-store"
    return response


@console.post("/audit/verify")
@requires(Permission.VIEW_AUDIT)
def audit_verify():
    """Verify the whole chain now and say what was found; the check itself is audited."""
    _whole_trail_readers_only()
    problems = list(audit.verify_chain())
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    head = audit.chain_head()
    audit.record(
        "audit.verify",
        actor=current_user._get_current_object(),
        details={"events": count, "problems": len(problems), "head": head.seq if head else 0},
    )
    db.session.commit()
    _flash_result(problems, count, head)
    return redirect(url_for("console.audit"), 303)


def conditions(form: AuditFilterForm) -> list[ColumnElement[bool]]:
    """Return the SQL conditions the filters describe."""
    typed = {name: (form[name].data or "").strip() for name in TYPED_FILTERS}
    found: list[ColumnElement[bool]] = []
    if typed["action"]:
        found.append(AuditEvent.action.startswith(typed["action"], autoescape=True))
    if typed["actor"]:
        found.append(AuditEvent.actor == typed["actor"].lower())  # usernames are lower-case
    found += [getattr(AuditEvent, name) == typed[name] for name in EXACT_FILTERS if typed[name]]
    if form.since.data:
        found.append(AuditEvent.created_at >= _start_of(form.since.data))
    if form.until.data:
        found.append(AuditEvent.created_at < _start_of(form.until.data + timedelta(days=1)))
    return found


def trail_page(
    where: list[ColumnElement[bool]], after: int | None = None, before: int | None = None
) -> TrailPage:
    """Return a page of matching events: the newest, or those just older or newer than a seq."""
    query = select(AuditEvent).where(*where).limit(PAGE_SIZE)
    if before is not None:
        newer_first = query.where(AuditEvent.seq > before).order_by(AuditEvent.seq)
        events = list(reversed(db.session.scalars(newer_first).all()))
    else:
        if after is not None:
            query = query.where(AuditEvent.seq < after)
        events = list(db.session.scalars(query.order_by(AuditEvent.seq.desc())))
    if not events:
        return TrailPage([])
    newest, oldest = events[0].seq, events[-1].seq
    return TrailPage(
        events,
        after=oldest if _any(where, AuditEvent.seq < oldest) else None,
        before=newest if _any(where, AuditEvent.seq > newest) else None,
    )


def _any(where: list[ColumnElement[bool]], beyond: ColumnElement[bool]) -> bool:
    return db.session.scalar(select(AuditEvent.seq).where(*where, beyond).limit(1)) is not None


def _start_of(day: date) -> datetime:
    """Return the moment a day begins in the city, in UTC."""
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def _flash_result(problems: list[ChainProblem], count: int, head: AuditEvent | None) -> None:
    if problems:
        flash(_broken_message(problems), "error")
    elif head is None:
        flash(_("The trail is empty."), "success")
    else:
        message = _(
            "The chain is intact: %(count)s events, up to %(seq)s with the hash %(hash)s.",
            count=count,
            seq=head.seq,
            hash=head.hash,
        )
        flash(message, "success")


def _broken_message(problems: list[ChainProblem]) -> str:
    named = [
        _(
            "event %(seq)s %(kind)s",
            seq=problem.seq,
            kind=PROBLEM_KINDS.get(problem.kind, problem.kind),
        )
        for problem in problems[:PROBLEMS_SHOWN]
    ]
    if len(problems) > PROBLEMS_SHOWN:
        named.append("…")
    return _(
        "The chain is broken in %(count)s places: %(problems)s. Run 'flask audit verify' "
        "for the full list, and treat the trail after the first of them as untrusted.",
        count=len(problems),
        problems="; ".join(named),
    )


add_nav_item(
    "console.audit", _l("Audit trail"), Permission.VIEW_AUDIT, order=80, visible=reads_whole_trail
)
