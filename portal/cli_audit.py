"""``flask --app portal audit``: prove the audit trail's hash chain is whole, and anchor it.

``verify`` walks the whole chain and names every edited, inserted or deleted event. The
chain alone cannot show that its newest events were cut off, so ``head`` prints the newest
event's position and hash to be kept somewhere else (a ticket, a notebook, another
server), and ``verify --anchor SEQ:HASH`` later proves that event is still there, unchanged.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import GENESIS_HASH, AuditEvent
from portal.services import audit


@click.group("audit")
def audit_command() -> None:
    """Check the audit trail's hash chain."""


@audit_command.command("verify")
@click.option(
    "--anchor",
    metavar="SEQ:HASH",
    help="An event noted earlier with 'audit head', which must still be there, unchanged.",
)
@with_appcontext
def verify(anchor: str | None) -> None:
    """Walk the whole chain; exit 1 naming every edited, inserted or deleted event."""
    problems = [f"seq {p.seq}: {p.kind} ({p.message})" for p in audit.verify_chain()]
    if anchor is not None:
        problems.extend(_anchor_problems(anchor))
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    if problems:
        for problem in problems:
            click.echo(problem)
        click.echo(f"{count} events, chain BROKEN: {len(problems)} problem(s).", err=True)
        raise SystemExit(1)
    click.echo(f"{count} events, chain intact, head {_head()[1]}")


@audit_command.command("head")
@with_appcontext
def head() -> None:
    """Print the newest event's seq and hash, to keep elsewhere as an anchor."""
    seq, digest = _head()
    click.echo(f"{seq}:{digest}")


def _head() -> tuple[int, str]:
    """Return the newest event's seq and hash (0 and the genesis hash for an empty trail)."""
    newest = audit.chain_head()
    return (newest.seq, newest.hash) if newest else (0, GENESIS_HASH)


def _anchor_problems(anchor: str) -> list[str]:
    """Return what is wrong with an anchored event: gone, or no longer the same."""
    seq_text, _, digest = anchor.strip().partition(":")
    if not (seq_text.isdigit() and len(digest) == len(GENESIS_HASH)):
        raise click.BadParameter(
            "give it as SEQ:HASH, as 'audit head' prints it", param_hint="--anchor"
        )
    if int(seq_text) == 0 and digest == GENESIS_HASH:
        return []  # noted while the trail was still empty: nothing to lose yet
    event = db.session.get(AuditEvent, int(seq_text))
    if event is None:
        return [f"seq {seq_text}: deleted (the anchored event is gone)"]
    if event.hash != digest.lower():
        return [f"seq {seq_text}: edited (the anchored event's hash is not the one noted)"]
    return []
