"""The queue: each filter, the account's scope, keyset pages, and bulk assignment."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from portal.clock import local_today
from portal.extensions import db
from portal.models import CaseKind, CaseStatus, Channel, Role
from portal.services import queue, workflow
from portal.services.queue import AssignOutcome, QueueFilter, bulk_assign, queue_page
from tests.factories import add_user, build_city, category, make_case


@pytest.fixture
def world(app_context):
    city = build_city()
    handler = add_user(Role.HANDLER, city.committee, "handler")
    return city, handler


def _numbers(user, **filters):
    return [case.number for case in queue_page(user, QueueFilter(**filters)).cases]


def _accepted(case, handler):
    workflow.accept_case(case, handler, case.version)
    return case


def test_the_queue_lists_newest_first(world):
    city, handler = world
    older, _ = make_case(city.bureau)
    newer, _ = make_case(city.bureau)

    assert _numbers(handler) == [newer.number, older.number]


def test_the_status_filter(world):
    city, handler = world
    received, _ = make_case(city.bureau)
    accepted = _accepted(make_case(city.bureau)[0], handler)

    assert _numbers(handler, status=CaseStatus.RECEIVED) == [received.number]
    assert _numbers(handler, status=CaseStatus.ACCEPTED) == [accepted.number]


def test_the_channel_filter(world):
    city, handler = world
    make_case(city.bureau)
    call, _ = make_case(city.bureau, channel=Channel.HOTLINE)

    assert _numbers(handler, channel=Channel.HOTLINE) == [call.number]


def test_the_kind_filter(world):
    city, handler = world
    make_case(city.bureau)
    report, _ = make_case(city.bureau, kind=CaseKind.REPORT)

    assert _numbers(handler, kind=CaseKind.REPORT) == [report.number]


def test_the_category_filter(world):
    city, handler = world
    make_case(city.bureau)
    gambling, _ = make_case(city.bureau, category_id=category("gambling").id)

    assert _numbers(handler, category_id=category("gambling").id) == [gambling.number]


def test_the_unit_filter_takes_the_subtree_and_the_cases_assigned_into_it(world):
    city, handler = world
    in_district, _ = make_case(city.district)
    in_township, _ = make_case(city.township)
    elsewhere, _ = make_case(city.bureau)
    sent_there = _accepted(make_case(city.bureau)[0], handler)
    workflow.assign_case(sent_there, handler, sent_there.version, city.township)

    found = _numbers(handler, unit_id=city.district.id)

    assert found == [sent_there.number, in_township.number, in_district.number]
    assert elsewhere.number not in found


def test_overdue_means_open_and_past_the_due_date(world):
    city, handler = world
    long_ago = local_today() - timedelta(days=40)
    late, _ = make_case(city.bureau, received_on=long_ago)
    finished, _ = make_case(city.bureau, received_on=long_ago)
    workflow.reject_case(finished, handler, finished.version, workflow.RejectionReason.SPAM)
    make_case(city.bureau)

    assert _numbers(handler, overdue=True) == [late.number]


def test_mine_means_cases_whose_handler_i_am(world):
    city, handler = world
    mine = _accepted(make_case(city.bureau)[0], handler)
    workflow.assign_case(mine, handler, mine.version, city.bureau, handler)
    _accepted(make_case(city.bureau)[0], handler)

    assert _numbers(handler, mine=True) == [mine.number]


def test_filters_combine(world):
    city, handler = world
    make_case(city.bureau, kind=CaseKind.REPORT)
    call, _ = make_case(city.bureau, kind=CaseKind.REPORT, channel=Channel.HOTLINE)
    make_case(city.bureau, channel=Channel.HOTLINE)

    assert _numbers(handler, kind=CaseKind.REPORT, channel=Channel.HOTLINE) == [call.number]


def test_a_district_account_sees_its_subtree_and_what_is_assigned_into_it(world):
    city, handler = world
    district_handler = add_user(Role.HANDLER, city.district, "district")
    township, _ = make_case(city.township)
    sent_there = _accepted(make_case(city.bureau)[0], handler)
    workflow.assign_case(sent_there, handler, sent_there.version, city.district)
    make_case(city.bureau)

    assert _numbers(district_handler) == [sent_there.number, township.number]


def test_an_officer_sees_only_what_is_assigned_into_its_subtree(world):
    city, handler = world
    officer = add_user(Role.OFFICER, city.district, "officer")
    make_case(city.township)
    sent_there = _accepted(make_case(city.bureau)[0], handler)
    workflow.assign_case(sent_there, handler, sent_there.version, city.township)

    assert _numbers(officer) == [sent_there.number]


def test_keyset_pages_have_no_duplicates_and_no_gaps_both_ways(world, monkeypatch):
    city, handler = world
    monkeypatch.setattr(queue, "PAGE_SIZE", 4)
    numbers = [make_case(city.bureau)[0].number for _ in range(11)][::-1]
    pages, page = [], queue_page(handler, QueueFilter())
    while True:
        pages.append([case.number for case in page.cases])
        if page.after is None:
            break
        page = queue_page(handler, QueueFilter(), after=page.after)

    assert pages == [numbers[0:4], numbers[4:8], numbers[8:11]]
    assert page.before is not None
    back = queue_page(handler, QueueFilter(), before=page.before)
    assert [case.number for case in back.cases] == numbers[4:8]
    first = queue_page(handler, QueueFilter(), before=back.before)
    assert [case.number for case in first.cases] == numbers[0:4]
    assert first.before is None


def test_keyset_pages_of_a_search_go_both_ways(world, monkeypatch):
    city, handler = world
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    found = []
    for n in range(5):
        found.append(make_case(city.bureau, title=f"窗口排队第{n}次")[0].number)
        make_case(city.bureau, title="食堂饮酒")
    found.reverse()
    search = QueueFilter(text="窗口排队")

    first = queue_page(handler, search)
    second = queue_page(handler, search, after=first.after)
    third = queue_page(handler, search, after=second.after)
    back = queue_page(handler, search, before=third.before)

    pages = [[case.number for case in page.cases] for page in (first, second, third, back)]
    assert pages == [found[0:2], found[2:4], found[4:5], found[2:4]]
    assert third.after is None


def test_a_case_arriving_meanwhile_does_not_shift_the_next_page(world, monkeypatch):
    city, handler = world
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    numbers = [make_case(city.bureau)[0].number for _ in range(4)][::-1]
    first = queue_page(handler, QueueFilter())
    make_case(city.bureau)

    second = queue_page(handler, QueueFilter(), after=first.after)

    assert [case.number for case in second.cases] == numbers[2:4]


def _statements(call) -> int:
    """Count the SQL statements a call sends."""
    sent = []

    def count(*_args) -> None:
        sent.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(sent)


def test_a_page_costs_the_same_statements_however_many_rows_it_shows(world):
    city, handler = world
    make_case(city.bureau)
    db.session.commit()
    one = _statements(lambda: queue_page(handler, QueueFilter()))
    for unit in (city.district, city.township, city.bureau) * 3:
        case = _accepted(make_case(unit)[0], handler)
        workflow.assign_case(case, handler, case.version, unit, handler)
    db.session.commit()
    db.session.expire_all()

    many = _statements(lambda: [c.handler for c in queue_page(handler, QueueFilter()).cases])

    assert many == one + 2  # units and handlers now found in rows: one query each, not per row


def test_bulk_assign_reports_every_case_and_loses_none(world):
    city, handler = world
    fresh = _accepted(make_case(city.bureau)[0], handler)
    there = _accepted(make_case(city.bureau)[0], handler)
    workflow.assign_case(there, handler, there.version, city.district)
    stale = _accepted(make_case(city.bureau)[0], handler)
    seen = stale.version
    workflow.assign_case(stale, handler, stale.version, city.bureau)
    unaccepted, _ = make_case(city.bureau)
    items = [(c.number, c.version) for c in (fresh, there, unaccepted)] + [(stale.number, seen)]

    results = bulk_assign(handler, [*items, ("2000-000001", 1)], city.district)

    outcomes = {result.number: result.outcome for result in results}
    assert outcomes == {
        fresh.number: AssignOutcome.ASSIGNED,
        there.number: AssignOutcome.UNCHANGED,
        unaccepted.number: AssignOutcome.REFUSED,
        stale.number: AssignOutcome.STALE,
        "2000-000001": AssignOutcome.REFUSED,
    }
    db.session.commit()
    assert (fresh.status, fresh.assigned_unit_id) == (CaseStatus.ASSIGNED, city.district.id)
    assert stale.assigned_unit_id == city.bureau.id
    assert unaccepted.status == CaseStatus.RECEIVED


def test_bulk_assign_refuses_cases_outside_the_scope_as_if_absent(world):
    city, handler = world
    district_handler = add_user(Role.HANDLER, city.district, "district")
    outside = _accepted(make_case(city.bureau)[0], handler)

    [result] = bulk_assign(district_handler, [(outside.number, outside.version)], city.district)

    assert result.outcome == AssignOutcome.REFUSED
    assert outside.status == CaseStatus.ACCEPTED
