"""The two openness in public: the board, an item's page, its versions, the feed, the track page."""

import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import ItemState, RectificationItem, Role, utcnow
from portal.services import rectification
from portal.services.items import transition_item
from tests.factories import add_user, category
from tests.items import (
    DEADLINE_DAYS,
    K,
    build_desk,
    desk_ids,
    item_at,
    new_item,
    publish,
    staff_of,
)
from tests.public import english, open_case

ATOM = "{http://www.w3.org/2005/Atom}"
FINGERPRINT = re.compile(r'class="fingerprint__value">([0-9a-f]{64})<')


@pytest.fixture
def board(app, client):
    """Commit items at every stage, a draft among them; return their ids by stage."""
    with app.app_context():
        desk = build_desk()
        items = {state: item_at(desk, state, f"事项 {state.value}").id for state in ItemState}
        db.session.commit()
        ids = desk_ids(desk)
    english(client)
    return {"items": items, **ids}


def _board(client, **filters) -> str:
    response = client.get("/items", query_string=filters)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_board_lists_every_public_stage_and_never_a_draft(client, board):
    page = _board(client)

    assert "If fewer than 80 % are satisfied" in page
    for state in ItemState:
        assert (f"事项 {state.value}" in page) is (state != ItemState.DRAFT)


def test_the_board_filters_by_stage_category_and_unit_subtree(app, client, board):
    assert "事项 accepted" in _board(client, state="accepted")
    assert "事项 in_rectification" not in _board(client, state="accepted")
    assert "事项 accepted" in _board(client, unit=board["committee"])  # the bureau lies below
    assert "事项 accepted" in _board(client, unit=board["bureau"])
    assert "No rectification item matches" in _board(client, unit=board["district"])
    assert "事项 accepted" in _board(client, category=_category_id(app))
    assert "事项 accepted" not in _board(client, category=_category_id(app, "gambling"))


def _category_id(app, code: str = "service_efficiency") -> int:
    with app.app_context():
        return category(code).id


def test_the_board_filters_items_past_their_published_deadline(app, client, board, time_machine):
    with app.app_context():
        later = db.session.get(RectificationItem, board["items"][ItemState.COMMITMENT_PUBLISHED])
        desk = staff_of(board)
        rectification.update_draft(
            later, desk.officer, later.version, title=later.title,
            problem_statement=later.problem_statement, commitment=later.current_round.commitment,
            deadline=later.current_round.deadline + timedelta(days=60), category=later.category,
        )  # fmt: skip
        publish(desk, later, K.COMMITMENT, note="期限延后。")
        db.session.commit()
    time_machine.move_to(utcnow() + timedelta(days=DEADLINE_DAYS + 1), tick=False)

    page = _board(client, overdue="y")

    assert "事项 in_rectification" in page and "Past the deadline" in page
    assert "事项 commitment_published" not in page and "事项 accepted" not in page


def test_a_filter_that_cannot_be_read_answers_400_with_the_form(client, board):
    response = client.get("/items", query_string={"unit": "abc", "state": "nonsense"})

    assert response.status_code == 400
    assert "Please choose one of the options offered." in response.get_data(as_text=True)


def test_a_draft_is_not_there_for_the_public(client, board):
    assert client.get(f"/items/{board['items'][ItemState.DRAFT]}").status_code == 404
    assert client.get("/items/999999").status_code == 404


def test_the_item_page_shows_the_commitment_signed_by_the_unit_never_a_person(client, board):
    page = client.get(f"/items/{board['items'][ItemState.ACCEPTED]}").get_data(as_text=True)

    assert "Public commitment" in page and "工作日增开两个窗口" in page
    assert "Signed: Human Resources Bureau" in page
    assert "已增开一个窗口。" in page and "50 % done" in page
    assert "窗口已由四个增至六个。" in page
    assert "Image supervisors' assessments" in page
    for staff in ("handler", "approver", "officer", "Case handler", "Department officer"):
        assert staff not in page
    assert len(FINGERPRINT.findall(page)) == 2  # the commitment's and the result's


def test_the_fingerprint_shown_changes_with_the_text_and_the_old_version_stays(app, client, board):
    item_id = board["items"][ItemState.IN_RECTIFICATION]
    before = FINGERPRINT.findall(client.get(f"/items/{item_id}").get_data(as_text=True))
    with app.app_context():
        item = db.session.get(RectificationItem, item_id)
        desk = staff_of(board)
        measure = item.current_round.measures[0]
        rectification.update_measure(
            measure, desk.officer, item.version, "增开三个窗口", measure.owner_unit, measure.due_on
        )
        db.session.commit()
        unapproved = client.get(f"/items/{item_id}").get_data(as_text=True)
        publish(desk, item, K.COMMITMENT, note="窗口数量改为三个。")
        db.session.commit()

    assert "增开三个窗口" not in unapproved  # an edit reaches the public only once approved
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    after = FINGERPRINT.findall(page)
    assert "增开三个窗口" in page and after != before
    history = client.get(f"/items/{item_id}/versions").get_data(as_text=True)
    assert "窗口数量改为三个。" in history and "工作日增开两个窗口" in history
    assert before[0] in history and after[0] in history


def test_the_exact_published_text_hashes_to_its_fingerprint(app, client, board):
    item_id = board["items"][ItemState.COMMITMENT_PUBLISHED]
    history = client.get(f"/items/{item_id}/versions").get_data(as_text=True)
    [link] = re.findall(r'href="(/items/\d+/versions/\d+\.json)"', history)

    download = client.get(link)

    assert download.mimetype == "application/json"
    assert hashlib.sha256(download.data).hexdigest() in history
    other = board["items"][ItemState.ACCEPTED]
    assert client.get(link.replace(f"/items/{item_id}/", f"/items/{other}/")).status_code == 404


def test_a_second_round_shows_the_first_beside_it(app, client, board):
    with app.app_context():
        item = db.session.get(RectificationItem, board["items"][ItemState.UNDER_REVIEW])
        transition_item(item, "rectify_again", staff_of(board).handler, item.version)
        db.session.commit()
        item_id = item.id

    page = client.get(f"/items/{item_id}").get_data(as_text=True)

    assert "Round 2" in page and "Round 1" in page
    assert "The unit is drafting its new commitment" in page
    assert "工作日增开两个窗口" in page  # round 1 stays public


def test_the_feed_is_atom_and_lists_what_was_published_newest_first(client, board):
    response = client.get("/feed.atom")

    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314  (our own feed, which this test checks)
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}updated")
    assert not any("事项 draft" in title for title in titles)
    assert sum("Result" in title for title in titles) == 3  # published, under review, accepted
    assert sum("Commitment" in title for title in titles) == 5
    updated = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("tag:localhost,")
        assert re.search(r"/items/\d+#round-1$", entry.find(f"{ATOM}link").get("href"))
        assert "SHA-256" in entry.findtext(f"{ATOM}content")


def test_the_feed_names_the_public_address_whichever_address_fetched_it(make_app, board):
    client = make_app(PUBLIC_BASE_URL="https://jiandu.example.gov.cn/").test_client()

    feed = ET.fromstring(client.get("/feed.atom", base_url="http://10.0.0.7:8000").data)  # noqa: S314

    entry = feed.find(f"{ATOM}entry")
    assert feed.findtext(f"{ATOM}id") == "https://jiandu.example.gov.cn/feed.atom"
    assert entry.findtext(f"{ATOM}id").startswith("tag:jiandu.example.gov.cn,")
    assert entry.find(f"{ATOM}link").get("href").startswith("https://jiandu.example.gov.cn/items/")


def test_the_feed_stays_valid_xml_whatever_characters_a_text_holds(app, client, board):
    with app.app_context():
        accepted = db.session.get(RectificationItem, board["items"][ItemState.ACCEPTED])
        desk = staff_of(board)
        desk.case = accepted.cases[0]
        title = "标题\x0b含控制字符 & <尖括号>"
        item_at(desk, ItemState.COMMITMENT_PUBLISHED, title, unit=accepted.unit)
        db.session.commit()

    feed = ET.fromstring(client.get("/feed.atom").data)  # noqa: S314  (our own feed)

    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert "Commitment: 标题含控制字符 & <尖括号>" in titles


def test_the_reporter_sees_the_items_of_their_case_on_the_track_page(client, board):
    open_case(client, board["case"], board["receipt"])

    page = client.get("/track/case").get_data(as_text=True)

    assert "Rectification of the problem you raised" in page
    assert "事项 accepted" in page and "Accepted by the public" in page
    assert "事项 draft" not in page


def test_the_home_page_lists_the_latest_published_items(client, board):
    page = client.get("/").get_data(as_text=True)

    assert "事项 accepted" in page and "All rectification items" in page
    assert "事项 draft" not in page


def test_a_unit_without_items_shows_an_empty_board(client, app):
    with app.app_context():
        desk = build_desk()
        new_item(desk)
        add_user(Role.HANDLER, desk.city.committee, "someone")
        db.session.commit()

    page = english(client).get("/items").get_data(as_text=True)

    assert "No rectification item has been published yet." in page
