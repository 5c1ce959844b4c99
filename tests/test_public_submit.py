"""Raising a case through the public forms: each kind lands as a case with its fields."""

import html
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Case, CaseKind, Channel, ReporterMode
from portal.services.intake import contact_details
from tests.public import (
    count_cases,
    english,
    latest_case,
    opinion_form,
    praise_form,
    rating_form,
    report_form,
    seed_city,
)


@pytest.fixture
def ids(app):
    return seed_city(app)


@pytest.fixture
def client(app):
    return english(app.test_client())


def test_the_choice_page_links_the_four_kinds(client):
    page = client.get("/submit").get_data(as_text=True)

    for kind in ("opinion", "report", "rating", "praise"):
        assert f'href="/submit/{kind}"' in page


@pytest.mark.parametrize("kind", ["opinion", "report", "rating", "praise"])
def test_each_kind_has_its_form(client, ids, kind):
    response = client.get(f"/submit/{kind}")

    assert response.status_code == 200
    assert 'name="unit_id"' in response.get_data(as_text=True)


def test_a_report_lands_as_a_web_case_with_every_field(app, client, ids):
    form = report_form(ids)

    response = client.post("/submit/report", data=form)

    assert response.status_code == 303
    case = latest_case(app)
    assert (case.kind, case.channel) == (CaseKind.REPORT, Channel.WEB)
    assert (case.unit_id, case.cadre_id, case.post_id) == (ids.bureau, ids.cadre, ids.post)
    assert case.category_id == ids.fraud
    assert case.title == form["title"]
    assert case.body == form["body"]
    assert case.event_date == date.fromisoformat(form["event_date"])
    assert case.event_place == form["event_place"]
    assert case.reporter_mode == ReporterMode.ANONYMOUS
    assert case.locale == "en"


def test_an_opinion_lands_without_a_cadre_or_category(app, client, ids):
    response = client.post("/submit/opinion", data=opinion_form(ids))

    assert response.status_code == 303
    case = latest_case(app)
    assert (case.kind, case.unit_id) == (CaseKind.OPINION, ids.district)
    assert (case.cadre_id, case.category_id) == (None, None)


def test_an_opinion_may_name_a_category(app, client, ids):
    client.post("/submit/opinion", data=opinion_form(ids, category_id=str(ids.work_style)))

    assert latest_case(app).category_id == ids.work_style


def test_a_rating_lands_with_its_four_scores_and_a_made_up_title(app, client, ids):
    response = client.post("/submit/rating", data=rating_form(ids))

    assert response.status_code == 303
    case = latest_case(app)
    assert case.kind == CaseKind.RATING
    assert (case.score_fairness, case.score_style) == (4, 5)
    assert (case.score_efficiency, case.score_integrity) == (3, 4)
    assert case.title.startswith("评价")
    assert case.body == ""


def test_praise_lands_as_a_case(app, client, ids):
    response = client.post("/submit/praise", data=praise_form(ids))

    assert response.status_code == 303
    case = latest_case(app)
    assert (case.kind, case.unit_id) == (CaseKind.PRAISE, ids.township)


def test_a_confidential_report_seals_the_contact_details(app, client, ids):
    form = report_form(
        ids, reporter_mode="confidential", contact_name="李四", contact_phone="13800000000"
    )

    client.post("/submit/report", data=form)

    with app.app_context():
        case = db.session.get(Case, latest_case(app).id)
        assert case.reporter_mode == ReporterMode.CONFIDENTIAL
        assert b"13800000000" not in case.contact_ciphertext
        details = contact_details(case)
    assert (details.name, details.phone) == ("李四", "13800000000")


def test_the_date_may_be_typed_with_slashes(app, client, ids):
    day = date.today() - timedelta(days=10)

    client.post("/submit/report", data=report_form(ids, event_date=day.strftime("%Y/%m/%d")))

    assert latest_case(app).event_date == day


def test_the_unit_picker_groups_units_under_their_branch(client, ids):
    page = client.get("/submit/opinion").get_data(as_text=True)

    district_group = page.index('<optgroup label="Dongcheng District">')
    assert district_group < page.index(f'value="{ids.township}"')
    assert "\u00a0\u00a0\u00a0Donghu Street" in page


def test_the_categories_put_the_eight_prohibitions_first(client, ids):
    page = client.get("/submit/report").get_data(as_text=True)

    assert page.index('label="The eight prohibitions"') < page.index('label="Other problems"')


def test_show_the_cadres_lists_the_units_cadres_without_errors(client, ids):
    typed = {"unit_id": str(ids.bureau), "title": "半句话", "action": "refresh"}

    response = client.post("/submit/report", data=typed)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<option value="{ids.cadre}">王建国 – 副局长</option>' in page
    assert 'value="半句话"' in page
    assert "error-summary" not in page


def test_show_the_cadres_drops_a_cadre_of_another_unit(client, ids):
    typed = {"unit_id": str(ids.district), "cadre_id": str(ids.cadre), "action": "refresh"}

    page = client.post("/submit/report", data=typed).get_data(as_text=True)

    assert "selected>王建国" not in page
    assert '<option value="" selected>' in page


def test_showing_the_cadres_records_nothing(app, client, ids):
    client.post("/submit/report", data=report_form(ids, action="refresh"))

    assert count_cases(app) == 0


def test_a_kind_that_does_not_exist_is_a_404_listing_the_real_ones(client):
    response = client.get("/submit/complaint-about-everything")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    for kind in ("opinion", "report", "rating", "praise"):
        assert f'href="/submit/{kind}"' in page


def test_text_sent_to_a_forged_kind_is_kept_and_nothing_is_recorded(app, client, ids):
    response = client.post("/submit/bribery", data=report_form(ids, body="我写了很久的内容"))

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'name="body" value="我写了很久的内容"' in page
    assert 'formaction="/submit/report"' in page
    assert count_cases(app) == 0


def test_text_carried_from_a_forged_kind_opens_the_chosen_form_filled_in(client, ids):
    carried = {"title": "带过来的标题", "body": "带过来的正文", "action": "refresh"}

    response = client.post("/submit/opinion", data=carried)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="带过来的标题"' in page
    assert "带过来的正文</textarea>" in page


def test_the_three_ways_to_be_known_say_who_may_ever_see_the_reporter(client, ids):
    page = html.unescape(client.get("/submit/report").get_data(as_text=True))

    assert "Nobody knows who you are" in page
    assert "with its number and your receipt" in page
    assert "only when an identity custodian approves a request" in page
    assert "you are told on your case's page when it happens" in page
    assert "the cadre you write about never sees them" in page
    assert "The staff handling your case can see your name and how to reach you" in page
    assert "never made public" in page
    assert "only authorised staff can open them" not in page
