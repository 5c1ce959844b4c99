"""A real server for browser tests: ``flask run`` over a migrated SQLite file in tmp."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db
from tests.conftest import DATA_KEY, base_config
from tests.factories import build_city

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


@dataclass(frozen=True)
class LiveServer:
    """A running portal: its address, the ids of its city, and its log file."""

    url: str
    bureau_id: int
    cadre_id: int
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _seed(database_url: str) -> tuple[int, int]:
    """Migrate the database and commit the small city; return (bureau id, cadre id)."""
    app = create_app(base_config(database_url))
    with app.app_context():
        upgrade()
        city = build_city()
        db.session.commit()
        ids = city.bureau.id, city.cadre.id
        db.engine.dispose()
    return ids


def _wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the portal server stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own http server)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the portal server did not start in time")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Start ``flask --app portal run`` on a free port over a fresh database."""
    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'portal.sqlite3'}"
    bureau_id, cadre_id = _seed(database_url)
    env = {name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")}
    env.update(
        PORTAL_DATABASE_URL=database_url,
        PORTAL_SECRET_KEY="browser-test-secret",
        PORTAL_RECEIPT_PEPPER="browser-test-pepper",
        PORTAL_DATA_KEYS=DATA_KEY,
        PORTAL_UPLOAD_DIR=str(folder / "uploads"),
    )
    port = _free_port()
    log = folder / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url + "/", server)
        yield LiveServer(url, bureau_id, cadre_id, log)
    finally:
        server.terminate()
        server.wait(timeout=10)
