"""The demo's reporter protection: sealed identities opened or not, and image supervisors.

The city's handler asks to read three confidential reporters' identities; the custodian
leaves one request waiting, approves one (which the handler reads, so its reporter sees it on
the track page) and denies one with a reason. Three image supervisors, each with a term, an
affiliation and a declared conflict of interest, watch a district or a county; one of them
records a finding and comments on a case. Everything goes through the services, as clicks in
the console would, so the audit trail vouches for it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select

from portal.clock import local_today
from portal.demo.accounts import DemoStaff
from portal.demo.backdate import InsertClock
from portal.demo.city import UNITS
from portal.extensions import db
from portal.models import (
    Case,
    CaseKind,
    CaseStatus,
    Category,
    ReporterMode,
    Role,
    SupervisorKind,
    Unit,
    User,
    utcnow,
)
from portal.policy import can_supervise_case
from portal.services import identity, supervisors
from portal.services.accounts import create_user
from portal.services.intake import Submission


@dataclass(frozen=True)
class DemoSupervisor:
    """An image supervisor of the demo: account, appointment and declared conflict."""

    username: str
    display_name: str
    unit_key: str
    password: str
    kind: SupervisorKind
    affiliation: str
    conflict_key: str
    conflict_reason: str


#: The first is the demo's supervisor account (portal.demo.accounts); two more join them.
SUPERVISORS = [
    DemoSupervisor(
        "demo.supervisor", "钱立群", "yunzhong", "", SupervisorKind.DEPUTY,
        "云州市人大代表（云中区选区）", "gulou", "本人住鼓楼街道，兼任社区居委会委员",
    ),
    DemoSupervisor(
        "demo.supervisor2", "林晓梅", "linjiang", "harbour-thistle-abacus-73",
        SupervisorKind.EMPLOYEE_REPRESENTATIVE, "临江区总工会职工代表", "binjiang",
        "在滨江街道社区卫生服务中心工作",
    ),
    DemoSupervisor(
        "demo.supervisor3", "高建明", "qingshi", "cobalt-orchard-lantern-15",
        SupervisorKind.CPPCC_MEMBER, "青石县政协委员", "hekou", "配偶在河口镇政府工作",
    ),
]  # fmt: skip
#: The handler's reasons, and the custodian's answer to the last one.
MOTIVATIONS = [
    "举报人反映的时间地点有出入，需要电话核实当天是否本人到场。",
    "拟请举报人当面指认涉事窗口人员，需要其联系方式预约面谈。",
    "想了解举报人是谁。",
]
DENIAL = "理由不足：核实时间地点可先调取窗口监控和排队记录，无需开启举报人身份。"
FINDING = Submission(
    kind=CaseKind.REPORT,
    unit_id=None,
    title="文昌街道便民服务大厅午间无人值守",
    body="本人于工作日中午十二点半到文昌街道便民服务大厅暗访，三个窗口均无人，"
    "群众排队等候二十分钟，墙上未公示午间值班安排。",
    event_place="文昌街道便民服务大厅",
)
COMMENT = "回访中群众反映问题已有改善，建议一个月后再次暗访，确认整改是否持续。"


@dataclass(frozen=True)
class DemoProtection:
    """What the demo's protection step made that is worth printing."""

    #: The case whose reporter's identity was opened, with its receipt (shown only here).
    opened: tuple[Case, str] | None


def build_protection(staff: DemoStaff, submitted: list[tuple[Case, str]]) -> DemoProtection:
    """Add the supervisors, their finding and comment, and the identity requests; flush."""
    admin, handler = staff.users[Role.ADMIN], staff.users[Role.HANDLER]
    watching = [_supervisor(admin, staff, spec) for spec in SUPERVISORS]
    _finding_and_comment(watching[0], submitted)
    sealed = [
        pair
        for pair in submitted
        if pair[0].reporter_mode == ReporterMode.CONFIDENTIAL
        and pair[0].status in (CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)
    ][-3:]
    custodian = staff.users[Role.CUSTODIAN]
    requests = [
        identity.request_identity(case, handler, why)
        for (case, _receipt), why in zip(sealed, MOTIVATIONS, strict=False)
    ]
    if len(requests) < 3:
        return DemoProtection(None)
    _waiting, approved, refused = requests
    identity.decide_request(approved, custodian, approve=True, reason="")
    identity.read_identity(approved, handler)
    identity.decide_request(refused, custodian, approve=False, reason=DENIAL)
    return DemoProtection(sealed[1])


def protection_details(protection: DemoProtection | None = None) -> list[str]:
    """Return the lines that tell how to sign in as the other supervisors, and what to see."""
    lines = ["More image supervisors (demo passwords), each with a term and a declared conflict:"]
    for spec in SUPERVISORS[1:]:
        user = db.session.scalar(select(User).where(User.username == spec.username))
        if user is not None:
            lines.append(f"  {spec.username:<17} {spec.password:<27} {user.unit.name}")
    if protection is not None and protection.opened is not None:
        case, receipt = protection.opened
        lines.append(
            f"A reporter whose sealed identity was opened, as their track page shows: case"
            f" {case.number}, receipt {receipt}."
        )
    return lines


def _supervisor(admin: User, staff: DemoStaff, spec: DemoSupervisor) -> User:
    """Return a supervisor's account (made if new), appointed, with their conflict declared."""
    unit = _unit(spec.unit_key)
    user = staff.users[Role.SUPERVISOR] if spec.username == "demo.supervisor" else None
    if user is None:
        user = create_user(
            spec.username,
            spec.display_name,
            Role.SUPERVISOR,
            unit,
            spec.password,
            created_by=admin,
            must_change_password=False,
        )
    today = local_today()
    term = (today - timedelta(days=400), today + timedelta(days=695))
    supervisors.appoint_supervisor(admin, user, spec.kind, term, spec.affiliation)
    supervisors.declare_conflict(user, _unit(spec.conflict_key), spec.conflict_reason)
    return user


def _finding_and_comment(supervisor: User, submitted: list[tuple[Case, str]]) -> None:
    """Record the supervisor's finding, and comment on a case they watch."""
    category = db.session.scalar(select(Category).where(Category.code == "work_style"))
    finding = replace(
        FINDING,
        unit_id=_unit("wenchang").id,
        category_id=category.id,
        event_date=local_today() - timedelta(days=2),
    )
    with InsertClock(db.session()) as clock:
        clock.moment = utcnow()  # the case and its first event share their moment
        supervisors.record_finding(supervisor, finding)
    watched = [
        case
        for case, _receipt in submitted
        if case.status == CaseStatus.ANSWERED and can_supervise_case(supervisor, case)
    ]
    if watched:
        supervisors.add_comment(watched[-1], supervisor, COMMENT)


def _unit(key: str) -> Unit:
    name = next(name for unit_key, _parent, name, _en, _kind in UNITS if unit_key == key)
    return db.session.scalar(select(Unit).where(Unit.name == name))
