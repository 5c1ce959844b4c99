"""Configuration: production refuses to start without its secrets; development makes its own.

These tests build apps with ``create_app`` directly, on an instance folder of their own, so
that the checkout's ``instance/`` and the suite's database are never touched.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask

from portal import create_app
from portal.config import SECRET_NAMES

PREFIXED = [f"PORTAL_{name}" for name in SECRET_NAMES]


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    """Give new apps an instance folder in tmp_path and an environment without PORTAL_ settings."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda app: str(folder))
    for name in [*PREFIXED, "PORTAL_ENV", "PORTAL_DATABASE_URL", "PORTAL_REDIS_URL"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    return folder


def test_production_without_secrets_refuses_to_start_and_names_them(instance, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(RuntimeError) as refused:
        create_app()
    for name in PREFIXED:
        assert name in str(refused.value)
    assert not instance.exists()


def test_production_names_only_the_secrets_that_are_missing(instance, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("PORTAL_DATA_KEYS", Fernet.generate_key().decode())
    with pytest.raises(RuntimeError) as refused:
        create_app()
    message = str(refused.value)
    assert "PORTAL_RECEIPT_PEPPER" in message
    assert "PORTAL_SECRET_KEY" not in message
    assert "PORTAL_DATA_KEYS" not in message


def test_production_with_every_secret_starts_with_secure_cookies(instance, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("PORTAL_RECEIPT_PEPPER", "a-real-pepper")
    monkeypatch.setenv("PORTAL_DATA_KEYS", Fernet.generate_key().decode())
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-real-secret"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not (instance / "dev-secrets.json").exists()


def test_development_generates_its_secrets_into_the_instance_folder(instance):
    app = create_app()
    stored = json.loads((instance / "dev-secrets.json").read_text())
    assert set(stored) == set(SECRET_NAMES)
    assert all(app.config[name] == stored[name] for name in SECRET_NAMES)
    assert stat.S_IMODE((instance / "dev-secrets.json").stat().st_mode) == 0o600
    Fernet(stored["DATA_KEYS"])  # a usable key, not just a random string
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_development_reuses_its_secrets_on_the_next_start(instance):
    first = create_app()
    second = create_app()
    assert all(first.config[name] == second.config[name] for name in SECRET_NAMES)


def test_each_development_checkout_gets_secrets_of_its_own(instance, tmp_path, monkeypatch):
    first = create_app()
    other = tmp_path / "other-instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda app: str(other))
    second = create_app()
    assert all(first.config[name] != second.config[name] for name in SECRET_NAMES)


def test_secrets_given_in_the_environment_win_over_generated_ones(instance, monkeypatch):
    monkeypatch.setenv("PORTAL_RECEIPT_PEPPER", "from-the-environment")
    app = create_app()
    assert app.config["RECEIPT_PEPPER"] == "from-the-environment"


def test_without_a_database_url_the_database_is_sqlite_in_the_instance_folder(
    instance, monkeypatch
):
    monkeypatch.delenv("PORTAL_DATABASE_URL")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'portal.sqlite3'}"


def test_the_redis_url_becomes_the_limiter_storage(instance, monkeypatch):
    monkeypatch.setenv("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/3")
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] < 1


def test_without_redis_the_limiter_counts_in_process_memory(instance):
    app = create_app()
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
