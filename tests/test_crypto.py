"""Envelope encryption of reporters' details: one key per record, server keys that rotate."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken

from portal import crypto

DETAILS = {"name": "赵敏", "phone": "13800000000", "email": "", "address": "人民路8号"}


def test_details_come_back_as_they_were_sealed(app_context):
    ciphertext, wrapped_key = crypto.seal(DETAILS)
    assert crypto.unseal(ciphertext, wrapped_key) == DETAILS


def test_the_sealed_record_does_not_show_the_details(app_context):
    ciphertext, wrapped_key = crypto.seal(DETAILS)
    for secret in ("赵敏", "13800000000", "人民路"):
        assert secret.encode() not in ciphertext
        assert secret.encode() not in wrapped_key


def test_each_record_has_its_own_data_key(app_context):
    first_ciphertext, first_key = crypto.seal(DETAILS)
    second_ciphertext, second_key = crypto.seal(DETAILS)
    assert first_ciphertext != second_ciphertext
    assert first_key != second_key
    # One record's key does not open another record.
    with pytest.raises(InvalidToken):
        crypto.unseal(first_ciphertext, second_key)


def test_rotation_reads_old_records_and_rewraps_them_under_the_new_key(make_app):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with make_app(DATA_KEYS=old_key).app_context():
        ciphertext, wrapped_key = crypto.seal(DETAILS)
    with make_app(DATA_KEYS=f"{new_key}, {old_key}").app_context():
        assert crypto.unseal(ciphertext, wrapped_key) == DETAILS
        rewrapped = crypto.rewrap(wrapped_key)
    with make_app(DATA_KEYS=new_key).app_context():
        assert crypto.unseal(ciphertext, rewrapped) == DETAILS
        with pytest.raises(InvalidToken):
            crypto.unseal(ciphertext, wrapped_key)


def test_new_records_are_wrapped_under_the_newest_key(make_app):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with make_app(DATA_KEYS=f"{new_key},{old_key}").app_context():
        ciphertext, wrapped_key = crypto.seal(DETAILS)
    with make_app(DATA_KEYS=new_key).app_context():
        assert crypto.unseal(ciphertext, wrapped_key) == DETAILS
