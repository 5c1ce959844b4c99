"""The console's guard: outsiders reach the sign-in page, never data."""

from portal.extensions import db
from portal.models import Role, User
from portal.services.accounts import hash_password
from tests.console import sign_in
from tests.factories import add_user, build_city


def test_an_outsider_typing_a_console_url_gets_the_sign_in_page(client):
    response = client.get("/console/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=/console/")


def test_a_signed_in_operator_sees_their_work(app, client):
    with app.app_context():
        city = build_city()
        operator = add_user(Role.OPERATOR, city.committee, "op")
        db.session.commit()
        sign_in(client, operator)

    response = client.get("/console/", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert "new cases waiting to be accepted" in response.get_data(as_text=True)


def test_signing_in_with_the_password_opens_the_console(app, client):
    with app.app_context():
        city = build_city()
        add_user(
            Role.HANDLER, city.committee, "handler", password_hash=hash_password("long enough pass")
        )
        db.session.commit()

    response = client.post(
        "/console/login", data={"username": "Handler", "password": "long enough pass"}
    )

    assert response.status_code == 303
    assert client.get("/console/").status_code == 200


def test_signing_out_revokes_the_old_session_cookie(app, client):
    with app.app_context():
        city = build_city()
        operator = add_user(Role.OPERATOR, city.committee, "op")
        db.session.commit()
        sign_in(client, operator)
    with client.session_transaction() as session:
        stolen = dict(session)

    client.post("/console/logout")
    with client.session_transaction() as session:
        session.update(stolen)

    assert client.get("/console/").status_code == 302


def test_an_outsider_posting_without_a_csrf_token_is_refused_before_any_view_runs(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        operator = add_user(Role.OPERATOR, build_city().committee, "op")
        db.session.commit()
        old_hash = operator.password_hash

    response = client.post(f"/console/users/{operator.id}/password")

    assert response.status_code == 400
    assert "op" not in response.get_data(as_text=True).split("<main", 1)[-1]
    with app.app_context():
        assert db.session.get(User, operator.id).password_hash == old_hash


def test_a_wrong_role_posting_without_a_csrf_token_is_refused_not_failed(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        operator = add_user(Role.OPERATOR, build_city().committee, "op")
        db.session.commit()
        sign_in(client, operator)

    response = client.post(f"/console/users/{operator.id}/password")

    assert response.status_code == 400


def test_a_signed_in_account_posting_without_a_csrf_token_is_told_the_form_expired(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        operator = add_user(Role.OPERATOR, build_city().committee, "op")
        db.session.commit()
        sign_in(client, operator)

    response = client.post("/console/account/password", headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)
