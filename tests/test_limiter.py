"""Rate-limit storage: counted in Redis under hashed keys, and still enforced when Redis is down."""

from __future__ import annotations

import hashlib
import hmac
import socket
import uuid
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from portal.extensions import limiter
from portal.security import client_network, hashed_client_address
from tests.conftest import REDIS_URL

ADDRESS = "203.0.113.7"
LIMIT = "2 per minute"


def _counted() -> str:
    return "counted"


counted = limiter.limit(LIMIT)(_counted)


@pytest.fixture
def limited_app(make_app) -> Iterator:
    """Return a factory of apps with limits on and one test route allowing two calls a minute."""

    def factory(storage_uri: str, **overrides) -> Flask:
        app = make_app(
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=storage_uri,
            REDIS_URL=storage_uri,  # the short socket timeouts that come with Redis
            SECRET_KEY=f"limiter-test-{uuid.uuid4().hex}",  # keys no other test shares
            **overrides,
        )
        app.add_url_rule("/test-only/counted", "test_only_counted", counted)
        return app

    # Flask-Limiter keeps "storage is down" on the shared extension object, across apps.
    limiter._storage_dead = False
    yield factory
    limiter._storage_dead = False


def _three_calls(app: Flask) -> list[int]:
    client = app.test_client()
    return [
        client.get("/test-only/counted", environ_base={"REMOTE_ADDR": ADDRESS}).status_code
        for _ in range(3)
    ]


def _closed_port() -> int:
    """Return a local port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_limiter_key_is_an_hmac_of_the_address(make_app):
    app = make_app(SECRET_KEY="key-one")
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        key = hashed_client_address()
    expected = hmac.new(b"key-one/limiter", ADDRESS.encode(), hashlib.sha256).hexdigest()
    assert key == expected[:32]
    assert ADDRESS not in key


def test_addresses_and_secret_keys_give_different_limiter_keys(make_app):
    keys = set()
    for secret, address in [("key-one", ADDRESS), ("key-one", "203.0.113.8"), ("key-two", ADDRESS)]:
        with make_app(SECRET_KEY=secret).test_request_context(
            environ_base={"REMOTE_ADDR": address}
        ):
            keys.add(hashed_client_address())
    assert len(keys) == 3


@pytest.mark.skipif(not REDIS_URL, reason="needs PORTAL_TEST_REDIS_URL")
def test_limits_are_counted_in_redis_under_hashed_keys(limited_app):
    app = limited_app(REDIS_URL)
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        hashed = hashed_client_address()
    store = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        assert _three_calls(app) == [200, 200, 429]
        assert list(store.scan_iter(match=f"*/portal/{hashed}/*")), "nothing counted in Redis"
        assert all(ADDRESS not in key for key in store.scan_iter(match="*portal*", count=1000))
    finally:
        for key in store.scan_iter(match=f"*{hashed}*"):
            store.delete(key)
        store.close()


def test_a_redis_outage_keeps_the_site_up_and_the_limits_on(limited_app):
    app = limited_app(f"redis://127.0.0.1:{_closed_port()}/0")
    assert _three_calls(app) == [200, 200, 429]


def test_a_redis_outage_still_limits_attempts_to_open_a_case(limited_app):
    app = limited_app(f"redis://127.0.0.1:{_closed_port()}/0", TRACK_RATE_LIMIT=LIMIT)
    client = app.test_client()

    statuses = [
        client.post(
            "/track",
            data={"number": "2026-000001", "receipt": "WRONG"},
            environ_base={"REMOTE_ADDR": ADDRESS},
        ).status_code
        for _ in range(4)
    ]

    assert statuses == [422, 422, 429, 429]


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", "not an address"),
        (None, "unknown"),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_subscriber_prefix(address, network):
    assert client_network(address) == network


def test_one_phone_changing_addresses_within_its_ipv6_prefix_stays_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per hour")

    def key(address: str) -> str:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return hashed_client_address()

    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff::9")
    assert key("2001:db8:1:2::1") != key("2001:db8:1:3::1")
    assert "2001:db8" not in key("2001:db8:1:2::1")
