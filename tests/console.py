"""Helpers for console tests: signing an account in without the sign-in form."""

from __future__ import annotations

import time

from flask.testing import FlaskClient

from portal.auth import LOGIN_AT, SEEN_AT
from portal.models import User


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    """Put a signed-in session for the account into the client's cookie."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[LOGIN_AT] = session[SEEN_AT] = int(time.time())
    return client
