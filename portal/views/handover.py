"""Handing a new case's receipt from the POST that made it to the page that shows it once.

Flask's session cookie is signed, not encrypted: anyone holding the cookie could read it.
The receipt therefore rides in it encrypted (Fernet, under a key derived from SECRET_KEY
for this one purpose), and the confirmation page takes it out as it shows it. The
console's operator intake seals and opens it the same way, under its own session key.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

from portal.models import Case, CaseKind

RECEIPT_KEY = "new_case"
NUMBER_KEY = "last_case_number"
#: A receipt not shown within this time is dropped: the reporter has long left the page.
MAX_AGE_SECONDS = 3600


@dataclass(frozen=True)
class NewCase:
    """What the confirmation page shows once: the case's number, kind and receipt."""

    number: str
    kind: CaseKind
    receipt: str


def hand_over_receipt(case: Case, receipt: str) -> None:
    """Keep a new case's receipt, encrypted, for the confirmation page."""
    session[RECEIPT_KEY] = seal_new_case(case, receipt)
    # The number is no secret: it stays so that a reload can still say which case it was.
    session[NUMBER_KEY] = case.number


def take_receipt() -> NewCase | None:
    """Take the new case's receipt out of the session; None once it has been shown."""
    return open_new_case(session.pop(RECEIPT_KEY, None), MAX_AGE_SECONDS)


def seal_new_case(case: Case, receipt: str) -> str:
    """Return a new case's number, kind and receipt encrypted, to carry in the session."""
    handed = NewCase(case.number, case.kind, receipt)
    return _fernet().encrypt(json.dumps(asdict(handed)).encode()).decode()


def open_new_case(token: object, max_age: int) -> NewCase | None:
    """Decrypt what :func:`seal_new_case` sealed; None if it is missing, forged or too old."""
    if not isinstance(token, str):
        return None
    try:
        data = json.loads(_fernet().decrypt(token.encode(), ttl=max_age))
    except (InvalidToken, ValueError):
        return None
    return NewCase(data["number"], CaseKind(data["kind"]), data["receipt"])


def last_case_number() -> str | None:
    """Return the number of the case last sent from this browser, if any."""
    number = session.get(NUMBER_KEY)
    return number if isinstance(number, str) else None


def _fernet() -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal receipt handover")
    key = hkdf.derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))
