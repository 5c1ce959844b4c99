"""The confirmation page: the number and receipt shown once, and the receipt kept secret."""

import logging
import re

import pytest
from flask.sessions import SecureCookieSessionInterface

from portal.receipts import normalize_receipt
from tests.public import english, latest_case, open_case, receipt_on, report_form, seed_city

RECEIPT_SHAPE = re.compile(r"^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


def send_report(client, ids):
    response = client.post("/submit/report", data=report_form(ids))
    assert response.status_code == 303
    return response


def test_sending_redirects_to_the_confirmation_without_anything_in_the_address(client, ids):
    response = send_report(client, ids)

    assert response.headers["Location"] == "/submit/done"


def test_the_confirmation_shows_the_number_and_a_grouped_receipt(app, client, ids):
    send_report(client, ids)

    page = client.get("/submit/done").get_data(as_text=True)

    assert f'class="case-number">{latest_case(app).number}<' in page
    assert RECEIPT_SHAPE.match(receipt_on(page))
    assert "Write the receipt down or take a photo of it now." in page


def test_the_confirmation_is_never_cached(client, ids):
    send_report(client, ids)

    response = client.get("/submit/done")

    assert response.headers["Cache-Control"] == "no-store"


def test_a_second_load_no_longer_shows_the_receipt(app, client, ids):
    send_report(client, ids)
    receipt = receipt_on(client.get("/submit/done").get_data(as_text=True))

    page = client.get("/submit/done").get_data(as_text=True)

    assert receipt not in page
    assert 'class="receipt"' not in page
    assert "The receipt was shown once" in page
    assert latest_case(app).number in page


def test_the_receipt_opens_the_case(client, ids):
    send_report(client, ids)
    page = client.get("/submit/done").get_data(as_text=True)
    number = re.search(r'class="case-number">([^<]+)<', page).group(1)

    response = open_case(client, number, receipt_on(page))

    assert response.headers["Location"] == "/track/case"


def test_the_session_cookie_carries_the_receipt_encrypted(app, client, ids):
    send_report(client, ids)
    cookie = client.get_cookie("session").value
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    session = serializer.loads(cookie)

    page = client.get("/submit/done").get_data(as_text=True)

    receipt = receipt_on(page)
    assert receipt not in str(session)
    assert normalize_receipt(receipt) not in str(session)


def test_the_receipt_is_in_no_title_address_or_link(client, ids):
    sent = send_report(client, ids)
    done = client.get("/submit/done")
    page = done.get_data(as_text=True)
    receipt = receipt_on(page)
    compact = normalize_receipt(receipt)

    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    addresses = re.findall(r'(?:href|src|action|formaction)="([^"]*)"', page)
    for text in [title, sent.headers["Location"], *addresses]:
        assert receipt not in text
        assert compact not in text


def test_the_receipt_never_reaches_a_log_record(app, client, ids, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    caplog.set_level(logging.DEBUG, logger="werkzeug")
    send_report(client, ids)
    page = client.get("/submit/done").get_data(as_text=True)
    receipt = receipt_on(page)
    number = re.search(r'class="case-number">([^<]+)<', page).group(1)
    open_case(client, number, receipt)
    client.get("/track/case")

    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
    assert receipt not in logged
    assert normalize_receipt(receipt) not in logged
