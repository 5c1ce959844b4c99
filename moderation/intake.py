"""Operator intake: recording a call, a letter, a visit or a referral as a case.

The receipt is read back to the caller, and printed on a slip for letters and visits. It
travels from the POST that made it to the pages that show it encrypted in the session (see
``portal.views.handover``), and stays there until the operator clears it or for
:data:`KEEP_SECONDS`, so that the done page and the slip can both be shown; never in a URL,
a log line, a flash message or a page title.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, g, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from moderation import console
from moderation.forms_intake import IntakeForm
from moderation.guard import add_nav_item, requires
from portal.clock import local_today
from portal.errors import keeps_text_on_csrf_failure
from portal.extensions import db
from portal.i18n import current_language
from portal.models import Case, Post
from portal.policy import Permission
from portal.services.errors import DomainError
from portal.services.evidence import attach_files, clean_uploads
from portal.services.intake import submit_case
from portal.services.units import unit_choices
from portal.views.handover import NewCase, open_new_case, seal_new_case
from portal.views.pickers import INDENT, category_picker

#: Session keys: the sealed receipt, and the case number (no secret) for the page after.
RECEIPT_KEY = "console_intake_receipt"
NUMBER_KEY = "console_intake_number"
#: How long the done page and the slip can show a receipt: the call, then the printer.
KEEP_SECONDS = 600

#: How digits are said, in English and in Chinese (where "幺" keeps 1 apart from 7 on a phone).
DIGITS = {
    "0": ("zero", "零"),
    "1": ("one", "一 / 幺"),
    "2": ("two", "二"),
    "3": ("three", "三"),
    "4": ("four", "四"),
    "5": ("five", "五"),
    "6": ("six", "六"),
    "7": ("seven", "七"),
    "8": ("eight", "八"),
    "9": ("nine", "九"),
}
#: The ICAO spelling alphabet; receipts have no I, L, O or U.
LETTERS = {
    "A": "Alfa", "B": "Bravo", "C": "Charlie", "D": "Delta", "E": "Echo", "F": "Foxtrot",
    "G": "Golf", "H": "Hotel", "J": "Juliett", "K": "Kilo", "M": "Mike", "N": "November",
    "P": "Papa", "Q": "Quebec", "R": "Romeo", "S": "Sierra", "T": "Tango", "V": "Victor",
    "W": "Whiskey", "X": "X-ray", "Y": "Yankee", "Z": "Zulu",
}  # fmt: skip


@dataclass(frozen=True)
class Spoken:
    """One character of a receipt and how to say it so that it cannot be misheard."""

    char: str
    is_digit: bool
    words: str


@console.route("/intake", methods=["GET", "POST"])
@requires(Permission.RECORD_INTAKE)
@keeps_text_on_csrf_failure
def intake():
    """Record a case that came by phone, letter, visit, box, questionnaire or referral."""
    form = IntakeForm(received_on=local_today())
    offer_choices(form, current_language())
    if not form.is_submitted() or g.get("csrf_failed") or not form.validate():
        return _form_page(form)
    operator = current_user._get_current_object()
    try:
        # Files are cleaned before the case is written: one bad file records nothing.
        files = clean_uploads(form.evidence.data)
        case, receipt = submit_case(form.to_submission(), recorded_by=operator)
        attach_files(case, files, uploaded_by=operator, arrived_with_case=True)
    except DomainError as error:
        db.session.rollback()
        form.add_domain_error(error)
        return _form_page(form)
    db.session.commit()
    session[RECEIPT_KEY] = seal_new_case(case, receipt)
    session[NUMBER_KEY] = case.number
    return redirect(url_for("console.intake_done"), 303)


@console.get("/intake/done")
@requires(Permission.RECORD_INTAKE)
def intake_done():
    """Show the new case's number and its receipt, spelled out to read to the reporter."""
    new_case = handed_over()
    return _no_store(
        render_template(
            "moderation/intake_done.html",
            new_case=new_case,
            case=_recorded(new_case),
            spoken=spell(new_case.receipt) if new_case else None,
            last_number=session.get(NUMBER_KEY),
            clear_form=FlaskForm(),
        )
    )


@console.get("/intake/slip")
@requires(Permission.RECORD_INTAKE)
def intake_slip():
    """Show a printable slip with the number, the receipt and how to follow the case."""
    new_case = handed_over()
    return _no_store(
        render_template(
            "moderation/intake_slip.html",
            new_case=new_case,
            case=_recorded(new_case),
            track_url=url_for("public.track", _external=True),
        )
    )


@console.post("/intake/clear")
@requires(Permission.RECORD_INTAKE)
def intake_clear():
    """Forget the receipt in this browser, once the reporter has it."""
    session.pop(RECEIPT_KEY, None)
    flash(_("The receipt is cleared from this browser."), "success")
    return redirect(url_for("console.intake"), 303)


def handed_over() -> NewCase | None:
    """Return the receipt recorded last in this browser, while it is kept."""
    new_case = open_new_case(session.get(RECEIPT_KEY), KEEP_SECONDS)
    if new_case is None:
        session.pop(RECEIPT_KEY, None)  # expired or damaged: it never comes back
    return new_case


def spell(receipt: str) -> list[list[Spoken]]:
    """Return a receipt's groups, each character with the words that say it unmistakably."""
    return [[_spoken(char) for char in group] for group in receipt.split("-")]


def _spoken(char: str) -> Spoken:
    if char in DIGITS:
        english, chinese = DIGITS[char]
        return Spoken(
            char, True, _("digit %(english)s / %(chinese)s", english=english, chinese=chinese)
        )
    return Spoken(char, False, _("letter %(char)s as in %(word)s", char=char, word=LETTERS[char]))


def offer_choices(form: IntakeForm, locale: str) -> None:
    """Fill the pickers: every unit (hidden ones too), the cadres in post, the categories."""
    form.unit_id.choices = [SelectChoice("", _("Choose a unit"))] + [
        SelectChoice(str(unit.id), INDENT * max(unit.depth - 1, 0) + unit.name, optgroup=unit.group)
        for unit in unit_choices(locale, public_only=False)
    ]
    form.cadre_id.choices = [SelectChoice("", _("Not about one particular cadre"))] + [
        SelectChoice(
            str(post.cadre_id),
            f"{post.cadre.display_name(locale)} – {post.display_title(locale)}",
            optgroup=post.unit.display_name(locale),
        )
        for post in _posts_held_today()
    ]
    form.category_id.choices = category_picker(locale)


def _posts_held_today() -> list[Post]:
    today = local_today()
    query = (
        select(Post)
        .options(joinedload(Post.cadre), joinedload(Post.unit))
        .where(Post.starts_on <= today, or_(Post.ends_on.is_(None), Post.ends_on >= today))
        .order_by(Post.unit_id, Post.id)
    )
    return list(db.session.scalars(query))


def _recorded(new_case: NewCase | None) -> Case | None:
    """Return the case a kept receipt belongs to (its channel and date go on the pages)."""
    if new_case is None:
        return None
    return db.session.scalar(select(Case).where(Case.number == new_case.number))


def _form_page(form: IntakeForm):
    csrf_expired = bool(g.get("csrf_failed"))
    status = 400 if csrf_expired else 422 if form.has_errors() else 200
    page = render_template(
        "moderation/intake.html",
        form=form,
        csrf_expired=csrf_expired,
        today=local_today(),
        kept_number=session.get(NUMBER_KEY) if session.get(RECEIPT_KEY) else None,
    )
    return _no_store(page, status)


def _no_store(page: str, status: int = 200):
    """Answer with a page no cache may keep: it holds a receipt or a reporter's details."""
    response = make_response(page, status)
    response.headers["Cache-Control"] = "no-store"
    return response


add_nav_item("console.intake", _l("Record a case"), Permission.RECORD_INTAKE, order=30)
