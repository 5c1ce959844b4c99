"""``flask --app portal create-admin``: the first administrator, before anyone can sign in."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.models import Role
from portal.services import accounts
from portal.services.errors import DomainError
from portal.services.units import get_unit


@click.command("create-admin")
@click.option("--username", required=True, help="Sign-in name: lower-case letters and digits.")
@click.option("--display-name", required=True, help="The name colleagues see.")
@click.option("--unit-id", type=int, required=True, help="The unit whose subtree it manages.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--cadre-id", type=int, help="The cadre the account belongs to (never sees cases about them)."
)
@with_appcontext
def create_admin(
    username: str, display_name: str, unit_id: int, password_stdin: bool, cadre_id: int | None
) -> None:
    """Create an administrator account, which sets up two-factor sign-in at first use."""
    unit = get_unit(unit_id, public_only=False)
    if unit is None:
        raise click.ClickException(f"There is no unit with id {unit_id}.")
    if accounts.find_user(username) is not None:
        raise click.ClickException(f"The username {username.strip().lower()} is taken.")
    password = _read_password(password_stdin)
    try:
        user = accounts.create_user(
            username,
            display_name,
            Role.ADMIN,
            unit,
            password,
            must_change_password=False,
            cadre_id=cadre_id,
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Created the administrator {user.username} for {unit.name}.")
    click.echo("Next: sign in at /console/login. You will be asked to set up two-factor")
    click.echo("sign-in with an authenticator app before you can use the console.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
