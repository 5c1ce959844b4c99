"""Receipts: readable over the phone, forgiving of look-alikes, strict on typos, never stored."""

from __future__ import annotations

import math
import re

import sqlalchemy as sa

from portal import receipts
from portal.extensions import db
from portal.models import CaseKind, ReporterMode
from portal.services.intake import ContactDetails
from portal.services.tracking import find_tracked_case
from tests.factories import build_city, make_case

GROUP = f"[{receipts.ALPHABET}]{{4}}"
FORMAT = re.compile(rf"^{GROUP}(-{GROUP}){{6}}$")


def receipt_with(body: str) -> str:
    """Return the compact receipt of a chosen body, finding the check character that fits."""
    fitting = [c for c in receipts.ALPHABET if receipts.normalize_receipt(body + c)]
    assert len(fitting) == 1
    return body + fitting[0]


def test_a_receipt_is_seven_groups_of_four():
    for _ in range(50):
        assert FORMAT.match(receipts.new_receipt())


def test_a_receipt_carries_at_least_128_random_bits():
    assert receipts.RANDOM_LENGTH * math.log2(len(receipts.ALPHABET)) >= 128
    issued = {receipts.new_receipt() for _ in range(2000)}
    assert len(issued) == 2000


def test_a_new_receipt_passes_its_own_check():
    receipt = receipts.new_receipt()
    assert receipts.normalize_receipt(receipt) == receipt.replace("-", "")


def test_reading_ignores_case_spaces_and_look_alike_letters():
    compact = receipt_with("01011ABCDEFGHJKMNPQRSTVWX23")
    typed = "  ol oi l" + compact[5:].lower()  # o reads as 0, i and l as 1
    spaced = " ".join(compact[i : i + 4] for i in range(0, 28, 4))
    assert receipts.normalize_receipt(typed) == compact
    assert receipts.normalize_receipt(spaced) == compact
    assert receipts.normalize_receipt(receipts.format_receipt(compact)) == compact


def test_every_single_character_typo_fails_the_check():
    compact = receipts.new_receipt().replace("-", "")
    for position, original in enumerate(compact):
        for typo in receipts.ALPHABET:
            if typo != original:
                mistyped = compact[:position] + typo + compact[position + 1 :]
                assert receipts.normalize_receipt(mistyped) is None, (position, typo)


def test_wrong_lengths_and_foreign_characters_are_not_receipts():
    compact = receipts.new_receipt().replace("-", "")
    assert receipts.normalize_receipt(compact[:-1]) is None
    assert receipts.normalize_receipt(compact + "0") is None
    assert receipts.normalize_receipt("U" + compact[1:]) is None
    assert receipts.normalize_receipt("") is None


def test_the_stored_hash_is_keyed_by_the_pepper():
    compact = receipts.new_receipt().replace("-", "")
    first = receipts.hash_receipt(compact, "pepper-one")
    assert first == receipts.hash_receipt(compact, "pepper-one")
    assert first != receipts.hash_receipt(compact, "pepper-two")
    assert re.fullmatch("[0-9a-f]{64}", first)
    assert receipts.hashes_match(first, receipts.hash_receipt(compact, "pepper-one"))
    assert not receipts.hashes_match(first, receipts.hash_receipt(compact, "pepper-two"))


def test_the_receipt_is_never_stored_in_plain_text(app_context):
    city = build_city()
    contact = ContactDetails(name="赵敏", phone="13800000000")
    issued = [
        make_case(city.bureau)[1],
        make_case(city.district, CaseKind.REPORT, reporter_mode=ReporterMode.NAMED,
                  contact=contact)[1],
        make_case(city.township, CaseKind.RATING, reporter_mode=ReporterMode.CONFIDENTIAL,
                  contact=contact)[1],
    ]  # fmt: skip
    db.session.commit()
    stored = list(_every_stored_value())
    assert any(isinstance(value, bytes) for value in stored)  # the scan reaches the blobs
    for receipt in issued:
        compact = receipt.replace("-", "")
        forms = {receipt, compact, receipt.lower(), compact.lower()}
        for value in stored:
            for form in forms:
                needle = form.encode() if isinstance(value, bytes) else form
                assert needle not in value


def test_a_receipt_finds_its_case_and_no_other(app_context):
    city = build_city()
    case, receipt = make_case(city.bureau)
    other, other_receipt = make_case(city.bureau)
    db.session.commit()
    assert find_tracked_case(case.number, receipt.lower().replace("-", " ")) == case
    assert find_tracked_case(case.number, other_receipt) is None
    assert find_tracked_case(other.number, other_receipt) == other


def _every_stored_value():
    """Yield every text and binary value of every table in the database."""
    connection = db.session.connection()  # one connection: SQLite writers would queue
    for table_name in sa.inspect(connection).get_table_names():
        table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
        for row in connection.execute(sa.select(table)):
            for value in row:
                if isinstance(value, memoryview):
                    value = value.tobytes()
                if isinstance(value, str | bytes):
                    yield value
