"""Recusal: a case about a cadre never reaches that cadre, nor the accounts of the cadre's unit.

The rule holds everywhere cases are listed or counted: the accused's every count is the same
with and without the report about them.
"""

from dataclasses import astuple
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.clock import local_today
from portal.extensions import db
from portal.models import (
    Case,
    CaseKind,
    CaseStatus,
    Channel,
    Post,
    RejectionReason,
    Role,
    UnitKind,
    User,
)
from portal.policy import can_see_case, handling_unit, is_recused, may_handle, visible_cases
from portal.services import queue, workflow
from portal.services.cases import assignable_units, case_file, possible_handlers
from portal.services.errors import DomainError
from portal.services.queue import AssignOutcome, QueueFilter, bulk_assign, queue_page
from portal.services.queue_counts import my_work_counts
from tests.factories import add_cadre, add_unit, add_user, build_city, category, make_case


@pytest.fixture
def city(app_context):
    return build_city()


def _report_about(cadre, unit, **fields):
    values = {"cadre_id": cadre.id, "title": "吃拿卡要", "body": "窗口人员要求请客。"}
    case, _receipt = make_case(unit, kind=CaseKind.REPORT, **{**values, **fields})
    return case


def _sees(user, case) -> bool:
    """Tell whether the account sees the case, asking the SQL and the Python rule alike."""
    in_sql = db.session.scalar(select(Case.id).where(Case.id == case.id, visible_cases(user)))
    assert (in_sql is not None) == can_see_case(user, case)
    return in_sql is not None


def test_the_cadres_own_account_never_sees_the_case(city):
    accused = add_user(Role.HANDLER, city.committee, "accused", cadre_id=city.cadre.id)

    report = _report_about(city.cadre, city.bureau)

    assert is_recused(accused, report)
    assert not _sees(accused, report)


def test_accounts_of_the_cadres_unit_and_below_never_see_it(city):
    township_cadre, _post = add_cadre("李明", city.township, title="主任")
    report = _report_about(township_cadre, city.township)
    colleague = add_user(Role.HANDLER, city.township, "colleague")
    district = add_user(Role.HANDLER, city.district, "district")
    district_report = _report_about(add_cadre("周强", city.district)[0], city.district)

    assert not _sees(colleague, report)
    assert _sees(district, report)  # the department above still handles it
    assert not _sees(district, district_report)
    assert not _sees(colleague, district_report)  # the township lies below the district


def test_the_top_of_the_tree_keeps_the_cases_about_its_own_cadres(city):
    committee_cadre, _post = add_cadre("赵书记", city.committee, title="书记")
    report = _report_about(committee_cadre, city.committee)
    handler = add_user(Role.HANDLER, city.committee, "handler")

    assert _sees(handler, report)
    assert may_handle(report, city.committee)
    assert handling_unit(report) == city.committee


def test_the_colleagues_of_every_post_the_cadre_holds_are_recused(city):
    # The head of the district's organization department is also the township's secretary:
    # a report from the township must not land in the head's own department.
    department = add_unit("东城区委组织部", UnitKind.ORGANIZATION_DEPARTMENT, city.district)
    head, _post = add_cadre("钱部长", department, title="部长")
    db.session.add(
        Post(cadre=head, unit=city.township, title="党工委书记", starts_on=date(2021, 1, 1))
    )
    subordinate = add_user(Role.HANDLER, department, "subordinate")
    report = _report_about(head, city.township)

    assert is_recused(subordinate, report)
    assert not _sees(subordinate, report)
    assert not may_handle(report, department)
    assert (
        handling_unit(report) == city.organization_department
    )  # the city's, above both of the head's units
    assert department not in assignable_units(city_handler(city), report)


def test_a_cadre_who_moves_after_the_report_is_kept_from_the_new_colleagues_too(city):
    report = _report_about(city.cadre, city.bureau)
    district = add_user(Role.HANDLER, city.district, "district")
    workflow.accept_case(report, city_handler(city), report.version)
    workflow.assign_case(report, city_handler(city), report.version, city.district)
    assert _sees(district, report)

    db.session.add(
        Post(cadre=city.cadre, unit=city.district, title="副区长", starts_on=local_today())
    )
    db.session.flush()

    assert not _sees(district, report)


def test_a_post_that_has_ended_no_longer_recuses(city):
    db.session.add(
        Post(
            cadre=city.cadre,
            unit=city.township,
            title="主任",
            starts_on=date(2018, 1, 1),
            ends_on=local_today() - timedelta(days=1),
        )
    )
    report = _report_about(city.cadre, city.bureau)
    township = add_user(Role.HANDLER, city.township, "township")

    assert may_handle(report, city.township)
    workflow.accept_case(report, city_handler(city), report.version)
    workflow.assign_case(report, city_handler(city), report.version, city.township)
    assert _sees(township, report)


def city_handler(city):
    """Return the handler of the whole city, made once."""
    found = db.session.scalar(select(User).where(User.username == "city-handler"))
    return found or add_user(Role.HANDLER, city.committee, "city-handler")


def test_a_case_about_no_cadre_is_seen_as_before(city):
    colleague = add_user(Role.HANDLER, city.bureau, "colleague")
    opinion, _receipt = make_case(city.bureau)

    assert _sees(colleague, opinion)


def test_a_protected_case_is_seen_only_by_triage_at_the_top(city):
    case, _receipt = make_case(city.township)
    case.is_protected = True
    db.session.flush()

    assert _sees(add_user(Role.HANDLER, city.committee, "top-handler"), case)
    assert not _sees(add_user(Role.OPERATOR, city.committee, "top-operator"), case)
    assert not _sees(add_user(Role.HANDLER, city.district, "district-handler"), case)
    assert not may_handle(case, city.district)


def test_a_case_routes_to_the_organization_department_above(city):
    report = _report_about(city.cadre, city.bureau)

    assert handling_unit(report) == city.organization_department
    assert not may_handle(report, city.bureau)
    assert may_handle(report, city.district)


def test_assigning_inside_the_cadres_unit_is_refused(city):
    handler = add_user(Role.HANDLER, city.committee, "handler")
    report = _report_about(city.cadre, city.bureau)
    workflow.accept_case(report, handler, report.version)

    with pytest.raises(DomainError) as refused:
        workflow.assign_case(report, handler, report.version, city.bureau)

    assert refused.value.field == "unit"
    assert workflow.assign_case(report, handler, report.version, city.organization_department)


def test_the_accused_cannot_be_named_handler(city):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    accused = add_user(Role.HANDLER, city.committee, "accused", cadre_id=city.cadre.id)
    report = _report_about(city.cadre, city.bureau)
    workflow.accept_case(report, triager, report.version)

    with pytest.raises(DomainError) as refused:
        workflow.assign_case(report, triager, report.version, city.committee, accused)

    assert refused.value.field == "handler"


def test_the_accused_cannot_merge_into_or_bulk_assign_the_case(city):
    accused = add_user(Role.HANDLER, city.committee, "accused", cadre_id=city.cadre.id)
    report = _report_about(city.cadre, city.bureau)
    duplicate, _receipt = make_case(city.bureau)
    workflow.accept_case(duplicate, accused, duplicate.version)

    with pytest.raises(DomainError):
        workflow.merge_case(duplicate, accused, duplicate.version, report)
    [result] = bulk_assign(accused, [(report.number, report.version)], city.organization_department)

    assert result.outcome == AssignOutcome.REFUSED


def test_a_recused_duplicate_is_left_out_of_the_case_file(city):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    colleague = add_user(Role.HANDLER, city.bureau, "colleague")
    master, _receipt = make_case(city.bureau)
    report = _report_about(city.cadre, city.bureau)
    workflow.merge_case(report, triager, report.version, master)

    assert case_file(master, viewer=triager).duplicates == [report]
    assert case_file(master, viewer=colleague).duplicates == []


def test_a_duplicate_does_not_name_a_master_kept_from_the_viewer(city):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    colleague = add_user(Role.HANDLER, city.bureau, "colleague")
    master = _report_about(city.cadre, city.bureau)
    duplicate, _receipt = make_case(city.bureau)
    workflow.merge_case(duplicate, triager, duplicate.version, master)

    shown_to_colleague = case_file(duplicate, viewer=colleague)
    shown_to_triager = case_file(duplicate, viewer=triager)

    assert (shown_to_colleague.master, shown_to_colleague.master_hidden) == (None, True)
    assert (shown_to_triager.master, shown_to_triager.master_hidden) == (master, False)


@pytest.mark.parametrize("hidden_status", ["open", "rejected"])
def test_merging_into_a_hidden_case_is_refused_as_for_a_missing_one(city, hidden_status):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    colleague = add_user(Role.HANDLER, city.bureau, "colleague")
    hidden = _report_about(city.cadre, city.bureau)
    if hidden_status == "rejected":
        workflow.reject_case(hidden, triager, hidden.version, RejectionReason.SPAM)
    own, _receipt = make_case(city.bureau)

    with pytest.raises(DomainError) as refusal:
        workflow.merge_case(own, colleague, own.version, hidden)

    with force_locale("en"):
        assert str(refusal.value.message) == "There is no case with that number."


def _background(city, handler) -> None:
    """Cases the accounts of the bureau see: each status, channel and kind, some overdue."""
    long_ago = local_today() - timedelta(days=40)
    make_case(city.bureau, title="窗口排队", body="吃饭时间不开窗口")
    make_case(city.bureau, kind=CaseKind.REPORT, channel=Channel.HOTLINE, received_on=long_ago)
    accepted, _receipt = make_case(city.bureau, kind=CaseKind.PRAISE, body="请客吃饭的事没有")
    workflow.accept_case(accepted, handler, accepted.version)
    workflow.assign_case(accepted, handler, accepted.version, city.bureau)


def _every_count(user) -> dict:
    """Count what the account sees: its counters, every filter over all pages, searches."""
    filters = [QueueFilter(), QueueFilter(overdue=True), QueueFilter(mine=True)]
    filters += [QueueFilter(status=status) for status in CaseStatus]
    filters += [QueueFilter(channel=channel) for channel in Channel]
    filters += [QueueFilter(kind=kind) for kind in CaseKind]
    filters += [QueueFilter(category_id=category("fraud_inaction").id)]
    top = int(user.unit.path.split("/")[1])
    filters += [QueueFilter(unit_id=unit_id) for unit_id in (user.unit_id, top)]
    filters += [QueueFilter(text=text) for text in ("吃拿卡要", "请客", "窗口")]
    counts: dict = {"dashboard": astuple(my_work_counts(user))}
    for narrowed in filters:
        page, total = queue_page(user, narrowed), 0
        total += len(page.cases)
        while page.after is not None:
            page = queue_page(user, narrowed, after=page.after)
            total += len(page.cases)
        counts[repr(narrowed)] = total
    return counts


def test_every_count_the_accused_see_is_the_same_without_the_report(city, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)  # several pages, to walk them all
    triager = add_user(Role.HANDLER, city.committee, "triager")
    head, _post = add_cadre("孙部长", city.organization_department, title="部长")
    _background(city, triager)
    department = city.organization_department
    own = add_user(Role.HANDLER, city.bureau, "own", cadre_id=city.cadre.id)
    same_unit = add_user(Role.HANDLER, city.bureau, "same-unit")
    top = add_user(Role.HANDLER, city.committee, "top", cadre_id=head.id)
    accused = [(city.cadre, city.bureau, own), (city.cadre, city.bureau, same_unit)]
    accused.append((head, department, top))
    old = local_today() - timedelta(days=40)
    for cadre, unit, account in accused:
        before, control = _every_count(account), _every_count(triager)

        report = _report_about(cadre, unit, channel=Channel.HOTLINE, received_on=old)
        workflow.accept_case(report, triager, report.version)
        workflow.assign_case(report, triager, report.version, handling_unit(report), triager)
        _report_about(cadre, unit, title="请客吃饭窗口")  # and one waiting to be accepted

        assert _every_count(account) == before, account.username
        assert _every_count(triager) != control  # the reports are there, in those very filters


def _assignable(case, actor, unit) -> bool:
    """Tell whether assigning the case to the unit goes through (then undo it)."""
    savepoint = db.session.begin_nested()
    try:
        workflow.assign_case(case, actor, case.version, unit)
    except DomainError:
        return False
    finally:
        savepoint.rollback()
    return True


def test_the_pickers_offer_exactly_the_units_assigning_accepts(city):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    report = _report_about(city.cadre, city.bureau)
    workflow.accept_case(report, triager, report.version)

    offered = assignable_units(triager, report)

    assert city.bureau not in offered and city.organization_department in offered
    for unit in assignable_units(triager):
        assert (unit in offered) == _assignable(report, triager, unit), unit.name


def test_the_pickers_leave_out_the_handlers_recusal_bars(city):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    add_user(Role.HANDLER, city.committee, "accused", cadre_id=city.cadre.id)
    add_user(Role.HANDLER, city.bureau, "colleague")
    report = _report_about(city.cadre, city.bureau)

    offered = {user.username for user in possible_handlers(triager, report)}

    assert offered == {"triager"}
    assert {user.username for user in possible_handlers(triager)} == {
        "triager",
        "accused",
        "colleague",
    }


def test_the_pickers_keep_a_protected_case_at_the_top(city):
    triager = add_user(Role.HANDLER, city.committee, "triager")
    add_user(Role.HANDLER, city.district, "district-handler")
    case, _receipt = make_case(city.township)
    case.is_protected = True
    db.session.flush()

    assert assignable_units(triager, case) == [city.committee]
    assert [user.username for user in possible_handlers(triager, case)] == ["triager"]
