"""The queue page: filters in the query string, search, cursors, bulk assignment."""

from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.models import Cadre, Case, CaseKind, CaseStatus, Role, User
from portal.services import queue, workflow
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(app, client):
    """Sign a city-wide handler in, with a received and an accepted case in the queue."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        operator = add_user(Role.OPERATOR, city.committee, "operator")
        received, _ = make_case(city.bureau, title="窗口办事排队太久")
        accepted, _ = make_case(city.bureau, title="食堂中午饮酒")
        workflow.accept_case(accepted, handler, accepted.version)
        db.session.commit()
        sign_in(client, handler)
        return SimpleNamespace(
            received=received.number,
            accepted=accepted.number,
            accepted_version=accepted.version,
            district=city.district.id,
            operator=operator.id,
        )


def _page(client, query=""):
    response = client.get(f"/console/cases{query}", headers=EN)
    return response, response.get_data(as_text=True)


def test_the_queue_lists_the_cases_with_their_facts(client, desk):
    response, html = _page(client)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert desk.received in html and desk.accepted in html
    assert "窗口办事排队太久" in html and "Web form" in html and "Human Resources Bureau" in html


def test_the_queue_is_in_the_navigation(client, desk):
    _response, html = _page(client)

    assert 'href="/console/cases"' in html


def test_filters_are_read_from_the_query_string(client, desk):
    _response, html = _page(client, "?status=accepted")

    assert desk.accepted in html and desk.received not in html


def test_the_search_box_finds_chinese_words(client, desk):
    _response, html = _page(client, "?q=办事排队")

    assert desk.received in html and desk.accepted not in html


def test_an_unknown_filter_value_is_refused_not_ignored(client, desk):
    response, _html = _page(client, "?status=lost")

    assert response.status_code == 400


def test_the_cursor_links_lead_to_the_older_and_back_to_the_newer_page(client, desk, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    _response, first = _page(client)
    assert desk.accepted in first and desk.received not in first

    older_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(older_link, headers=EN).get_data(as_text=True)

    assert desk.received in second and desk.accepted not in second
    assert 'rel="prev"' in second


def test_bulk_assign_goes_back_to_the_same_filtered_page_and_reports_each_case(app, client, desk):
    ticks = [f"{desk.accepted}:{desk.accepted_version}", f"{desk.received}:1"]

    response = client.post(
        "/console/cases/assign?status=accepted&q=x",
        data={"cases": ticks, "unit": desk.district},
        headers=EN,
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/console/cases?status=accepted&q=x"
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert f"Assigned: {desk.accepted}." in html
    assert f"): {desk.received}." in html  # refused: a received case is accepted first
    with app.app_context():
        assigned = db.session.scalar(db.select(Case).where(Case.number == desk.accepted))
        assert assigned.status == CaseStatus.ASSIGNED


def test_bulk_assign_without_ticked_cases_says_so(client, desk):
    response = client.post("/console/cases/assign", data={"unit": desk.district}, headers=EN)

    assert response.status_code == 303
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Please tick the cases to assign." in html


def test_an_operator_sees_no_ticks_and_cannot_bulk_assign(app, client, desk):
    with app.app_context():
        sign_in(client, db.session.get(User, desk.operator))

    _response, html = _page(client)
    refused = client.post(
        "/console/cases/assign",
        data={"cases": [f"{desk.accepted}:{desk.accepted_version}"], "unit": desk.district},
    )

    assert 'name="cases"' not in html
    assert refused.status_code == 403


def test_bulk_assign_refuses_a_case_recusal_keeps_from_the_unit_and_says_why(app, client, desk):
    with app.app_context():
        cadre = db.session.scalar(db.select(Cadre).where(Cadre.name == "王建国"))
        bureau = cadre.posts[0].unit
        handler = db.session.scalar(db.select(User).where(User.username == "handler"))
        report, _receipt = make_case(bureau, kind=CaseKind.REPORT, cadre_id=cadre.id)
        opinion, _receipt = make_case(bureau)
        for case in (report, opinion):
            workflow.accept_case(case, handler, case.version)
        db.session.commit()
        ticks = [f"{case.number}:{case.version}" for case in (report, opinion)]
        numbers, bureau_id = (report.number, opinion.number), bureau.id

    response = client.post(
        "/console/cases/assign", data={"cases": ticks, "unit": bureau_id}, headers=EN
    )

    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert f"Assigned: {numbers[1]}." in html
    assert "Recusal: a case about a cadre is never handled inside the cadre" in html
    assert f"department above.): {numbers[0]}." in html


def test_an_impossible_cursor_shows_the_first_page(client, desk):
    response, page = _page(client, "?after=" + "9" * 30)

    assert response.status_code == 200
    assert "窗口办事排队太久" in page
