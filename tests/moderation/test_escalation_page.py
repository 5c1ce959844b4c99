"""The escalation list, and the overdue marks of the queue and the first page."""

import re
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from portal.extensions import db
from portal.models import Case, RejectionReason, Role, User
from portal.services import escalation, workflow
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case

EN = {"Accept-Language": "en"}
TODAY = date(2026, 3, 16)  # a Monday


@pytest.fixture
def city(app, client, time_machine):
    """Overdue cases at the bureau and in the district, on a frozen Monday."""
    time_machine.move_to(datetime(2026, 3, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    with app.app_context():
        town = build_city()
        handler = add_user(Role.HANDLER, town.committee, "handler")
        district_handler = add_user(Role.HANDLER, town.district, "district-handler")
        due = {
            "bureau-very": date(2026, 3, 2),  # 10 working days late
            "bureau-late": date(2026, 3, 13),  # 1 working day late
            "township-very": date(2026, 2, 27),
            "assigned": date(2026, 3, 12),
            "on-time": date(2026, 3, 20),
            "closed": date(2026, 1, 5),
        }
        units = {"bureau": town.bureau, "township": town.township, "assigned": town.township}
        numbers = {}
        for name, due_on in due.items():
            case, _receipt = make_case(units.get(name.split("-")[0], town.bureau), title=name)
            case.due_on = due_on
            numbers[name] = case.number
        assigned = _case(numbers["assigned"])
        workflow.accept_case(assigned, handler, assigned.version)
        workflow.assign_case(assigned, handler, assigned.version, town.district)
        assigned.due_on = due["assigned"]
        closed = _case(numbers["closed"])
        workflow.reject_case(closed, handler, closed.version, RejectionReason.SPAM)
        db.session.commit()
        sign_in(client, handler)
        return SimpleNamespace(
            numbers=numbers,
            bureau=town.bureau.id,
            district=town.district.id,
            township=town.township.id,
            handler=handler.id,
            district_handler=district_handler.id,
        )


def _case(number) -> Case:
    return db.session.scalar(select(Case).where(Case.number == number))


TAGS = re.compile(r"<[^>]+>")


def _rows(page: str) -> list[list[str]]:
    """Read a table's body as rows of cell texts."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [TAGS.sub("", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows
    ]


def test_overdue_cases_are_grouped_by_responsible_unit_longest_waiting_first(client, city):
    page = client.get("/console/overdue", headers=EN).get_data(as_text=True)

    assert _rows(page) == [
        ["Donghu Street", "1", "1", "February 27, 2026"],
        ["Human Resources Bureau", "2", "1", "March 2, 2026"],
        ["Dongcheng District", "1", "0", "March 12, 2026"],  # assigned there
    ]


def test_the_counts_come_from_one_grouped_query(app, city):
    statements = []

    def remember(_connection, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        handler = db.session.get(User, city.handler)
        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            rows = escalation.overdue_by_unit(handler, TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)

    assert [row.overdue for row in rows] == [1, 2, 1]
    reading_cases = [s for s in statements if re.search(r"\bFROM cases\b", s)]
    assert len(reading_cases) == 1 and "GROUP BY" in reading_cases[0]


def test_a_unit_lists_its_overdue_cases_oldest_first(client, city):
    page = client.get(f"/console/overdue/{city.bureau}", headers=EN).get_data(as_text=True)

    assert [row[0] for row in _rows(page)] == [
        city.numbers["bureau-very"],
        city.numbers["bureau-late"],
    ]
    assert "10 working days" in page and "Very overdue" in page


def test_the_list_keeps_to_the_accounts_scope(app, client, city):
    with app.app_context():
        sign_in(client, db.session.get(User, city.district_handler))

    page = client.get("/console/overdue", headers=EN).get_data(as_text=True)

    assert [row[0] for row in _rows(page)] == ["Donghu Street", "Dongcheng District"]
    assert client.get(f"/console/overdue/{city.bureau}").status_code == 404


def test_the_queue_marks_overdue_and_very_overdue_cases(client, city):
    page = client.get("/console/cases", headers=EN).get_data(as_text=True)
    rows = {row[1]: row for row in _rows(page)}

    status, due = 8, 9  # the columns after the tick box, number, date, title...
    assert "Very overdue" in rows[city.numbers["bureau-very"]][status]
    assert "Overdue" in rows[city.numbers["bureau-late"]][status]
    assert "Very overdue" not in rows[city.numbers["bureau-late"]][status]
    assert "overdue" not in rows[city.numbers["on-time"]][status].lower()
    assert rows[city.numbers["on-time"]][due] == "3/20/26"
    assert rows[city.numbers["closed"]][due] == "—"  # a finished case runs no clock


def test_the_first_page_counts_overdue_and_very_overdue_as_the_list_does(client, city):
    page = client.get("/console/", headers=EN).get_data(as_text=True)
    counts = dict(
        (label.strip(), int(count))
        for count, label in re.findall(r'<span class="count">(\d+)</span>([^<]+)<', page)
    )

    assert counts["overdue cases"] == 4
    assert counts["of them very overdue"] == 2
