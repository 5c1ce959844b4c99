"""The console's guard: one check in front of every console route, denying by default.

A view declares what it needs with ``@requires(Permission...)`` or ``@sign_in_page``; a
view that declares nothing is refused to everyone. Out-of-scope objects are 404s (see
``moderation.loading``); refusals are written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import LazyString
from flask_login import current_user

from moderation import console
from portal import auth
from portal.extensions import db
from portal.models import Role, User
from portal.policy import Permission, can
from portal.services import audit

#: Endpoints a signed-in account may use while it owes a password change or TOTP set-up.
SETUP_ENDPOINTS = {"console.change_password", "console.enroll_totp", "console.logout"}


def requires(*permissions: Permission) -> Callable:
    """Declare the permissions a console view needs (all of them)."""

    def mark(view: Callable) -> Callable:
        view.required_permissions = frozenset(permissions)  # type: ignore[attr-defined]
        return view

    return mark


def sign_in_page(view: Callable) -> Callable:
    """Declare a view that people who are not signed in may use (the sign-in steps)."""
    view.is_sign_in_page = True  # type: ignore[attr-defined]
    return view


@dataclass(frozen=True)
class NavItem:
    """An entry of the console's navigation, shown to accounts with its permission."""

    endpoint: str
    label: LazyString
    permission: Permission | None
    order: int
    #: A further condition on the account, for pages its permission alone does not open.
    visible: Callable[[User], bool] | None = None


NAVIGATION: list[NavItem] = []


def add_nav_item(
    endpoint: str,
    label: LazyString,
    permission: Permission | None,
    order: int,
    visible: Callable[[User], bool] | None = None,
):
    """Put a page in the console's navigation."""
    NAVIGATION.append(NavItem(endpoint, label, permission, order, visible))
    NAVIGATION.sort(key=lambda item: item.order)


@console.app_context_processor
def navigation() -> dict:
    """Give console templates the navigation the current account may use."""

    def items() -> list[NavItem]:
        if not current_user.is_authenticated:
            return []
        return [
            item
            for item in NAVIGATION
            if (item.permission is None or can(current_user, item.permission))
            and (item.visible is None or item.visible(current_user))
        ]

    return {"console_navigation": items}


@console.after_request
def no_store(response):
    """Keep console pages, full of personal data, out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@console.before_request
def guard():
    """Admit a console request only for a signed-in account whose role allows the view."""
    g.begin_immediate = True  # console writes are rare: take SQLite's write lock up front
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        abort(404)
    if getattr(view, "is_sign_in_page", False):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    if auth.session_expired():
        auth.end_session(None)
        return redirect(url_for("console.login", next=request.full_path.rstrip("?"), expired=1))
    owed = _owed_setup_step()
    if owed and request.endpoint not in SETUP_ENDPOINTS:
        return redirect(url_for(owed))
    required = getattr(view, "required_permissions", None)
    if required is None or not all(can(current_user, p) for p in required):
        refuse(403 if required is not None else 404)
    return None


def _owed_setup_step() -> str | None:
    if current_user.must_change_password:
        return "console.change_password"
    if current_user.role == Role.ADMIN and not current_user.has_totp:
        return "console.enroll_totp"
    return None


def refuse(status: int, reason: str = "role") -> None:
    """Write the refusal to the audit trail and answer with the status (403 or 404)."""
    db.session.rollback()
    audit.record(
        "access.refused",
        actor=current_user if current_user.is_authenticated else None,
        actor_label="anonymous",
        object_type="endpoint",
        object_id=request.endpoint,
        details={"path": request.path, "method": request.method, "reason": reason},
    )
    db.session.commit()
    abort(status)
