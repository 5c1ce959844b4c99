"""Who may do what, and on which cases: the one place where roles and scope are decided.

Every staff account has one role and a unit subtree (its scope). A case is in an account's
scope when the case is about a unit in that subtree or assigned to one; department officers
see only the cases assigned to their subtree. Objects outside one's scope are answered with
404 by the console, as if they did not exist.

Recusal (回避) comes on top of the scope: a case about a cadre is never shown to the account
linked to that cadre, nor to accounts working inside the cadre's own units (the unit the case
is about and every unit where the cadre holds a post today, each with the units below it); it
goes to the organization department above them. The top of the tree has nothing above
it, so the accounts scoped there keep the cases about its own cadres (their own excepted).
Protected cases, opened when a reporter says they faced retaliation, are seen at the top only.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, bindparam, false, literal, or_, select, true

from portal.clock import local_today
from portal.extensions import db
from portal.models import Case, Post, Role, SupervisorConflict, Unit, UnitKind, User


class Permission(enum.StrEnum):
    """A capability the console checks before it shows or does something."""

    VIEW_CASES = "view_cases"
    RECORD_INTAKE = "record_intake"
    TRIAGE = "triage"
    HANDLE = "handle"
    WRITE_NOTES = "write_notes"
    VIEW_CONTACT = "view_contact"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    #: Ask a custodian to open a confidential reporter's sealed identity.
    REQUEST_IDENTITY = "request_identity"
    #: Approve or deny such a request (custodians only: never the person who reads it).
    DECIDE_IDENTITY = "decide_identity"
    #: Work as an image supervisor: redacted cases, own findings, comments, assessments.
    SUPERVISE = "supervise"
    ATTACH_EVIDENCE = "attach_evidence"
    REQUEST_EXTENSION = "request_extension"
    #: Decide extensions asked for by accounts lower in the tree.
    DECIDE_EXTENSION = "decide_extension"
    VIEW_ESCALATION = "view_escalation"
    MANAGE_DEADLINES = "manage_deadlines"
    #: Create rectification items from cases, run their satisfaction rounds and ballots.
    MANAGE_ITEMS = "manage_items"
    #: Draft a unit's commitment, progress and result, and ask for their publication.
    DRAFT_ITEMS = "draft_items"
    #: Approve what another person asked to publish (the second pair of eyes).
    APPROVE_PUBLICATION = "approve_publication"


#: Administrators may do everything but open sealed identities: that stays with custodians.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission) - {Permission.DECIDE_IDENTITY, Permission.SUPERVISE},
    Role.OPERATOR: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.RECORD_INTAKE,
            Permission.WRITE_NOTES,
            Permission.ATTACH_EVIDENCE,
        }
    ),
    Role.HANDLER: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.RECORD_INTAKE,
            Permission.TRIAGE,
            Permission.HANDLE,
            Permission.WRITE_NOTES,
            Permission.VIEW_CONTACT,
            Permission.REQUEST_IDENTITY,
            Permission.ATTACH_EVIDENCE,
            Permission.REQUEST_EXTENSION,
            Permission.DECIDE_EXTENSION,
            Permission.VIEW_ESCALATION,
            Permission.MANAGE_ITEMS,
            Permission.DRAFT_ITEMS,
            Permission.APPROVE_PUBLICATION,
        }
    ),
    Role.SUPERVISOR: frozenset({Permission.SUPERVISE}),
    Role.OFFICER: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.HANDLE,
            Permission.WRITE_NOTES,
            Permission.ATTACH_EVIDENCE,
            Permission.REQUEST_EXTENSION,
            Permission.DRAFT_ITEMS,
        }
    ),
    Role.CUSTODIAN: frozenset({Permission.DECIDE_IDENTITY}),
}


def can(user: User, permission: Permission) -> bool:
    """Tell whether the account's role grants a permission (a supervisor's only in term)."""
    return user.is_active and permission in ROLE_PERMISSIONS[user.role] and in_term(user)


def in_term(user: User) -> bool:
    """Tell whether the account may act today: an image supervisor only during their term."""
    if user.role != Role.SUPERVISOR:
        return True
    profile = user.supervisor_profile
    return profile is not None and profile.serves_on(local_today())


def unit_in_scope(user: User, unit: Unit | None) -> bool:
    """Tell whether a unit lies in the account's subtree."""
    return unit is not None and unit.path.startswith(user.unit.path)


def at_top(user: User) -> bool:
    """Tell whether the account's scope is the whole tree."""
    return user.unit.parent_id is None


def reads_whole_trail(user: User) -> bool:
    """Tell whether an account may read the audit trail: at the top, and linked to no cadre.

    The trail is the whole city's, case numbers and units included, and it cannot be cut by
    scope or recusal row by row: an administrator below the top would read the history of
    cases kept from them, and an administrator who is a cadre that of the cases about
    themselves (who handled them, who read the reporter's details).
    """
    return at_top(user) and user.cadre_id is None


def sees_protected(user: User) -> bool:
    """Tell whether the account may see protected cases: triage at the top of the tree."""
    return at_top(user) and can(user, Permission.TRIAGE)


def is_recused(user: User, case: Case) -> bool:
    """Tell whether the account must not see a case about a cadre: theirs, or their unit's."""
    if case.cadre_id is None:
        return False
    if user.cadre_id == case.cadre_id:
        return True
    if at_top(user):
        return False
    path = set(_path_ids(user.unit))
    return any(unit.id in path for unit in cadre_units(case))


def cadre_units(case: Case) -> list[Unit]:
    """Return the units of the cadre a case is about: the case's, and those of today's posts.

    A cadre may hold posts in several units at once, or move after the report came in; the
    colleagues of every one of them are recused.
    """
    if case.cadre is None:
        return []
    today = local_today()
    posted = [post.unit for post in case.cadre.posts if post.held_on(today)]
    return [case.unit, *(unit for unit in posted if unit.id != case.unit.id)]


def is_barred(user: User, case: Case) -> bool:
    """Tell whether recusal or protection keeps a case from the account, whatever its scope."""
    return is_recused(user, case) or (case.is_protected and not sees_protected(user))


def case_in_scope(user: User, case: Case) -> bool:
    """Tell whether a case is in the account's scope, recusal and protection considered."""
    if is_barred(user, case):
        return False
    if unit_in_scope(user, case.assigned_unit):
        return True
    return user.role != Role.OFFICER and unit_in_scope(user, case.unit)


def visible_cases(user: User) -> ColumnElement[bool]:
    """Return the SQL condition selecting the cases in the account's scope.

    Every list and count of cases goes through it. The recusal's unit ids are read from the
    account's path and sent as literals: a filter on each row, no subquery per row.
    """
    conditions = [*_scope(user, assigned_only=user.role == Role.OFFICER), *_recusal(user)]
    if not sees_protected(user):
        conditions.append(Case.is_protected.is_(false()))
    return and_(true(), *conditions)


def _scope(user: User, assigned_only: bool = False) -> list[ColumnElement[bool]]:
    """Return the condition of the account's subtree: cases about it or assigned into it."""
    if at_top(user):
        return []
    subtree = select(Unit.id).where(Unit.path.startswith(user.unit.path, autoescape=True))
    assigned = Case.assigned_unit_id.in_(subtree)
    return [assigned if assigned_only else or_(Case.unit_id.in_(subtree), assigned)]


def _recusal(user: User) -> list[ColumnElement[bool]]:
    """Return the condition that hides the cases the account is recused from."""
    outside: list[ColumnElement[bool]] = []
    if user.cadre_id is not None:
        outside.append(Case.cadre_id != literal(user.cadre_id, literal_execute=True))
    if not at_top(user):
        path = _path_ids(user.unit)
        outside.append(Case.unit_id.not_in(_literals(path)))
        posted = _cadres_posted_in(path)
        if posted:
            outside.append(Case.cadre_id.not_in(_literals(posted)))
    return [or_(Case.cadre_id.is_(None), and_(*outside))] if outside else []


def _cadres_posted_in(unit_ids: list[int]) -> list[int]:
    """Return the cadres holding a post today in one of the units."""
    today = local_today()
    query = select(Post.cadre_id).where(
        Post.unit_id.in_(_literals(unit_ids)),
        Post.starts_on <= today,
        or_(Post.ends_on.is_(None), Post.ends_on >= today),
    )
    return sorted(set(db.session.scalars(query)))


def can_see_case(user: User, case: Case) -> bool:
    """Tell whether the account may open a case at all."""
    return can(user, Permission.VIEW_CASES) and case_in_scope(user, case)


def may_handle(case: Case, unit: Unit) -> bool:
    """Tell whether a unit may be given a case: never one inside the accused cadre's unit.

    The cadre's units are the case's and those where the cadre holds a post today
    (:func:`cadre_units`). A protected case stays at the top of the tree; so does a case about
    a cadre of the top unit itself, which has no department above it.
    """
    if unit.parent_id is None:
        return True
    if case.is_protected:
        return False
    return not any(unit.path.startswith(own.path) for own in cadre_units(case))


def handling_unit(case: Case) -> Unit:
    """Return the unit that handles a case: its own, or for a cadre the department above.

    That department is the nearest organization department that lies outside every unit of
    the cadre, looking up the tree; the top of the tree when there is none.
    """
    if case.cadre_id is None and not case.is_protected:
        return case.unit
    unit = case.unit
    while unit.parent is not None:
        unit = unit.parent
        for child in unit.children:
            if child.kind == UnitKind.ORGANIZATION_DEPARTMENT and may_handle(case, child):
                return child
    return unit


def supervised_cases(user: User) -> ColumnElement[bool]:
    """Return the SQL condition selecting the cases an image supervisor may see, redacted.

    Their jurisdiction is their account's scope; the units they declared a conflict of
    interest with, and every unit below those, are left out, as cases about them or
    assigned to them.
    """
    conflicts = _literals(conflict_unit_ids(user))
    return and_(
        visible_cases(user),
        Case.unit_id.not_in(conflicts),
        or_(Case.assigned_unit_id.is_(None), Case.assigned_unit_id.not_in(conflicts)),
    )


def can_supervise_case(user: User, case: Case) -> bool:
    """Tell whether an image supervisor may see a case, redacted."""
    if not (can(user, Permission.SUPERVISE) and case_in_scope(user, case)):
        return False
    conflicts = set(conflict_unit_ids(user))
    return case.unit_id not in conflicts and case.assigned_unit_id not in conflicts


def conflict_unit_ids(user: User) -> list[int]:
    """Return the units a supervisor declared a conflict with, and every unit below them."""
    paths = db.session.scalars(
        select(Unit.path)
        .join(SupervisorConflict, SupervisorConflict.unit_id == Unit.id)
        .where(SupervisorConflict.user_id == user.id)
    ).all()
    if not paths:
        return []
    below = or_(*[Unit.path.startswith(path, autoescape=True) for path in paths])
    return list(db.session.scalars(select(Unit.id).where(below)))


def may_decide_identity(user: User, case: Case) -> bool:
    """Tell whether a custodian may decide on reading the identity of a case's reporter.

    Custodians see no cases, only the requests; the scope and the recusal apply as to anyone,
    and a protected case's requests go to the custodians at the top of the tree.
    """
    if not can(user, Permission.DECIDE_IDENTITY) or is_recused(user, case):
        return False
    if case.is_protected and not at_top(user):
        return False
    return unit_in_scope(user, case.unit) or unit_in_scope(user, case.assigned_unit)


def decidable_cases(user: User) -> ColumnElement[bool]:
    """Return the SQL condition selecting the cases whose requests a custodian decides."""
    conditions = [*_scope(user), *_recusal(user)]
    if not at_top(user):
        conditions.append(Case.is_protected.is_(false()))
    return and_(true(), *conditions)


def _path_ids(unit: Unit) -> list[int]:
    """Return the ids on a unit's path: its ancestors and itself, from the top down."""
    return [int(part) for part in unit.path.strip("/").split("/")]


def _literals(ids: Sequence[int]):
    """Send a list of ids as literals, which the planners read as they read constants."""
    return bindparam(None, list(ids), expanding=True, literal_execute=True)
