"""Fixtures of the evidence tests: an app whose upload folder lies in the test's tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask


@pytest.fixture
def upload_dir(tmp_path) -> Path:
    """Return the upload folder of the test's app (created on demand by the portal)."""
    return tmp_path / "uploads"


@pytest.fixture
def app(make_app, upload_dir) -> Flask:
    """Return the portal configured for tests, keeping evidence files in tmp_path."""
    return make_app(UPLOAD_DIR=str(upload_dir))
