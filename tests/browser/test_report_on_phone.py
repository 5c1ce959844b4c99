"""A citizen on a phone reports a cadre, keeps the receipt, and follows the case."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

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
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
    "locale": "zh-CN",
}


@pytest.fixture(scope="module")
def phone():
    """Open a phone-sized page in Debian's chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(**PHONE)
        yield context.new_page()
        context.close()
        browser.close()


def fits_the_screen(page) -> bool:
    """Tell whether the page scrolls only downwards, never sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_report_sent_from_a_phone_can_be_followed_with_its_receipt(live_server, phone):
    page = phone
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)

    page.goto(live_server.url + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="投诉举报").first.click()
    expect(page.locator("h1")).to_have_text("投诉举报", use_inner_text=True)
    # the script that folds the contact fields away is deferred: it runs a moment after the h1
    expect(page.locator("[data-contact-fields]")).to_be_hidden()
    assert fits_the_screen(page)

    page.select_option("#unit_id", str(live_server.bureau_id))
    page.wait_for_selector(f'#cadre_id option[value="{live_server.cadre_id}"]', state="attached")
    page.select_option("#cadre_id", str(live_server.cadre_id))
    page.select_option("#category_id", label="故意刁难基层、吃拿卡要")
    page.fill("#title", "窗口工作人员吃拿卡要")
    page.fill("#body", "办理社保转移时被要求请客吃饭。")
    page.fill("#event_date", yesterday.isoformat())
    page.fill("#event_place", "市民服务中心二楼")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()

    expect(page.locator("h1")).to_have_text("您反映的问题已收到", use_inner_text=True)
    number = page.locator(".case-number").inner_text().strip()
    receipt = page.locator(".receipt").inner_text().strip()
    assert len(receipt) == 34
    assert receipt not in page.title()
    assert fits_the_screen(page)

    with page.expect_navigation():
        page.get_by_role("link", name="查询办理情况").first.click()
    page.fill("#number", number)
    page.fill("#receipt", receipt.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()

    expect(page.locator("h1")).to_have_text(f"受理编号 {number}", use_inner_text=True)
    expect(page.locator(".status")).to_have_text("已收到", use_inner_text=True)
    assert page.locator(".timeline__label").all_inner_texts() == ["已收到"]
    assert "/track/case" in page.url
    assert fits_the_screen(page)
    assert problems == []
    assert receipt not in live_server.log.read_text()


def test_a_missing_answer_is_announced_at_the_top_of_the_form(live_server, phone):
    page = phone
    page.goto(live_server.url + "/submit/opinion")

    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="请从列表中选择单位。").click()
    expect(page.locator("#unit_id")).to_be_focused()
