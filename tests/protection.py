"""Helpers for the tests of reporter protection: sealed identities, recusal, supervisors."""

from __future__ import annotations

from datetime import timedelta

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    Case,
    ReporterMode,
    SupervisorConflict,
    SupervisorKind,
    SupervisorProfile,
    Unit,
    User,
)
from portal.services.intake import ContactDetails
from tests.factories import make_case

#: A confidential reporter, and words of their own that give them away.
REPORTER = ContactDetails(
    name="陈秀兰", phone="13912345678", email="chenxiulan@example.cn", address="人民路88号"
)
TELLING_BODY = (
    "我是陈秀兰，住人民路88号，电话13912345678，邮箱chenxiulan@example.cn，"
    "身份证号110101199003071234。窗口人员要求请客才办事。"
)


def sealed_case(unit: Unit, **fields) -> Case:
    """Submit a confidential report whose text names its reporter; return the case."""
    values = {
        "title": "陈秀兰反映窗口吃拿卡要",
        "body": TELLING_BODY,
        "reporter_mode": ReporterMode.CONFIDENTIAL,
        "contact": REPORTER,
        **fields,
    }
    case, _receipt = make_case(unit, **values)
    return case


def appoint(supervisor: User, *conflicts: Unit, days_left: int = 30) -> SupervisorProfile:
    """Give a supervisor a term around today (or one that ended) and declared conflicts."""
    today = local_today()
    profile = SupervisorProfile(
        user=supervisor,
        kind=SupervisorKind.DEPUTY,
        affiliation="市人大代表",
        term_starts=today - timedelta(days=60),
        term_ends=today + timedelta(days=days_left),
    )
    db.session.add(profile)
    for unit in conflicts:
        db.session.add(SupervisorConflict(user_id=supervisor.id, unit_id=unit.id, reason="亲属"))
    db.session.flush()
    db.session.expire(supervisor, ["supervisor_profile"])
    return profile
