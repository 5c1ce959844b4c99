"""The demo's staff: one account per role, each scoped to a believable unit.

The passwords and the administrator's two-factor secret are fixed and printed, so that
whoever builds the demo can sign in straight away with any role. They guard nothing real:
``seed-demo`` refuses to run in production.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.demo.city import DemoCity
from portal.extensions import db
from portal.models import Case, Channel, Role, Unit, User, utcnow
from portal.policy import unit_in_scope
from portal.services import totp
from portal.services.accounts import create_user

#: The administrator's TOTP secret (base32), to type into an authenticator app.
DEMO_TOTP_SECRET = "YUNZHOUDEMOADMINTWOFACTORSECRET2"  # noqa: S105 (printed, demo only)


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: its role, sign-in details and the unit its scope starts at."""

    role: Role
    username: str
    display_name: str
    unit_key: str
    password: str


#: Administrators, operators, handlers and the identity custodian work for the whole city;
#: the image supervisor watches one district, and the officer works in one municipal bureau.
ACCOUNTS = [
    DemoAccount(Role.ADMIN, "demo.admin", "苏婉清", "city", "lantern-harbour-quince-58"),
    DemoAccount(Role.OPERATOR, "demo.operator", "顾晓燕", "city", "copper-kettle-meadow-12380"),
    DemoAccount(Role.HANDLER, "demo.handler", "江涛", "city", "river-ledger-saffron-27"),
    DemoAccount(
        Role.SUPERVISOR, "demo.supervisor", "钱立群", "yunzhong", "willow-compass-pepper-64"
    ),
    DemoAccount(Role.OFFICER, "demo.officer", "方志诚", "approval", "granite-orchard-violin-39"),
    DemoAccount(Role.CUSTODIAN, "demo.custodian", "严守真", "city", "vault-meridian-sorrel-46"),
]


@dataclass(frozen=True)
class DemoStaff:
    """The demo's accounts by role, and who of them acts on a case."""

    users: dict[Role, User]

    def recorder(self, channel: Channel) -> User | None:
        """Return who typed a case in: the operator, unless the reporter used the web form."""
        return None if channel == Channel.WEB else self.users[Role.OPERATOR]

    def triager(self) -> User:
        """Return who accepts, rejects, assigns and merges cases."""
        return self.users[Role.HANDLER]

    def handler_for(self, unit: Unit) -> User:
        """Return who handles the cases of a unit: its officer, or the city's handler."""
        officer = self.users[Role.OFFICER]
        return officer if unit_in_scope(officer, unit) else self.users[Role.HANDLER]

    def acting_on(self, case: Case) -> User:
        """Return who takes the handling steps of an assigned case."""
        return self.handler_for(case.assigned_unit) if case.assigned_unit else self.triager()


def create_staff(city: DemoCity) -> DemoStaff:
    """Create the demo accounts through the accounts service, the administrator with TOTP."""
    users = {
        account.role: create_user(
            account.username,
            account.display_name,
            account.role,
            city.units[account.unit_key],
            account.password,
            must_change_password=False,
        )
        for account in ACCOUNTS
    }
    admin = users[Role.ADMIN]
    totp.set_totp(admin, DEMO_TOTP_SECRET, pyotp.TOTP(DEMO_TOTP_SECRET).at(utcnow()))
    # That code was made here, never typed or seen: nothing to replay, so the current code
    # may sign in at once instead of only the next one.
    admin.totp_last_step = None
    return DemoStaff(users)


def find_staff() -> DemoStaff | None:
    """Return the accounts of a demo built before, or None if they are no longer as built."""
    names = [account.username for account in ACCOUNTS]
    users = db.session.scalars(select(User).where(User.username.in_(names))).all()
    if sorted(user.role for user in users) != sorted(account.role for account in ACCOUNTS):
        return None  # deleted or given another role since: the printed details would be wrong
    return DemoStaff({user.role: user for user in users})


def sign_in_details(staff: DemoStaff) -> list[str]:
    """Return the lines that tell how to sign in with each demo account."""
    lines = ["Demo staff accounts: sign in at /console/login (demo passwords, never for real use)."]
    for account in ACCOUNTS:
        unit = staff.users[account.role].unit
        lines.append(
            f"  {account.role.value:<11} {account.username:<16} {account.password:<27}"
            f" {unit.name} ({unit.name_en})"
        )
    issuer = current_app.config["SITE_NAME"] or _("Supervision console")
    uri = totp.provisioning_uri(staff.users[Role.ADMIN], DEMO_TOTP_SECRET, issuer)
    lines += [
        "  The administrator also gives a two-factor code: add this secret to an authenticator",
        f"  app, {DEMO_TOTP_SECRET}, or open this address on the phone that has it:",
        f"  {uri}",
    ]
    return lines
