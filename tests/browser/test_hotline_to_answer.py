"""A hotline call recorded by an operator, answered by a handler, read by the caller on a phone."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import Role, Unit
from portal.services.accounts import create_user
from tests.conftest import base_config

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
DESK = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
    "locale": "zh-CN",
}
ANSWER = "您好！您反映的社保窗口排队问题已交市人社局核查，下月起增开两个窗口。感谢您的监督。"


@dataclass(frozen=True)
class Staff:
    """The sign-in details of the operator and the handler of the live server's city."""

    operator: tuple[str, str]
    handler: tuple[str, str]


@pytest.fixture(scope="module")
def staff(live_server) -> Staff:
    """Create an operator and a handler for the whole city in the live server's database."""
    database_url = f"sqlite:///{live_server.log.parent / 'portal.sqlite3'}"
    app = create_app(base_config(database_url))
    with app.app_context():
        city = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        accounts = {
            "operator": ("hotline.chen", "copper kettle meadow lantern"),
            "handler": ("handler.lin", "river ledger saffron quince"),
        }
        for role, (username, password) in accounts.items():
            name = "陈晓燕" if role == "operator" else "林涛"
            create_user(username, name, Role(role), city, password, must_change_password=False)
        db.session.commit()
        db.engine.dispose()
    return Staff(accounts["operator"], accounts["handler"])


@pytest.fixture(scope="module")
def browser():
    """Start Debian's chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/console/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("My work", use_inner_text=True)


def take_action(page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form.action-{action} button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)


def test_a_hotline_call_is_answered_and_read_with_the_receipt_read_out(live_server, staff, browser):
    desk = browser.new_context(**DESK)
    page = desk.new_page()

    # The operator takes the call: channel first, then down the form with the keyboard.
    sign_in(page, live_server.url, *staff.operator)
    with page.expect_navigation():
        page.get_by_role("link", name="Record a case").click()
    # Autofocus is applied once the page has rendered, a moment after it has loaded. (Not
    # wait_for_function: polling a string predicate needs eval, which our CSP refuses.)
    expect(page.locator("#channel")).to_be_focused()
    page.select_option("#channel", "hotline")
    page.keyboard.press("Tab")
    expect(page.locator("#received_on")).to_be_focused()
    page.check("#kind-0")
    page.select_option("#unit_id", str(live_server.bureau_id))
    page.fill("#title", "社保窗口排队太久")
    page.fill("#body", "来电反映：市人社局社保窗口上午只开一个，排队两个多小时。")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the case").click()

    expect(page.locator("h1")).to_have_text("Case recorded", use_inner_text=True)
    number = page.locator(".case-number").inner_text().strip()
    receipt = page.locator(".receipt-code").inner_text().strip()
    assert len(receipt) == 34
    assert receipt not in page.title() and receipt not in page.url
    assert page.locator(".spelled-group").all_inner_texts() == receipt.split("-")
    with page.expect_navigation():
        page.get_by_role("button", name="Done — clear the receipt").click()
    assert receipt not in page.content()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    # A handler takes the case from received to answered.
    sign_in(page, live_server.url, *staff.handler)
    page.goto(f"{live_server.url}/console/cases/{number}")
    take_action(page, "accept")
    page.select_option("form.action-assign select[name=unit]", str(live_server.bureau_id))
    take_action(page, "assign")
    take_action(page, "start")
    page.fill("form.action-answer textarea[name=answer]", ANSWER)
    take_action(page, "answer")
    expect(page.locator("h1 .tag").first).to_have_text("Answered", use_inner_text=True)
    desk.close()

    # The caller types what was read out to them: small letters, spaces for the dashes.
    citizen = browser.new_context(**PHONE)
    phone = citizen.new_page()
    phone.goto(live_server.url + "/track")
    phone.fill("#number", number)
    phone.fill("#receipt", receipt.lower().replace("-", " "))
    with phone.expect_navigation():
        phone.get_by_role("button", name="查询").click()

    expect(phone.locator("h1")).to_have_text(f"受理编号 {number}", use_inner_text=True)
    assert ANSWER in phone.locator("main").inner_text()
    citizen.close()
    assert receipt not in live_server.log.read_text()
