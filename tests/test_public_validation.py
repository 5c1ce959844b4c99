"""Bad input on the case forms: a clear message at the field, the text kept, nothing stored."""

from datetime import date, timedelta
from urllib.parse import quote, urlencode

import pytest

from tests.public import (
    count_cases,
    english,
    opinion_form,
    rating_form,
    report_form,
    seed_city,
)

BOUNDARY = "portal-test-boundary"


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


def refused(app, response) -> str:
    """Assert the form came back for correction with nothing stored; return the page."""
    assert response.status_code == 422
    assert count_cases(app) == 0
    return response.get_data(as_text=True)


def test_an_empty_report_lists_every_missing_answer_in_page_order(app, client, ids):
    response = client.post("/submit/report", data={"action": "send"})

    page = refused(app, response)
    anchors = ["unit_id", "category_id", "title", "body", "event_date", "event_place"]
    positions = [page.index(f'<li><a href="#{anchor}">') for anchor in anchors]
    assert positions == sorted(positions)


def test_the_error_summary_is_an_alert_that_links_to_each_field(app, client, ids):
    response = client.post("/submit/report", data=report_form(ids, title=""))

    page = refused(app, response)
    assert 'class="error-summary" role="alert" tabindex="-1"' in page
    assert '<li><a href="#title">Please give a short title.</a></li>' in page
    assert 'id="title-error"' in page
    assert 'aria-describedby="title-hint title-error" aria-invalid="true"' in page


def test_a_title_of_only_spaces_is_empty(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids, title="   "))

    assert "Please give a short title." in refused(app, response)


def test_a_title_over_120_characters_is_refused_and_kept(app, client, ids):
    title = "长" * 121

    response = client.post("/submit/opinion", data=opinion_form(ids, title=title))

    page = refused(app, response)
    assert "at most 120 characters. It now has 121." in page
    assert f'value="{title}"' in page


def test_a_five_megabyte_body_is_refused_and_kept(app, client, ids):
    body = "x" * (5 * 1024 * 1024)

    response = client.post("/submit/report", data=report_form(ids, body=body))

    page = refused(app, response)
    assert "at most 20,000 characters. It now has 5,242,880." in page
    assert body in page


def test_nul_and_control_characters_are_removed_and_the_text_shown_back(app, client, ids):
    body = "第一行\x00\x07\n第二行\x1b\x7f\x85完"

    response = client.post("/submit/report", data=report_form(ids, body=body))

    page = refused(app, response)
    assert "We removed invisible control characters" in page
    assert "第一行\n第二行完</textarea>" in page


def test_a_control_character_in_the_title_is_refused(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids, title="标题\x00"))

    page = refused(app, response)
    assert 'value="标题"' in page


def test_tabs_and_line_breaks_are_plain_text(app, client, ids):
    body = "第一段\r\n\t缩进的第二段"

    response = client.post("/submit/opinion", data=opinion_form(ids, body=body))

    assert response.status_code == 303


def multipart(fields: dict, raw_body: bytes) -> bytes:
    """Encode a form as multipart/form-data whose "body" part holds raw bytes."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    body_part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="body"\r\n\r\n'.encode()
        + raw_body
        + b"\r\n"
    )
    return b"".join(parts) + body_part + f"--{BOUNDARY}--\r\n".encode()


def test_text_that_is_not_utf8_is_refused_and_kept(app, client, ids):
    fields = {k: v for k, v in opinion_form(ids).items() if k != "body"}
    raw_body = "前半".encode() + b"\xff\xfe" + "后半".encode()

    response = client.post(
        "/submit/opinion",
        data=multipart(fields, raw_body),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    page = refused(app, response)
    assert "could not be read" in page
    assert "前半\ufffd\ufffd后半</textarea>" in page


def test_an_unknown_unit_is_refused(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids, unit_id="99999"))

    page = refused(app, response)
    assert '<li><a href="#unit_id">Please choose a unit from the list.</a></li>' in page


def test_a_unit_id_that_is_no_number_is_refused(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids, unit_id="1 OR 1=1"))

    assert "Please choose a unit from the list." in refused(app, response)


def test_a_cadre_without_a_post_in_the_unit_is_refused(app, client, ids):
    form = report_form(ids, unit_id=str(ids.district), cadre_id=str(ids.cadre))

    response = client.post("/submit/report", data=form)

    assert '<a href="#cadre_id">This cadre does not hold a post' in refused(app, response)


def test_a_report_without_a_category_is_refused(app, client, ids):
    response = client.post("/submit/report", data=report_form(ids, category_id=""))

    assert "Please choose what the problem is about." in refused(app, response)


def test_a_report_without_a_date_or_place_is_refused(app, client, ids):
    response = client.post("/submit/report", data=report_form(ids, event_date="", event_place=""))

    page = refused(app, response)
    assert '<a href="#event_date">' in page
    assert '<a href="#event_place">' in page


def test_a_date_that_cannot_be_read_is_refused_and_kept(app, client, ids):
    response = client.post("/submit/report", data=report_form(ids, event_date="去年春天"))

    page = refused(app, response)
    assert "Please give the date as year-month-day" in page
    assert 'value="去年春天"' in page


def test_a_date_in_the_future_is_refused_at_its_field(app, client, ids):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()

    response = client.post("/submit/report", data=report_form(ids, event_date=tomorrow))

    page = refused(app, response)
    assert '<a href="#event_date">The date of the event cannot be in the future.</a>' in page


def test_an_anonymous_report_with_contact_details_is_refused(app, client, ids):
    form = report_form(ids, contact_phone="13800000000")

    response = client.post("/submit/report", data=form)

    page = refused(app, response)
    assert '<a href="#reporter_mode-0">You chose to stay anonymous' in page
    assert 'value="13800000000"' in page


def test_a_confidential_report_without_a_name_is_refused(app, client, ids):
    form = report_form(ids, reporter_mode="confidential", contact_phone="13800000000")

    response = client.post("/submit/report", data=form)

    assert '<a href="#contact_name">Please give your name.</a>' in refused(app, response)


def test_a_named_report_without_a_way_to_reach_the_reporter_is_refused(app, client, ids):
    form = report_form(ids, reporter_mode="named", contact_name="张三")

    response = client.post("/submit/report", data=form)

    assert '<a href="#contact_phone">Please give at least one way' in refused(app, response)


def test_a_reporter_mode_that_does_not_exist_is_refused(app, client, ids):
    response = client.post("/submit/report", data=report_form(ids, reporter_mode="invisible"))

    assert "Please choose how you want to be known." in refused(app, response)


def test_a_rating_missing_a_score_is_refused(app, client, ids):
    form = rating_form(ids)
    del form["score_integrity"]

    response = client.post("/submit/rating", data=form)

    page = refused(app, response)
    assert '<a href="#score_integrity-0">Please score integrity from 1 to 5.</a>' in page


@pytest.mark.parametrize("score", ["6", "0", "-1", "five", "4.5"])
def test_a_rating_score_outside_one_to_five_is_refused(app, client, ids, score):
    response = client.post("/submit/rating", data=rating_form(ids, score_fairness=score))

    assert '<a href="#score_fairness-0">' in refused(app, response)


def test_a_field_error_is_tied_to_its_radio_group(app, client, ids):
    form = rating_form(ids)
    del form["score_style"]

    page = refused(app, client.post("/submit/rating", data=form))

    assert 'id="score_style-error"' in page
    assert (
        '<fieldset class="fieldset" aria-describedby="score_style-hint score_style-error">' in page
    )


def test_a_body_of_only_invisible_characters_is_empty(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids, body="\u200b\ufeff \u2060"))

    assert '<a href="#body">' in refused(app, response)


def test_a_right_to_left_override_is_removed_and_the_title_shown_back(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids, title="窗口\u202e排队"))

    page = refused(app, response)
    assert "We removed invisible control characters" in page
    assert 'value="窗口排队"' in page


def test_an_emoji_sequence_joined_by_zero_width_joiners_is_plain_text(app, client, ids):
    body = "带着孩子👨\u200d👩\u200d👧排了两个小时。"

    response = client.post("/submit/opinion", data=opinion_form(ids, body=body))

    assert response.status_code == 303
    assert count_cases(app) == 1


def test_a_mistyped_year_far_in_the_past_is_refused_at_its_field(app, client, ids):
    response = client.post("/submit/report", data=report_form(ids, event_date="0202-03-15"))

    page = refused(app, response)
    earliest = date.today().year - 30
    assert (
        f'<a href="#event_date">Please check the year: we take events from {earliest} on.' in page
    )


def test_a_url_encoded_text_that_is_not_utf8_is_refused_and_kept(app, client, ids):
    fields = {k: v for k, v in opinion_form(ids).items() if k != "body"}
    body = quote("前半") + "%FF%FE" + quote("后半")

    response = client.post(
        "/submit/opinion",
        data=f"{urlencode(fields)}&body={body}",
        content_type="application/x-www-form-urlencoded",
    )

    page = refused(app, response)
    assert "could not be read" in page
    assert "前半\ufffd\ufffd后半</textarea>" in page


def test_raw_bytes_in_a_url_encoded_form_are_refused_and_kept(app, client, ids):
    fields = {k: v for k, v in opinion_form(ids).items() if k != "body"}

    response = client.post(
        "/submit/opinion",
        data=urlencode(fields).encode() + "&body=前半".encode() + b"\xff" + "后半".encode(),
        content_type="application/x-www-form-urlencoded",
    )

    page = refused(app, response)
    assert "could not be read" in page
    assert "前半\ufffd后半</textarea>" in page
