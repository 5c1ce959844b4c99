"""The home page and what every public page carries."""

import re

import pytest

from tests.public import english, seed_city

PAGES = ["/", "/submit", "/submit/report", "/submit/rating", "/track", "/submit/done", "/nowhere"]


@pytest.fixture
def client(app):
    return english(app.test_client())


def test_the_home_page_offers_the_four_kinds_and_tracking(client):
    page = client.get("/").get_data(as_text=True)

    for kind in ("opinion", "report", "rating", "praise"):
        assert f'href="/submit/{kind}"' in page
    assert 'href="/track"' in page


def test_the_home_page_says_how_reporters_are_protected(client):
    page = client.get("/").get_data(as_text=True)

    assert "How we protect you" in page
    assert "You can stay anonymous." in page


def test_the_home_page_shows_only_the_offline_channels_that_are_set(make_app):
    app = make_app(POSTAL_ADDRESS="示范市委组织部 邮编 100000", SUGGESTION_BOXES=["市民中心一楼"])

    page = english(app.test_client()).get("/").get_data(as_text=True)

    assert 'href="tel:12380"' in page
    assert "示范市委组织部 邮编 100000" in page
    assert "市民中心一楼" in page
    assert "Visits in person" not in page


def test_rectification_results_wait_for_their_first_publication(client):
    page = client.get("/").get_data(as_text=True)

    assert "Rectification results" in page
    assert "No results have been published yet." in page


def test_the_site_name_comes_from_the_configuration(make_app):
    app = make_app(SITE_NAME="示范市组织工作监督")

    page = app.test_client().get("/").get_data(as_text=True)

    assert "<title>首页 – 示范市组织工作监督</title>" in page


def test_the_site_name_has_a_translated_default(client):
    page = client.get("/").get_data(as_text=True)

    assert '<a class="site-name" href="/">Organization Work Supervision Portal</a>' in page


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_language_switch_and_the_hotline(app, client, path):
    seed_city(app)

    page = client.get(path).get_data(as_text=True)

    assert re.search(r'href="/language/zh_Hans\?next=[^"]+"', page)
    assert 'href="tel:12380"' in page


@pytest.mark.parametrize("path", PAGES)
def test_no_page_needs_inline_script_or_style(app, client, path):
    seed_city(app)

    page = client.get(path).get_data(as_text=True)

    assert " style=" not in page
    assert "<style" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []


@pytest.mark.parametrize("path", ["/static/css/portal.css", "/static/js/portal.js"])
def test_the_stylesheet_and_script_are_served_from_the_site(client, path):
    with client.get(path) as response:
        assert response.status_code == 200


def test_a_missing_page_is_a_polite_404(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_a_wrong_method_is_a_polite_405(client):
    response = client.post("/submit")

    assert response.status_code == 405
    assert "This page cannot be used this way" in response.get_data(as_text=True)


def test_a_request_too_large_to_read_gets_a_polite_413(client):
    too_large = b"body=" + b"x" * (33 * 1024 * 1024)

    response = client.post(
        "/submit/opinion", data=too_large, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_an_unexpected_failure_gets_an_apology_not_a_trace(make_app, caplog):
    app = make_app()

    def fail():
        raise RuntimeError("a bug")

    app.add_url_rule("/failing", "failing", fail)

    response = english(app.test_client()).get("/failing")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "a bug" not in page
