"""Ballot codes for the representatives of the people, and casting a vote with a right.

A ballot code is 15 characters of the receipts' alphabet (75 bits) and their check
character, printed as four groups of four. The codes of a batch are drawn from one 256-bit
seed from ``secrets`` through HMAC-SHA256, so that the printable sheet, shown after the
redirect, rebuilds them from the seed, which travels encrypted in the session for a few
minutes (five hundred codes would not fit in a cookie). Only each code's keyed hash is kept.

A vote uses a right: a ballot code, the receipt of a case linked to the item, or none (the
general public, where the round allows it, counted apart). The right used (``BallotUse``)
and the vote are inserted in the same transaction; the unique constraints on the right make
a second use fail, even at the same instant, and the vote names neither code nor case.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import receipts
from portal.extensions import db
from portal.models import (
    REPRESENTATIVE_GROUPS,
    BallotCode,
    BallotUse,
    ItemCase,
    ReviewRound,
    ReviewStatus,
    Satisfaction,
    User,
    Vote,
    VoterGroup,
)
from portal.services import audit
from portal.services.errors import DomainError
from portal.services.reviews import accepts_votes, check_manager, lock_review
from portal.services.tracking import find_case_by_receipt

CODE_RANDOM_LENGTH = 15
CODE_LENGTH = CODE_RANDOM_LENGTH + 1
#: The most codes one batch may print.
MAX_BATCH = 500

#: One answer for an unknown code, a used one, and one of another item or round.
NOT_VALID_CODE = _l(
    "This ballot code is not valid for this vote: it may have been used already, "
    "or belong to another item or round."
)
NOT_VALID_RECEIPT = _l(
    "This receipt gives no vote here: it may have been used already, "
    "or its case is not linked to this item."
)


class RightKind(enum.StrEnum):
    """What gives a voter their vote."""

    CODE = "code"
    RECEIPT = "receipt"
    PUBLIC = "public"


@dataclass(frozen=True)
class Right:
    """The right a voter uses: a kind, and the code or receipt they typed."""

    kind: RightKind
    text: str = ""


@dataclass(frozen=True)
class PrintedBatch:
    """A batch just generated: what the printable sheet needs to rebuild its codes."""

    review_id: int
    group: VoterGroup
    batch: str
    count: int
    seed: bytes

    @property
    def codes(self) -> list[str]:
        """Return the batch's codes, formatted in groups, in the order they were made."""
        return [_code(self.seed, index) for index in range(self.count)]


def generate_ballots(
    review: ReviewRound, group: VoterGroup, count: int, actor: User
) -> PrintedBatch:
    """Make a batch of one-time codes for one group of representatives; keep only hashes."""
    check_manager(actor, review.round.item)
    if group not in REPRESENTATIVE_GROUPS:
        raise DomainError(_l("Ballot codes are printed for representatives only."), "voter_group")
    if not 1 <= count <= MAX_BATCH:
        raise DomainError(_l("A batch holds 1 to %(max)d codes.", max=MAX_BATCH), "count")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError(_l("This satisfaction round is closed."))
    printed = PrintedBatch(review.id, group, _next_batch(review), count, secrets.token_bytes(32))
    db.session.add_all(
        BallotCode(
            review_id=review.id, code_hash=hash_code(code), voter_group=group, batch=printed.batch
        )
        for code in printed.codes
    )
    audit.record(
        "review.ballots",
        actor=actor,
        object_type="review",
        object_id=review.id,
        details={"group": group.value, "batch": printed.batch, "count": count},
    )
    return printed


def ballot_batches(review: ReviewRound) -> list[tuple[VoterGroup, str, int, int]]:
    """Return the round's batches: group, batch, codes printed, codes used."""
    query = (
        select(BallotCode.voter_group, BallotCode.batch, func.count(), func.count(BallotUse.id))
        .outerjoin(BallotUse, BallotUse.ballot_code_id == BallotCode.id)
        .where(BallotCode.review_id == review.id)
        .group_by(BallotCode.voter_group, BallotCode.batch)
        .order_by(func.min(BallotCode.id))
    )
    return [tuple(row) for row in db.session.execute(query)]


def cast_vote(review: ReviewRound, choice: str, right: Right) -> None:
    """Count one vote with the right it uses; refuse anything else and write nothing."""
    try:
        option = Satisfaction(choice)
    except ValueError:
        raise DomainError(_l("Please choose one of the three answers."), "choice") from None
    lock_review(review, shared=True)
    _check_open(review)
    group = _use_right(review, right)
    db.session.add(
        Vote(id=secrets.token_hex(16), review_id=review.id, voter_group=group, choice=option)
    )
    db.session.flush()


def _use_right(review: ReviewRound, right: Right) -> VoterGroup:
    """Record the use of the right and return the group the vote counts in."""
    if right.kind == RightKind.PUBLIC:
        if not review.public_voting:
            raise DomainError(
                _l("Only representatives and reporters of the linked cases vote here.")
            )
        return VoterGroup.PUBLIC
    if right.kind == RightKind.CODE:
        code = _find_code(review, right.text)
        _insert_use(BallotUse(review_id=review.id, ballot_code_id=code.id), NOT_VALID_CODE)
        return code.voter_group
    case_id = _linked_case(review, right.text)
    _insert_use(BallotUse(review_id=review.id, case_id=case_id), NOT_VALID_RECEIPT)
    return VoterGroup.REPORTER


def _check_open(review: ReviewRound) -> None:
    if review.status == ReviewStatus.SCHEDULED:
        raise DomainError(_l("This vote has not opened yet."))
    if not accepts_votes(review):
        raise DomainError(_l("This vote is closed: no more votes are counted."))


def _find_code(review: ReviewRound, text: str) -> BallotCode:
    compact = receipts.normalize_receipt(text, CODE_LENGTH)
    if compact is None:
        raise DomainError(
            _l("This is not a whole ballot code: check it against your slip (16 characters)."),
            "code",
        )
    code = db.session.scalar(select(BallotCode).where(BallotCode.code_hash == hash_code(compact)))
    if code is None or code.review_id != review.id:
        raise DomainError(NOT_VALID_CODE, "code")
    return code


def _linked_case(review: ReviewRound, text: str) -> int:
    """Return the id of the receipt's case if it, or the case it was merged into, is linked."""
    if receipts.normalize_receipt(text) is None:
        raise DomainError(
            _l("This is not a whole receipt: check it (28 letters and digits)."), "code"
        )
    case = find_case_by_receipt(text)
    if case is None:
        raise DomainError(NOT_VALID_RECEIPT, "code")
    # A duplicate's reporter raised the same problem as the master case that was linked.
    linked = select(ItemCase.case_id).where(
        ItemCase.item_id == review.round.item_id,
        ItemCase.case_id.in_({case.id, case.merged_into_id or case.id}),
    )
    if db.session.scalar(linked.limit(1)) is None:
        raise DomainError(NOT_VALID_RECEIPT, "code")
    return case.id


def _insert_use(use: BallotUse, refusal: LazyString) -> None:
    """Insert the right's use; a second use of it breaks a unique constraint and is refused."""
    db.session.add(use)
    try:
        db.session.flush()
    except IntegrityError:  # used already, maybe a moment ago; the edge rolls back
        raise DomainError(refusal, "code") from None


def _next_batch(review: ReviewRound) -> str:
    printed = db.session.scalar(
        select(func.count(func.distinct(BallotCode.batch))).where(BallotCode.review_id == review.id)
    )
    return f"{review.id}-{printed + 1}"


def _code(seed: bytes, index: int) -> str:
    """Return the index-th code of a batch: 75 bits of HMAC-SHA256 of the index."""
    bits = int.from_bytes(
        hmac.new(seed, index.to_bytes(4, "big"), hashlib.sha256).digest()[:10], "big"
    )
    body = "".join(receipts.ALPHABET[(bits >> 5 * i) & 31] for i in range(CODE_RANDOM_LENGTH))
    return receipts.finish_code(body)


def hash_code(code: str) -> str:
    """Return the keyed hash of a code, under a key of its own derived from the pepper."""
    compact = code.replace("-", "")
    return receipts.hash_receipt(compact, current_app.config["RECEIPT_PEPPER"] + "/ballot-codes")
