"""Who approves a publication: someone in the organization department who did not write it."""

from dataclasses import replace

import pytest
from flask_babel import force_locale

from portal.extensions import db
from portal.models import ItemState, RequestStatus, Role
from portal.services import item_progress, item_publication, rectification
from portal.services.errors import DomainError
from tests.console import sign_in
from tests.factories import add_user
from tests.items import Desk, K, build_desk, draft_commitment, item_at, new_item, publish
from tests.public import english as english_client

WROTE_IT = "You wrote part of this text"


@pytest.fixture
def desk(app_context) -> Desk:
    with force_locale("en"):
        yield build_desk()


def _asked(desk: Desk, item, kind=K.COMMITMENT):
    return item_publication.request_publication(item, desk.officer, item.version, kind)


def test_a_district_handler_cannot_approve_but_the_organization_department_can(desk):
    district_officer = add_user(Role.OFFICER, desk.city.district, "district-officer")
    district_handler = add_user(Role.HANDLER, desk.city.district, "district-handler")
    item = new_item(desk, unit=desk.city.township)
    desk.officer = district_officer
    draft_commitment(desk, item)
    asked = _asked(desk, item)

    with pytest.raises(DomainError, match="organization department"):
        item_publication.approve_publication(asked, district_handler, item.version)
    item_publication.approve_publication(asked, desk.approver, item.version)

    assert item.state == ItemState.COMMITMENT_PUBLISHED
    assert asked.decided_by_id == desk.approver.id


def test_only_the_organization_department_is_shown_the_requests_and_decides(desk):
    district_handler = add_user(Role.HANDLER, desk.city.district, "district-handler")
    org_handler = add_user(Role.HANDLER, desk.city.organization_department, "org-handler")
    township_item = new_item(desk, unit=desk.city.township)
    department_item = new_item(desk, title="干部档案查阅不便", unit=org_handler.unit)
    by_handler = replace(desk, officer=desk.handler)
    for item in (township_item, department_item):
        draft_commitment(by_handler, item)
    _asked(by_handler, township_item)
    asked = _asked(by_handler, department_item)

    assert item_publication.pending_requests(district_handler) == []
    item_publication.approve_publication(asked, org_handler, department_item.version)
    assert department_item.state == ItemState.COMMITMENT_PUBLISHED


def test_a_handler_who_edited_the_commitment_cannot_approve_it(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    rectification.add_measure(
        item, desk.approver, item.version, "推行预约办理", item.unit, item.current_round.deadline
    )
    asked = _asked(desk, item)

    with pytest.raises(DomainError, match=WROTE_IT):
        item_publication.approve_publication(asked, desk.approver, item.version)
    with pytest.raises(DomainError, match=WROTE_IT):
        item_publication.deny_publication(asked, desk.approver, item.version, "不同意")
    item_publication.approve_publication(asked, desk.handler, item.version)

    assert item.state == ItemState.COMMITMENT_PUBLISHED


def test_a_handler_who_edited_the_summary_cannot_approve_it(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    rectification.update_draft(
        item, desk.approver, item.version, title=item.title,
        problem_statement=item.problem_statement, commitment="<p>改由我来写。</p>",
        deadline=item.current_round.deadline, category=item.category,
    )  # fmt: skip
    asked = _asked(desk, item)

    with pytest.raises(DomainError, match=WROTE_IT):
        item_publication.approve_publication(asked, desk.approver, item.version)
    assert asked.status == RequestStatus.PENDING


def test_a_handler_who_edited_a_published_measure_cannot_approve_the_correction(desk):
    item = new_item(desk)
    draft_commitment(desk, item)
    publish(desk, item, K.COMMITMENT)
    measure = item.current_round.measures[0]
    rectification.update_measure(
        measure, desk.approver, item.version, "工作日增开三个窗口", measure.owner_unit,
        measure.due_on,
    )  # fmt: skip
    asked = _asked(desk, item)

    with pytest.raises(DomainError, match=WROTE_IT):
        item_publication.approve_publication(asked, desk.approver, item.version, "窗口数更正")


def test_a_handler_who_wrote_the_result_cannot_approve_it(desk):
    item = item_at(desk, ItemState.IN_RECTIFICATION)
    item_progress.update_result(item, desk.approver, item.version, "<p>窗口已增至六个。</p>")
    asked = _asked(desk, item, K.RESULT)

    with pytest.raises(DomainError, match=WROTE_IT):
        item_publication.approve_publication(asked, desk.approver, item.version)
    item_publication.approve_publication(asked, desk.handler, item.version)

    assert item.state == ItemState.RESULT_PUBLISHED


def test_the_console_offers_no_decision_to_the_texts_author(app, client):
    with app.app_context():
        desk = build_desk()
        item = new_item(desk)
        desk.officer, officer = desk.approver, desk.officer  # the approver drafts it
        draft_commitment(desk, item)
        asked = item_publication.request_publication(item, officer, item.version, K.COMMITMENT)
        db.session.commit()
        url = f"/console/items/publications/{asked.id}"
        english_client(client)
        sign_in(client, desk.approver)

    listing = client.get("/console/items/publications").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)

    assert "Written by you" in listing
    assert WROTE_IT in page
    assert "Approve and publish" not in page and "Refuse" not in page
