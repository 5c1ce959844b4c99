"""The two openness end to end: from cases to a public commitment, a result, a vote, round 2."""

from portal.extensions import db
from portal.models import ItemState, RectificationItem, VoterGroup
from portal.services import item_progress
from portal.services.reviews import close_review
from tests.items import K, build_desk, desk_ids, draft_commitment, new_item, publish, staff_of
from tests.public import english, open_case
from tests.reviews import add_votes, open_round, votes


def test_below_80_percent_the_item_comes_back_for_a_second_round_all_in_public(app, client):
    with app.app_context():
        desk = build_desk()
        item = new_item(desk)
        draft_commitment(desk, item)
        publish(desk, item, K.COMMITMENT)
        item_progress.start_rectification(item, desk.officer, item.version)
        item_progress.add_milestone(item, desk.officer, item.version, "已增开一个窗口。", 60)
        item_progress.update_result(item, desk.officer, item.version, "窗口已增至六个。")
        publish(desk, item, K.RESULT)
        review = open_round(item, desk.handler)
        add_votes(review, VoterGroup.DEPUTY, *votes(satisfied=3, basically=4, dissatisfied=3))
        close_review(review, desk.handler)  # 7 of 10: below 80 %
        db.session.commit()
        item_id, ids = item.id, desk_ids(desk)
        assert (item.state, item.round_number) == (ItemState.DRAFT, 2)

    page = english(client).get(f"/items/{item_id}").get_data(as_text=True)
    assert "Round 2" in page and "The unit is drafting its new commitment" in page
    assert "工作日增开两个窗口" in page and "窗口已增至六个。" in page  # round 1 stays public

    with app.app_context():
        item = db.session.get(RectificationItem, item_id)
        staff = staff_of(ids)
        draft_commitment(staff, item, measure="推行网上预约，高峰时段增派人员")
        publish(staff, item, K.COMMITMENT)
        db.session.commit()

    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert "推行网上预约，高峰时段增派人员" in page and "工作日增开两个窗口" in page
    open_case(client, ids["case"], ids["receipt"])
    assert "Rectification of the problem you raised" in client.get("/track/case").get_data(
        as_text=True
    )
