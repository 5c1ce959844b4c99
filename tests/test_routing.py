"""Ids in URLs: a number no row can have is a 404, on every route, never a database error."""

import pytest

from portal.extensions import db
from portal.models import Role
from tests.console import sign_in
from tests.factories import add_user, build_city

TOO_LARGE = ["2147483648", "3000000000", "1" + "0" * 30]


@pytest.mark.parametrize("number", TOO_LARGE)
def test_a_public_item_with_an_impossible_id_is_not_found(client, number):
    assert client.get(f"/items/{number}").status_code == 404
    assert client.post(f"/items/{number}/vote", data={"choice": "satisfied"}).status_code == 404


@pytest.mark.parametrize("number", TOO_LARGE)
def test_console_actions_on_an_impossible_id_are_not_found(app, client, number):
    with app.app_context():
        city = build_city()
        sign_in(client, add_user(Role.HANDLER, city.committee, "handler"))
        db.session.commit()

    for path in (f"/console/items/{number}/start", f"/console/reviews/{number}/open"):
        assert client.post(path, data={"version": "1"}).status_code == 404
    assert client.get(f"/console/items/{number}").status_code == 404


def test_the_largest_id_a_row_can_have_still_reaches_the_view(client):
    assert client.get("/items/2147483647").status_code == 404  # no such item, asked of the db
