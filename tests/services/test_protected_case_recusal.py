"""A protected case about retaliation is about the original's cadre, and recusal hides it too.

The reporter's yes opens the case at the top of the tree; the accused cadre's own account,
scoped there, must find it nowhere: not in lists, counts or search, not by its number.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Case, CaseKind, ReporterMode, Role
from portal.policy import can_see_case, handling_unit, is_recused, may_handle, visible_cases
from portal.services import feedback
from portal.services.intake import ContactDetails
from portal.services.queue import QueueFilter, queue_page
from tests.factories import add_user, build_city, make_case

CITY = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def city(app_context):
    return build_city()


def _protected_case_about(city, cadre, time_machine) -> tuple[Case, Case]:
    """Report the cadre confidentially, then say yes to the check-in; return both cases."""
    original, _receipt = make_case(
        city.bureau,
        kind=CaseKind.REPORT,
        cadre_id=cadre.id,
        reporter_mode=ReporterMode.CONFIDENTIAL,
        contact=ContactDetails(name="李四", phone="13800000000"),
    )
    time_machine.move_to(datetime.now(CITY) + timedelta(days=100), tick=False)
    return original, feedback.record_checkin(original, True, "被单位调离原岗位").protected_case


def _sees(user, case) -> bool:
    """Tell whether the account sees the case, asking the SQL and the Python rule alike."""
    in_sql = db.session.scalar(select(Case.id).where(Case.id == case.id, visible_cases(user)))
    assert (in_sql is not None) == can_see_case(user, case)
    return in_sql is not None


def test_the_protected_case_is_about_the_cadre_and_post_of_the_original(city, time_machine):
    original, protected = _protected_case_about(city, city.cadre, time_machine)

    assert (protected.cadre_id, protected.post_id) == (city.cadre.id, city.post.id)
    assert (original.cadre_id, original.post_id) == (protected.cadre_id, protected.post_id)
    assert protected.is_protected and protected.unit == city.committee
    assert handling_unit(protected) == city.committee
    assert may_handle(protected, city.committee) and not may_handle(protected, city.district)


def test_the_accused_cadres_account_at_the_top_never_sees_the_protected_case(city, time_machine):
    accused = add_user(Role.HANDLER, city.committee, "accused", cadre_id=city.cadre.id)
    colleague = add_user(Role.HANDLER, city.committee, "colleague")

    _original, protected = _protected_case_about(city, city.cadre, time_machine)

    assert is_recused(accused, protected)
    assert not _sees(accused, protected)
    assert _sees(colleague, protected)  # the top still handles it


def test_the_accused_cadres_counts_and_search_are_the_same_without_it(city, time_machine):
    accused = add_user(Role.HANDLER, city.committee, "accused", cadre_id=city.cadre.id)
    colleague = add_user(Role.HANDLER, city.committee, "colleague")
    search = QueueFilter(text="打击报复")

    _original, protected = _protected_case_about(city, city.cadre, time_machine)

    assert db.session.scalar(select(func.count(Case.id)).where(visible_cases(accused))) == 0
    assert queue_page(accused, search).cases == []
    assert queue_page(colleague, search).cases == [protected]
