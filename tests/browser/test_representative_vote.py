"""A representative votes on a phone with a printed code; the round falls below 80 % and the
public page shows round 2."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import Role, Unit, VoterGroup
from portal.services.accounts import create_user
from tests.browser.test_hotline_to_answer import DESK, PHONE, browser, sign_in  # noqa: F401  (fixture)
from tests.conftest import base_config
from tests.factories import make_case
from tests.reviews import add_votes, item_with_result, open_round, votes

pytestmark = pytest.mark.browser

HANDLER = ("review.zhou", "lantern orchard pebble cobalt")
TITLE = "社保窗口排队时间过长"


@dataclass(frozen=True)
class Round:
    """The item whose round is open, in the live server's database."""

    item_id: int
    review_id: int


@pytest.fixture(scope="module")
def open_vote(live_server) -> Round:
    """Open a round whose tally stands at exactly 80 %: one more dissatisfied vote tips it."""
    database_url = f"sqlite:///{live_server.log.parent / 'portal.sqlite3'}"
    app = create_app(base_config(database_url))
    with app.app_context():
        city = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        bureau = db.session.get(Unit, live_server.bureau_id)
        username, password = HANDLER
        handler = create_user(
            username, "周敏", Role.HANDLER, city, password, must_change_password=False
        )
        case, _receipt = make_case(bureau)
        item = item_with_result(bureau, handler, cases=[case], title=TITLE)
        review = open_round(item, handler, quorum=5)
        add_votes(review, VoterGroup.EMPLOYEE_REPRESENTATIVE, *votes(satisfied=4, dissatisfied=1))
        db.session.commit()
        ids = Round(item.id, review.id)
        db.engine.dispose()
    return ids


def test_a_representative_votes_with_a_printed_code_and_round_2_opens(
    live_server,
    open_vote,
    browser,  # noqa: F811  (the hotline test's fixture: Debian's chromium)
):
    desk = browser.new_context(**DESK)
    staff = desk.new_page()
    sign_in(staff, live_server.url, *HANDLER)
    rounds_page = f"{live_server.url}/console/items/{open_vote.item_id}/reviews"

    # Staff print three codes for the deputies; the sheet shows each once.
    staff.goto(rounds_page)
    # While the round runs, staff see the turnout, never the answers.
    assert re.search(r"Valid votes\s+5", staff.locator(".round-tally").inner_text())
    staff.select_option("#voter_group", "deputy")
    staff.fill("#count", "3")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Make the codes and print them").click()
    expect(staff.locator(".ballot-code")).to_have_count(3)
    codes = staff.locator(".ballot-code").all_inner_texts()
    assert len(codes) == 3 and len(set(codes)) == 3
    assert not any(code in staff.url or code in staff.title() for code in codes)

    # A deputy types the printed code on a phone, in small letters with spaces.
    citizen = browser.new_context(**PHONE)
    phone = citizen.new_page()
    phone.goto(f"{live_server.url}/items/{open_vote.item_id}/vote")
    assert TITLE in phone.locator(".lead").inner_text()
    phone.check("#choice-2")  # dissatisfied
    phone.check("#voter-0")  # with a ballot code
    phone.fill("#code", codes[0].lower().replace("-", " "))
    with phone.expect_navigation():
        phone.locator(".vote-form button[type=submit]").click()
    assert phone.url.endswith(f"/items/{open_vote.item_id}/vote/counted")
    assert "不满意" not in phone.locator("main").inner_text()

    # The same code a second time is refused, and the tally does not move.
    phone.goto(f"{live_server.url}/items/{open_vote.item_id}/vote")
    phone.check("#choice-0")
    phone.check("#voter-0")
    phone.fill("#code", codes[0])
    with phone.expect_navigation():
        phone.locator(".vote-form button[type=submit]").click()
    expect(phone.locator(".error-summary")).to_have_count(1)

    # Staff close the round: 4 of 6 valid votes is below 80 %, so round 2 opens.
    staff.goto(rounds_page)
    assert re.search(r"Valid votes\s+6", staff.locator(".round-tally").inner_text())
    with staff.expect_navigation():
        staff.get_by_role("button", name="Close and count now").click()
    expect(staff.locator(".flash-success")).to_have_count(1)
    desk.close()

    phone.goto(f"{live_server.url}/items/{open_vote.item_id}")
    assert phone.locator("#round-2").count() == 1
    first = phone.locator("#round-1 .round-tally")
    assert "66.6" in first.inner_text()
    assert first.locator(".status--outcome-below_threshold").count() == 1
    citizen.close()
    assert not any(code in live_server.log.read_text() for code in codes)
