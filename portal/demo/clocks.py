"""The demo's clocks: due dates from the dated history, extensions, verdicts and check-ins.

The workflow starts a clock on the day it runs; the demo runs today the steps it dates in
the past, so each case's due date is computed again, by the rules, from the day its clock
really started (its dated event). Then, on the cases as they stand: extensions of open cases
asked for by whoever handles them and decided above them (approved, denied, waiting), the
reporters' verdicts on answers (one of them dissatisfied, which reopens its case), and the
retaliation check-in of two confidential reports past its date, one of them answered yes.
Everything goes through the services, so the audit trail vouches for it; the
:class:`~portal.demo.backdate.InsertClock` dates what the steps write.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm.attributes import flag_modified

from portal.clock import local_date
from portal.demo.accounts import DemoStaff
from portal.demo.backdate import InsertClock
from portal.extensions import db
from portal.models import Case, CaseStatus, ClockStage, ReporterMode, Role, Satisfaction, utcnow
from portal.policy import can_see_case
from portal.services import deadlines, extensions, feedback

#: The clocks' own seed: the same extensions and verdicts every run.
SEED = 10
#: Events that start a case's clock afresh.
CLOCK_STARTS = ("accept", "reopen", "reporter_reopen")
#: (working days, why), asked for by whoever handles the case.
REQUESTS = [
    (10, "涉及多个部门，需要协调人社、市场监管部门共同核实。"),
    (3, "当事人外出学习，需待其返回后谈话核实。"),
    (5, "需要调取窗口监控录像和排队记录，正在办理调取手续。"),
    (5, "举报涉及的材料较多，需补充调阅相关档案。"),
    (8, "需到现场走访群众，核实反映情况。"),
]
#: What the decider does with each request in turn: approve, deny, or leave it waiting.
DECISIONS = ["approve", "approve", "deny", None, None]
DENIAL = "理由不充分，请按期办结。"
#: How the reporters of answered cases judge the answer (满意 / 基本满意).
VERDICT_WEIGHTS = {Satisfaction.SATISFIED: 6, Satisfaction.BASICALLY_SATISFIED: 3}
VERDICT_SHARE = 0.5
DISSATISFIED = "答复说已经整改，但我上周去办事，窗口还是只开了一个，排队一个多小时。"
RETALIATION = "举报后，单位以工作调整为由把我调离了原岗位，年度考核也被定为基本称职。"


@dataclass(frozen=True)
class DemoClocks:
    """The cases worth following on the track page, with their receipts (shown only here)."""

    extended: tuple[Case, str] | None
    reopened: tuple[Case, str] | None
    asked: tuple[Case, str] | None
    retaliation: tuple[Case, str] | None


def build_clocks(staff: DemoStaff, submitted: list[tuple[Case, str]]) -> DemoClocks:
    """Date the clocks, then add extensions, verdicts and check-ins; flush."""
    rng = random.Random(SEED)  # noqa: S311  (demo data must be reproducible, not secret)
    with InsertClock(db.session()) as clock:
        for case, _receipt in submitted:
            restart_clock(case, clock)
        extended = _extensions(staff, submitted, clock)
        reopened = _verdicts(rng, submitted, clock)
        asked, retaliation = _checkins(submitted, clock)
    db.session.flush()
    return DemoClocks(extended, reopened, asked, retaliation)


def clock_details(clocks: DemoClocks) -> list[str]:
    """Return the lines that say which cases show the clocks on their track page."""
    shown = {
        "An open case whose deadline was extended": clocks.extended,
        "A case reopened because its reporter was dissatisfied": clocks.reopened,
        "A confidential reporter asked about retaliation": clocks.asked,
        "A reporter who faced retaliation (with a protected case)": clocks.retaliation,
    }
    return [
        f"{what}: {pair[0].number} with the receipt {pair[1]}."
        for what, pair in shown.items()
        if pair
    ]


def restart_clock(case: Case, clock: InsertClock) -> None:
    """Give a case the due date of the clock its dated history last started."""
    started = [event for event in case.events if event.action in CLOCK_STARTS]
    if not started:
        return  # intake set the clock to accept from the day received
    stage = deadlines.stage_of(started[-1].to_status) or ClockStage.ANSWER
    due = deadlines.due_date(stage, case, local_date(started[-1].created_at))
    if due != case.due_on:
        clock.moment = case.events[-1].created_at
        case.due_on = due
        # The case keeps the moment of its last step; written unchanged, the column would be
        # left out of the UPDATE, and its onupdate would date the case today.
        flag_modified(case, "updated_at")
        db.session.flush()


def _extensions(staff, submitted, clock: InsertClock) -> tuple[Case, str] | None:
    """Ask for extensions of the longest overdue handled cases, and decide most of them."""
    handled = [
        (case, receipt)
        for case, receipt in submitted
        if case.status in (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)
        and can_see_case(staff.acting_on(case), case)
    ]
    handled.sort(key=lambda pair: pair[0].due_on)
    extended = None
    for (case, receipt), (days, why), decision in zip(handled, REQUESTS, DECISIONS, strict=False):
        requester = staff.acting_on(case)
        # The city's handler has nobody above them in the tree but an administrator.
        decider = staff.users[Role.HANDLER if requester.role == Role.OFFICER else Role.ADMIN]
        clock.moment = _after(case.events[-1].created_at, days=1)
        extension = extensions.request_extension(case, requester, days, why)
        extension.created_at = clock.moment
        if decision is None:
            continue
        clock.moment = _after(clock.moment, days=1)
        if decision == "approve":
            extensions.approve_extension(extension, decider, "同意延期，请抓紧办理。")
            extended = extended or (case, receipt)
        else:
            extensions.deny_extension(extension, decider, DENIAL)
        extension.decided_at = clock.moment
    db.session.flush()
    return extended


def _verdicts(rng: random.Random, submitted, clock: InsertClock) -> tuple[Case, str] | None:
    """Let half the reporters judge their answer; the last answered one is dissatisfied."""
    answered = [pair for pair in submitted if feedback.answer_to_judge(pair[0])]
    # A closed case reopened would lose the moment it was closed: the dissatisfied verdict
    # is on a case still waiting for its reporter's verdict.
    waiting = [pair for pair in answered if pair[0].status == CaseStatus.ANSWERED]
    reopened = waiting[-1] if waiting else None
    for pair in answered:
        if pair is not reopened and rng.random() < VERDICT_SHARE:
            level = rng.choices(list(VERDICT_WEIGHTS), list(VERDICT_WEIGHTS.values()))[0]
            _judge(pair[0], level, "", clock)
    if reopened is not None:
        _judge(reopened[0], Satisfaction.DISSATISFIED, DISSATISFIED, clock)
        restart_clock(reopened[0], clock)
    return reopened


def _judge(case: Case, level: Satisfaction, reason: str, clock: InsertClock) -> None:
    clock.moment = _after(case.events[-1].created_at, days=2)
    verdict = feedback.record_verdict(case, level, reason)
    verdict.created_at = clock.moment


def _checkins(submitted, clock: InsertClock) -> tuple:
    """Leave one confidential reporter's check-in waiting; let another answer yes."""
    due = [pair for pair in submitted if feedback.checkin_due(pair[0])]
    confidential = [pair for pair in due if pair[0].reporter_mode == ReporterMode.CONFIDENTIAL]
    if len(confidential) < 2:
        return None, None
    asked, retaliation = confidential[-1], confidential[-2]
    clock.moment = utcnow()  # the protected case is received today, its first event now
    feedback.record_checkin(retaliation[0], True, RETALIATION)
    return asked, retaliation


def _after(moment: datetime, days: int) -> datetime:
    """Return a moment some days later, but never in the future."""
    return min(moment + timedelta(days=days), utcnow())
