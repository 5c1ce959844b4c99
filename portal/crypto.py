"""Envelope encryption of reporters' personal details.

Each record gets its own random data key; the data key is stored wrapped by the server's
data keys (``DATA_KEYS``: Fernet keys, newest first, so that keys can be rotated). A leaked
database alone reveals nothing, and one record's key opens one record only.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


def seal(details: dict[str, Any]) -> tuple[bytes, bytes]:
    """Encrypt details under a new data key; return (ciphertext, wrapped data key)."""
    data_key = Fernet.generate_key()
    ciphertext = Fernet(data_key).encrypt(json.dumps(details, ensure_ascii=False).encode())
    return ciphertext, _server_keys().encrypt(data_key)


def unseal(ciphertext: bytes, wrapped_key: bytes) -> dict[str, Any]:
    """Decrypt details sealed by :func:`seal`."""
    data_key = _server_keys().decrypt(wrapped_key)
    return json.loads(Fernet(data_key).decrypt(ciphertext))


def rewrap(wrapped_key: bytes) -> bytes:
    """Wrap a data key again under the newest server key (key rotation)."""
    return _server_keys().rotate(wrapped_key)


def encrypt_secret(secret: bytes) -> bytes:
    """Encrypt a small server-side secret (a TOTP key) under the server's data keys."""
    return _server_keys().encrypt(secret)


def decrypt_secret(token: bytes) -> bytes:
    """Decrypt a secret encrypted by :func:`encrypt_secret`."""
    return _server_keys().decrypt(token)


def _server_keys() -> MultiFernet:
    keys = [key.strip() for key in current_app.config["DATA_KEYS"].split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])
