"""The console's first page: the work waiting for the signed-in account, whatever its role.

Case roles see their counts; other areas of the console (identity requests, supervision)
add a panel of their own with :func:`add_dashboard_panel`, shown when it has values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from moderation import console
from moderation.guard import add_nav_item, requires
from portal.models import User
from portal.policy import Permission, can
from portal.services.queue_counts import my_work_counts


@dataclass(frozen=True)
class DashboardPanel:
    """A section of the first page, with its template and the values it shows."""

    template: str
    #: Return the panel's values for an account, or None to leave the panel out.
    values: Callable[[User], dict | None]
    order: int


DASHBOARD_PANELS: list[DashboardPanel] = []


def add_dashboard_panel(
    template: str, values: Callable[[User], dict | None], order: int = 50
) -> None:
    """Put a panel on the first page; its template reads ``panel_values``."""
    DASHBOARD_PANELS.append(DashboardPanel(template, values, order))
    DASHBOARD_PANELS.sort(key=lambda panel: panel.order)


@console.get("/")
@requires()
def dashboard():
    """Show the work waiting for the account: its cases, and what its role adds."""
    user = current_user._get_current_object()
    counts = my_work_counts(user) if can(user, Permission.VIEW_CASES) else None
    panels = [(panel, values) for panel in DASHBOARD_PANELS if (values := panel.values(user))]
    return render_template("moderation/dashboard.html", counts=counts, panels=panels)


add_nav_item("console.dashboard", _l("My work"), None, order=10)
