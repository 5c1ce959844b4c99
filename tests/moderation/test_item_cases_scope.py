"""An item's linked cases in the console: a case kept from the account is never counted.

An officer of the accused cadre's unit drafts the item of their unit; the cases panel must
read the same whether or not a case about their cadre, or a protected one, is linked to it.
"""

import re

import pytest

from portal.extensions import db
from portal.models import Case, CaseKind, RectificationItem, User
from portal.services import feedback, rectification
from tests.console import sign_in
from tests.factories import make_case
from tests.items import build_desk, new_item
from tests.protection import sealed_case
from tests.public import english

CASES_PANEL = re.compile(
    r'<section class="panel" aria-labelledby="item-cases-title">.*?</section>', re.S
)


def _about_the_cadre(desk):
    """Report the bureau's own cadre, whose unit's officer must not hear of it."""
    case, _receipt = make_case(desk.city.bureau, kind=CaseKind.REPORT, cadre_id=desk.city.cadre.id)
    return case


def _protected(desk):
    """Open a protected case, as a confidential reporter's yes to the check-in would."""
    return feedback.open_protected_case(sealed_case(desk.city.bureau), "被单位调离原岗位")


@pytest.fixture
def desk(app, client) -> dict:
    """Commit an item about the bureau with its desk's case; sign the bureau's officer in."""
    with app.app_context():
        desk = build_desk()
        item = new_item(desk)
        hidden = {"cadre": _about_the_cadre(desk), "protected": _protected(desk)}
        db.session.commit()
        ids = {"item": item.id, "officer": desk.officer.id, "handler": desk.handler.id}
        ids["hidden"] = {name: case.id for name, case in hidden.items()}
    english(client)
    with app.app_context():
        sign_in(client, db.session.get(User, ids["officer"]))
    return ids


def _cases_panel(client, item_id: int) -> str:
    page = client.get(f"/console/items/{item_id}")
    assert page.status_code == 200
    return CASES_PANEL.search(page.get_data(as_text=True)).group(0)


def _link(app, item_id: int, handler_id: int, case_id: int) -> None:
    """Link a case the officer may not see, as a handler at the top of the tree."""
    with app.app_context():
        item = db.session.get(RectificationItem, item_id)
        case = db.session.get(Case, case_id)
        assert rectification.link_cases(
            item, db.session.get(User, handler_id), item.version, [case]
        )
        db.session.commit()


@pytest.mark.parametrize("hidden", ["cadre", "protected"])
def test_a_linked_case_kept_from_the_officer_changes_nothing_in_the_cases_panel(
    app, client, desk, hidden
):
    before = _cases_panel(client, desk["item"])

    _link(app, desk["item"], desk["handler"], desk["hidden"][hidden])

    after = _cases_panel(client, desk["item"])
    assert after == before
    assert "Cases outside your scope are not listed." in after
    assert not re.search(r"\d+ cases? outside", after)
