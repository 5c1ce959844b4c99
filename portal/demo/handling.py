"""How the demo's staff handled each case, step by step, dated after the case arrived.

Every step goes through the workflow service, acting as a demo account: the city's handler
accepts, rejects, assigns and merges; the cases of the officer's bureau are handled by the
officer, the others by the handler. So each step writes its history event and its audit
event exactly as a click in the console does, and ``flask audit verify`` passes on the demo.
The :class:`~portal.demo.backdate.InsertClock` dates what each step writes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from portal.clock import local_zone
from portal.demo import replies
from portal.demo.accounts import DemoStaff
from portal.demo.backdate import InsertClock
from portal.models import Case, CaseStatus, RejectionReason, User
from portal.policy import handling_unit
from portal.services import workflow

S = CaseStatus
#: action -> (the status it leads to, fewest and most days after the previous step)
STEPS = {
    "accept": (S.ACCEPTED, 1, 3),
    "reject": (S.REJECTED, 1, 5),
    "assign": (S.ASSIGNED, 1, 4),
    "start": (S.IN_PROGRESS, 1, 3),
    "answer": (S.ANSWERED, 5, 25),
    "close": (S.CLOSED, 3, 12),
    "merge": (S.MERGED, 1, 3),
}
HANDLING = ["accept", "assign", "start", "answer", "close"]
#: Steps that decide what becomes of a case; the others handle it.
TRIAGE = frozenset({"accept", "reject", "assign", "merge"})


def handle_case(
    rng: random.Random,
    case: Case,
    target: CaseStatus,
    now: datetime,
    staff: DemoStaff,
    clock: InsertClock,
    master: Case | None = None,
) -> None:
    """Take a case towards its target status, stopping at the steps that lie in the future.

    The clock stands at the case's arrival; each step moves it on. A duplicate (target
    MERGED) is merged into ``master``.
    """
    for action in path_to(target):
        _status, fewest, most = STEPS[action]
        at = _office_hours_later(rng, clock.moment, rng.randint(fewest, most))
        if at > now:
            return
        clock.moment = at
        actor = staff.triager() if action in TRIAGE else staff.acting_on(case)
        _take(rng, action, case, actor, staff, master)


def path_to(target: CaseStatus) -> list[str]:
    """Return the actions that take a received case to a status."""
    if target in (S.REJECTED, S.MERGED):
        return ["reject" if target == S.REJECTED else "merge"]
    reached = [action for action in HANDLING if STEPS[action][0] == target]
    return HANDLING[: HANDLING.index(reached[0]) + 1] if reached else []


#: Steps that need nothing but the case, the actor and the version they saw.
PLAIN_STEPS = {
    "accept": workflow.accept_case,
    "start": workflow.start_case,
    "close": workflow.close_case,
}


def _take(
    rng: random.Random, action: str, case: Case, actor: User, staff: DemoStaff, master: Case | None
) -> None:
    """Take one step through the workflow service, as the actor, with what it needs."""
    version = case.version
    if action == "reject":
        reason, explanation = rng.choice(replies.REJECTIONS)
        workflow.reject_case(case, actor, version, RejectionReason(reason), explanation)
    elif action == "assign":
        unit = handling_unit(case)  # recusal: a case about a cadre goes to the department above
        workflow.assign_case(case, actor, version, unit, staff.handler_for(unit))
    elif action == "answer":
        answer = replies.answer_for(rng, case.kind, case.title, case.unit.name)
        workflow.answer_case(case, actor, version, answer)
    elif action == "merge":
        workflow.merge_case(case, actor, version, master)
    else:
        PLAIN_STEPS[action](case, actor, version)


def _office_hours_later(rng: random.Random, moment: datetime, days: int) -> datetime:
    """Return a moment in office hours (9:00-17:30, city time) some days after another."""
    day = moment.astimezone(local_zone()).date() + timedelta(days=days)
    minutes = 9 * 60 + rng.randrange(8 * 60 + 30)
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=local_zone())
    return local.astimezone(UTC)
