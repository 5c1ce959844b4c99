"""Intake: turning what a reporter raised, through any channel, into a case with a receipt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import crypto, receipts
from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    SCORE_COLUMNS,
    ActorKind,
    Cadre,
    Case,
    CaseEvent,
    CaseKind,
    CaseMessage,
    CaseStatus,
    Category,
    Channel,
    ClockStage,
    MessageDirection,
    ReporterMode,
    Unit,
    User,
)
from portal.services import audit, deadlines
from portal.services.errors import DomainError
from portal.services.evidence import CleanFile, attach_files
from portal.services.numbers import next_case_number
from portal.services.search import index_case
from portal.services.units import get_unit, post_held

#: Statuses in which the reporter can no longer add to the case.
FINISHED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED})


@dataclass
class ContactDetails:
    """Who the reporter is and how to reach them; sealed before it is stored."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""

    def is_empty(self) -> bool:
        """Tell whether nothing was given."""
        return not any(value.strip() for value in asdict(self).values())


@dataclass
class Submission:
    """What a reporter raised, as a form or an operator recorded it."""

    kind: CaseKind
    unit_id: int | None
    title: str = ""
    body: str = ""
    channel: Channel = Channel.WEB
    cadre_id: int | None = None
    category_id: int | None = None
    event_date: date | None = None
    event_place: str | None = None
    reporter_mode: ReporterMode = ReporterMode.ANONYMOUS
    contact: ContactDetails = field(default_factory=ContactDetails)
    scores: dict[str, int] | None = None
    received_on: date | None = None
    locale: str = "zh_Hans"
    #: Details sealed already: a retaliation case keeps the seal of the case it comes from.
    sealed_contact: tuple[bytes, bytes] | None = None
    #: Opened from a retaliation check-in: seen only at the top of the tree.
    protected: bool = False


def submit_case(submission: Submission, recorded_by: User | None = None) -> tuple[Case, str]:
    """Record a case and return it with its receipt, which is shown once and never stored.

    ``recorded_by`` is the operator who took the case down from a call, letter or visit.
    """
    today = local_today()
    unit = _checked_unit(submission)
    cadre = _checked_cadre(submission, unit)
    category = _checked_category(submission)
    _check_dates(submission, today)
    contact = _checked_contact(submission)
    scores = _checked_scores(submission)

    received_on = submission.received_on or today
    receipt = receipts.new_receipt()
    case = Case(
        number=next_case_number(received_on.year),
        kind=submission.kind,
        channel=submission.channel,
        status=CaseStatus.RECEIVED,
        unit=unit,
        cadre=cadre,
        post_id=_post_id(cadre, unit, submission.event_date or received_on),
        category=category,
        title=_title(submission, unit, cadre),
        body=submission.body.strip(),
        event_date=submission.event_date,
        event_place=(submission.event_place or "").strip() or None,
        receipt_hash=receipts.hash_receipt(
            receipts.normalize_receipt(receipt), current_app.config["RECEIPT_PEPPER"]
        ),
        reporter_mode=submission.reporter_mode,
        received_on=received_on,
        locale=submission.locale,
        is_protected=submission.protected,
        **scores,
    )
    case.due_on = deadlines.due_date(ClockStage.ACCEPT, case, received_on)
    if contact is not None:
        case.contact_ciphertext, case.contact_key = crypto.seal(asdict(contact))
    elif submission.sealed_contact is not None:
        case.contact_ciphertext, case.contact_key = submission.sealed_contact
    case.events.append(
        CaseEvent(
            action="submit",
            to_status=CaseStatus.RECEIVED,
            actor_kind=ActorKind.STAFF if recorded_by else ActorKind.REPORTER,
            actor_id=recorded_by.id if recorded_by else None,
        )
    )
    db.session.add(case)
    db.session.flush()
    index_case(case)
    audit.record(
        "case.submit",
        actor=recorded_by,
        actor_label="reporter",
        object_type="case",
        object_id=case.number,
        details={"channel": case.channel.value, "kind": case.kind.value},
    )
    return case, receipt


def add_information(case: Case, text: str, files: Sequence[CleanFile] = ()) -> CaseMessage | None:
    """Add the reporter's further information to their case: a text, cleaned files, or both.

    Each kind of addition gets its event, so the track page says what was added; the message
    is returned when there was a text.
    """
    if case.status in FINISHED_STATUSES:
        raise DomainError(
            _l("This case is finished, so it takes no more information. Please submit a new one."),
            field="body",
        )
    text = text.strip()
    if not text and not files:
        raise DomainError(
            _l("Please write the information you want to add, or attach a file."), field="body"
        )
    message = None
    if text:
        message = CaseMessage(direction=MessageDirection.FROM_REPORTER, body=text)
        case.messages.append(message)
        case.events.append(CaseEvent(action="add_information", actor_kind=ActorKind.REPORTER))
    attach_files(case, list(files))
    db.session.flush()
    return message


def contact_details(case: Case) -> ContactDetails | None:
    """Open a case's sealed contact details (callers audit who reads them)."""
    if case.contact_ciphertext is None or case.contact_key is None:
        return None
    return ContactDetails(**crypto.unseal(case.contact_ciphertext, case.contact_key))


def _checked_unit(submission: Submission) -> Unit:
    public_only = submission.channel == Channel.WEB and not submission.protected
    unit = get_unit(submission.unit_id, public_only=public_only)
    if unit is None:
        raise DomainError(_l("Please choose a unit from the list."), field="unit_id")
    return unit


def _checked_cadre(submission: Submission, unit: Unit) -> Cadre | None:
    if submission.cadre_id is None:
        return None
    cadre = db.session.get(Cadre, submission.cadre_id)
    if cadre is None or not any(post.unit_id == unit.id for post in cadre.posts):
        raise DomainError(
            _l(
                "This cadre does not hold a post in the chosen unit. "
                "Choose again, or leave it empty."
            ),
            field="cadre_id",
        )
    return cadre


def _checked_category(submission: Submission) -> Category | None:
    if submission.category_id is None:
        if submission.kind == CaseKind.REPORT:
            raise DomainError(_l("Please choose what the problem is about."), field="category_id")
        return None
    category = db.session.get(Category, submission.category_id)
    if category is None or not category.is_active:
        raise DomainError(_l("Please choose a category from the list."), field="category_id")
    return category


#: Events further back than this many years are taken for a mistyped year (0202, 1202).
EVENT_YEARS_BACK = 30


def _check_dates(submission: Submission, today: date) -> None:
    if submission.event_date is not None and submission.event_date > today:
        raise DomainError(_l("The date of the event cannot be in the future."), field="event_date")
    earliest_year = today.year - EVENT_YEARS_BACK
    if submission.event_date is not None and submission.event_date.year < earliest_year:
        raise DomainError(
            _l(
                "Please check the year: we take events from %(year)s on.",
                year=earliest_year,
            ),
            field="event_date",
        )
    if submission.received_on is not None and submission.received_on > today:
        raise DomainError(_l("The date received cannot be in the future."), field="received_on")


def _checked_contact(submission: Submission) -> ContactDetails | None:
    contact = submission.contact
    if submission.sealed_contact is not None:
        return None
    if submission.reporter_mode == ReporterMode.ANONYMOUS:
        if not contact.is_empty():
            raise DomainError(
                _l(
                    "You chose to stay anonymous, so we cannot keep a name or contact details. "
                    "Clear them, or choose a confidential or named report."
                ),
                field="reporter_mode",
            )
        return None
    if not contact.name.strip():
        raise DomainError(_l("Please give your name."), field="contact_name")
    if not (contact.phone.strip() or contact.email.strip() or contact.address.strip()):
        raise DomainError(
            _l("Please give at least one way to reach you: a phone, an e-mail or an address."),
            field="contact_phone",
        )
    return ContactDetails(**{key: value.strip() for key, value in asdict(contact).items()})


def _checked_scores(submission: Submission) -> dict[str, int | None]:
    if submission.kind != CaseKind.RATING:
        return dict.fromkeys(SCORE_COLUMNS)
    scores = submission.scores or {}
    for column in SCORE_COLUMNS:
        value = scores.get(column)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise DomainError(_l("Please give a score from 1 to 5."), field=column)
    return {column: scores[column] for column in SCORE_COLUMNS}


def _post_id(cadre: Cadre | None, unit: Unit, on: date) -> int | None:
    if cadre is None:
        return None
    post = post_held(cadre.id, unit.id, on)
    return post.id if post else None


def _title(submission: Submission, unit: Unit, cadre: Cadre | None) -> str:
    title = submission.title.strip()
    if title:
        return title
    if submission.kind == CaseKind.RATING:
        # Staff read titles in Chinese, whatever language the rater used.
        subject = f"{cadre.name}（{unit.name}）" if cadre else unit.name
        return f"评价：{subject}"[:120]
    raise DomainError(_l("Please give a short title."), field="title")
