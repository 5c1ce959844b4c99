"""Configuration: defaults here, overridden by ``PORTAL_*`` environment variables.

``flask --app portal run`` reads ``PORTAL_DATABASE_URL``, ``PORTAL_REDIS_URL``,
``PORTAL_SECRET_KEY`` and the other names below without the prefix
(``app.config.from_prefixed_env("PORTAL")``).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import ClassVar

from cryptography.fernet import Fernet
from flask import Flask


class Defaults:
    """Settings a development checkout runs with; production overrides the secrets."""

    #: "development" or "production"; production refuses to start without real secrets.
    ENV = "development"
    #: SQLAlchemy URL; empty means a SQLite file in the instance folder.
    DATABASE_URL = ""
    #: Redis for the rate limiter; empty means process memory (one worker only).
    REDIS_URL = ""
    #: Flask session signing key.
    SECRET_KEY = ""
    #: Key of the HMAC that stores receipts; changing it invalidates every receipt.
    RECEIPT_PEPPER = ""
    #: Fernet keys, comma separated, newest first, that wrap each reporter's own data key.
    DATA_KEYS = ""

    SITE_NAME = ""
    HOTLINE_NUMBER = "12380"
    POSTAL_ADDRESS = ""
    VISIT_ADDRESS = ""
    SUGGESTION_BOXES: ClassVar[list[str]] = []

    #: A folder of extra holiday schedules (one JSON file per year), beside the shipped ones.
    HOLIDAY_DIR = ""
    #: Working days past its due date after which an open case is very overdue.
    VERY_OVERDUE_WORKING_DAYS = 5
    #: Days after a confidential report when its reporter is asked about retaliation.
    RETALIATION_CHECKIN_DAYS = 90

    SUBMIT_RATE_LIMIT = "10 per hour;30 per day"
    TRACK_RATE_LIMIT = "10 per 10 minutes;60 per day"
    #: Minutes a reporter stays signed in to a case after giving the receipt.
    TRACK_SESSION_MINUTES = 30
    #: Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
    PROXY_COUNT = 0

    #: Satisfaction rounds: the quorum (fewest valid votes) and the threshold (the 80 % rule)
    #: a new round is offered with; each round keeps its own.
    REVIEW_QUORUM = 20
    REVIEW_THRESHOLD_PERCENT = 80
    #: Attempts to vote one client address may make (each checks a ballot code or receipt).
    VOTE_RATE_LIMIT = "10 per 10 minutes;60 per day"
    #: Votes of the general public one client address may cast on one item.
    PUBLIC_VOTE_RATE_LIMIT = "3 per day"
    #: PDF notices one client address may have made (each takes the server a moment).
    NOTICE_RATE_LIMIT = "30 per hour"
    #: The site's public address (https://...), for the links and QR codes printed on
    #: notices and ballot slips; empty uses the address the request came to.
    PUBLIC_BASE_URL = ""

    #: Console sessions end after this long without a request, and this long after sign-in.
    CONSOLE_IDLE_MINUTES = 30
    CONSOLE_ABSOLUTE_HOURS = 12
    #: Failed console sign-in steps (password or code) one client address may make.
    LOGIN_RATE_LIMIT = "20 per 10 minutes"
    #: Days an approved request lets its requester read a confidential reporter's identity.
    IDENTITY_ACCESS_DAYS = 7

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    # portal.errors.check_csrf checks tokens instead, so that forms can keep their text.
    WTF_CSRF_CHECK_DEFAULT = False
    # Long citizen texts must reach the form so that the typed text can be shown back.
    MAX_FORM_MEMORY_SIZE = 8 * 1024 * 1024
    # Forms with files may carry more: see portal.evidence_files.allow_files.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    #: The folder evidence files are kept in, outside the static folder; empty means
    #: ``uploads`` in the instance folder.
    UPLOAD_DIR = ""
    #: The largest evidence file accepted, in bytes.
    MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
    #: How many evidence files one form may carry.
    MAX_EVIDENCE_FILES = 5
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

    # Errors and logs never carry SQL parameters: they hold what citizens wrote.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"hide_parameters": True}


SECRET_NAMES = ("SECRET_KEY", "RECEIPT_PEPPER", "DATA_KEYS")


def finalize(app: Flask) -> None:
    """Derive the settings that depend on others and check the secrets."""
    config = app.config
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"] or (
        "sqlite:///" + str(Path(app.instance_path) / "portal.sqlite3")
    )
    config["UPLOAD_DIR"] = config["UPLOAD_DIR"] or str(Path(app.instance_path) / "uploads")
    _load_secrets(app)
    config["SESSION_COOKIE_SECURE"] = config["ENV"] == "production"
    config.setdefault("RATELIMIT_STORAGE_URI", _limiter_storage(config["REDIS_URL"]))
    config.setdefault(
        "RATELIMIT_STORAGE_OPTIONS",
        {"socket_connect_timeout": 0.3, "socket_timeout": 0.5} if config["REDIS_URL"] else {},
    )
    config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    config.setdefault("RATELIMIT_KEY_PREFIX", "portal")


def _limiter_storage(redis_url: str) -> str:
    return redis_url or "memory://"


def _load_secrets(app: Flask) -> None:
    """Take the secrets from the configuration; in development, keep generated ones on disk.

    A production deployment must set every secret: a built-in or generated one would either
    be public or change under the feet of the other workers.
    """
    missing = [name for name in SECRET_NAMES if not app.config.get(name)]
    if not missing:
        return
    if app.config["ENV"] == "production":
        names = ", ".join("PORTAL_" + name for name in missing)
        raise RuntimeError(f"Production needs these secrets set in the environment: {names}")
    stored = _development_secrets(Path(app.instance_path) / "dev-secrets.json")
    for name in missing:
        app.config[name] = stored[name]


def _development_secrets(path: Path) -> dict[str, str]:
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "RECEIPT_PEPPER": secrets.token_urlsafe(32),
        "DATA_KEYS": Fernet.generate_key().decode(),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker wrote it first
        return json.loads(path.read_text())
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)
    return values
