"""Administering the deadline rules: how many working days each stage may take.

The rules hold for the whole city, so only an administrator at the top of the tree changes
them. The default rule of each stage (any kind, any channel) cannot be deleted or narrowed:
every case must find a rule. A change applies to the clocks started after it; the due
dates already set stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import CaseKind, Channel, ClockStage, DeadlineRule, User
from portal.policy import Permission, can
from portal.services import audit, deadlines
from portal.services.errors import DomainError
from portal.services.workflow import PermissionDenied

MOST_DAYS = 250
SAME_SCOPE = _l("A rule for this stage, kind and channel exists already: change that one.")


@dataclass(frozen=True)
class RuleTerms:
    """What a rule says: a stage, for a kind and a channel (None: any), takes so many days."""

    stage: ClockStage
    kind: CaseKind | None
    channel: Channel | None
    working_days: int

    @classmethod
    def of(cls, rule: DeadlineRule) -> RuleTerms:
        """Return the terms of a stored rule."""
        return cls(rule.stage, rule.kind, rule.channel, rule.working_days)

    def as_details(self) -> dict:
        """Return the terms as the audit trail stores them."""
        return {
            "stage": self.stage.value,
            "kind": self.kind.value if self.kind else None,
            "channel": self.channel.value if self.channel else None,
            "working_days": self.working_days,
        }


def is_default(rule: DeadlineRule) -> bool:
    """Tell whether a rule is the default of its stage (any kind, any channel)."""
    return rule.kind is None and rule.channel is None


def add_rule(actor: User, terms: RuleTerms) -> DeadlineRule:
    """Add a rule for a kind and/or a channel."""
    _check_manager(actor)
    _check_terms(terms, None)
    rule = DeadlineRule(**vars(terms))
    db.session.add(rule)
    _flush_unique()
    _changed("deadline_rule.add", actor, rule, terms.as_details())
    return rule


def change_rule(actor: User, rule: DeadlineRule, terms: RuleTerms) -> bool:
    """Change a rule; return False when nothing changed."""
    _check_manager(actor)
    before = RuleTerms.of(rule)
    if terms == before:
        return False
    if is_default(rule) and terms != RuleTerms(before.stage, None, None, terms.working_days):
        raise DomainError(_l("A default rule applies to every case: only its days can change."))
    _check_terms(terms, rule)
    for name, value in vars(terms).items():
        setattr(rule, name, value)
    _flush_unique()
    details = {"from": before.as_details(), "to": terms.as_details()}
    _changed("deadline_rule.change", actor, rule, details)
    return True


def delete_rule(actor: User, rule: DeadlineRule) -> None:
    """Delete a rule for a kind or channel; the cases it covered fall to a wider rule."""
    _check_manager(actor)
    if is_default(rule):
        raise DomainError(_l("The default rule of a stage cannot be deleted."))
    details = RuleTerms.of(rule).as_details()
    db.session.delete(rule)
    db.session.flush()
    _changed("deadline_rule.delete", actor, rule, details)


def may_manage(user: User) -> bool:
    """Tell whether the account may change the rules: the city's, so from the top only."""
    return can(user, Permission.MANAGE_DEADLINES) and user.unit.parent_id is None


def _check_manager(actor: User) -> None:
    if not may_manage(actor):
        raise PermissionDenied(
            _l("The deadline rules hold for the whole city: only its administrators change them.")
        )


def _check_terms(terms: RuleTerms, rule: DeadlineRule | None) -> None:
    if not 1 <= terms.working_days <= MOST_DAYS:
        raise DomainError(_l("Give 1 to 250 working days."), field="working_days")
    same = [
        other
        for other in deadlines.rules()
        if (other.stage, other.kind, other.channel) == (terms.stage, terms.kind, terms.channel)
        and other is not rule
    ]
    if same:
        raise DomainError(SAME_SCOPE, field="kind")


def _flush_unique() -> None:
    """Flush; a rule another administrator gave the same scope meanwhile is refused."""
    try:
        db.session.flush()
    except IntegrityError as error:  # the caller rolls back
        raise DomainError(SAME_SCOPE, field="kind") from error


def _changed(action: str, actor: User, rule: DeadlineRule, details: dict) -> None:
    deadlines.forget_rules()
    audit.record(
        action, actor=actor, object_type="deadline_rule", object_id=rule.id, details=details
    )
