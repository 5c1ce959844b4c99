"""CSRF on the public forms: an expired token keeps the text; a valid one sends it."""

import pytest

from tests.public import (
    count_cases,
    csrf_token_on,
    english,
    report_form,
    seed_city,
    send_case,
)


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


def test_a_report_without_a_token_comes_back_with_the_text_and_nothing_is_stored(app, client, ids):
    form = report_form(ids, body="写了很久的举报内容")

    response = client.post("/submit/report", data=form)

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form had expired, so it was not sent" in page
    assert "写了很久的举报内容</textarea>" in page
    assert f'value="{form["title"]}"' in page
    assert count_cases(app) == 0


def test_the_expired_form_carries_a_fresh_token_that_sends_it(app, client, ids):
    form = report_form(ids)
    page = client.post("/submit/report", data=form).get_data(as_text=True)

    response = client.post("/submit/report", data={**form, "csrf_token": csrf_token_on(page)})

    assert response.status_code == 303
    assert count_cases(app) == 1


def test_a_report_with_the_token_of_its_form_is_recorded(app, client, ids):
    page = client.get("/submit/report").get_data(as_text=True)

    form = {**report_form(ids), "csrf_token": csrf_token_on(page)}
    response = client.post("/submit/report", data=form)

    assert response.status_code == 303
    assert count_cases(app) == 1


def test_a_forged_token_is_refused(app, client, ids):
    client.get("/submit/report")

    response = client.post("/submit/report", data={**report_form(ids), "csrf_token": "forged"})

    assert response.status_code == 400
    assert count_cases(app) == 0


def test_tracking_without_a_token_keeps_the_typed_number(client):
    response = client.post("/track", data={"number": "2026-000007", "receipt": "ABCD"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="2026-000007"' in page


def test_added_information_without_a_token_is_kept(client, ids):
    token = csrf_token_on(client.get("/submit/report").get_data(as_text=True))
    number, receipt = send_case(client, "report", {**report_form(ids), "csrf_token": token})
    token = csrf_token_on(client.get("/track").get_data(as_text=True))
    client.post("/track", data={"number": number, "receipt": receipt, "csrf_token": token})

    response = client.post("/track/case/information", data={"body": "补充的线索"})

    assert response.status_code == 400
    assert "补充的线索</textarea>" in response.get_data(as_text=True)


def test_leaving_a_case_without_a_token_explains_and_keeps_the_case_open(client, ids):
    token = csrf_token_on(client.get("/submit/report").get_data(as_text=True))
    number, receipt = send_case(client, "report", {**report_form(ids), "csrf_token": token})
    token = csrf_token_on(client.get("/track").get_data(as_text=True))
    client.post("/track", data={"number": number, "receipt": receipt, "csrf_token": token})

    response = client.post("/track/leave")

    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)
    assert client.get("/track/case").status_code == 200
