"""Request-level protections: limiter keys, security headers, cache rules."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from flask import Flask, Response, current_app, request

#: The IPv6 prefix one subscriber holds: carriers give each phone or home a whole /64, and
#: a client can take any address of it.
IPV6_SUBSCRIBER_PREFIX = 64


def client_network(address: str | None) -> str:
    """Return what identifies a client for limits: its IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_SUBSCRIBER_PREFIX}", strict=False))
    return str(ip)


def hashed_client_address() -> str:
    """Return the rate-limit key of the client: an HMAC of its network, never the address."""
    network = client_network(request.remote_addr).encode()
    key = current_app.config["SECRET_KEY"].encode() + b"/limiter"
    return hmac.new(key, network, hashlib.sha256).hexdigest()[:32]


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def set_security_headers(response: Response) -> Response:
    """Add the headers every page carries."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin, not no-referrer: Flask-WTF checks the Referer of POSTs over HTTPS.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    """Register the headers and, behind proxies, the trusted forwarding headers."""
    app.after_request(set_security_headers)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
