"""The cadre picker refreshes for the chosen unit without uploading the files chosen already."""

from __future__ import annotations

import shutil

import pytest

from tests.evidence import corpus

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def page():
    """Open a page in Debian's chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB")
        yield context.new_page()
        context.close()
        browser.close()


def test_choosing_a_unit_shows_its_cadres_without_sending_the_chosen_files(live_server, page):
    page.goto(live_server.url + "/submit/opinion")
    photo = {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": corpus.plain_jpeg()}
    page.set_input_files("#evidence", files=[photo])

    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.select_option("#unit_id", str(live_server.bureau_id))
    page.wait_for_selector(f'#cadre_id option[value="{live_server.cadre_id}"]', state="attached")

    body = posted.value.post_data_buffer or b""
    assert b'name="unit_id"' in body and b'name="action"' in body
    assert b'name="evidence"' not in body
    assert b"photo.jpg" not in body
    assert page.evaluate("document.getElementById('evidence').files.length") == 1
