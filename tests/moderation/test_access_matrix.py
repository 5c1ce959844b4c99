"""The access matrix: every console endpoint, for the anonymous, for every role, across scopes.

The endpoints are read from ``app.url_map``, so a console page is checked from the moment it
is registered. URL parameters are filled by name from a small world; a parameter this file
does not know fails the test, so whoever adds one says here what it must be filled with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from portal import create_app
from portal.crypto import encrypt_secret
from portal.extensions import db
from portal.models import (
    AuditEvent,
    FileKind,
    PublicationKind,
    ReporterMode,
    Role,
    SupervisorKind,
    SupervisorProfile,
    Unit,
    UnitKind,
)
from portal.policy import ROLE_PERMISSIONS
from portal.services import audit, deadlines, extensions, identity, rectification, workflow
from portal.services.evidence import CleanFile, attach_files
from portal.services.intake import ContactDetails
from portal.services.item_publication import request_publication
from tests.conftest import base_config
from tests.console import sign_in
from tests.evidence.corpus import plain_jpeg
from tests.factories import add_unit, add_user, build_city, make_case
from tests.reviews import item_with_result, schedule

#: The pages people use before they are signed in. Nothing else may be one: adding a page
#: here is a decision about who may see it, to be made on purpose.
SIGN_IN_PAGES = {"console.login", "console.login_totp", "console.logout"}
#: Parameters naming an object that lies in a unit subtree: out of scope, they answer 404.
SCOPED_PARAMETERS = {"number", "user_id", "request_id", "extension_id", "unit_id"}
SCOPED_PARAMETERS |= {"item_id", "measure_id", "publication_id"}
SCOPED_PARAMETERS |= {"review_id"}


@dataclass(frozen=True)
class ConsoleRoute:
    """One console URL rule and one of its methods, with what its view declares."""

    endpoint: str
    rule: str
    method: str
    arguments: frozenset[str]
    required: frozenset | None
    sign_in_page: bool
    #: portal.errors re-runs such a view when CSRFProtect, which runs before the guard, fails.
    reruns_on_csrf_failure: bool

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def _console_routes() -> list[ConsoleRoute]:
    """Read the console's routes from an app's url_map (no database is touched)."""
    app = create_app(base_config("sqlite://"))
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console."):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(
                ConsoleRoute(
                    endpoint=rule.endpoint,
                    rule=rule.rule,
                    method=method,
                    arguments=frozenset(rule.arguments),
                    required=getattr(view, "required_permissions", None),
                    sign_in_page=getattr(view, "is_sign_in_page", False),
                    reruns_on_csrf_failure=getattr(view, "keeps_text_on_csrf_failure", False),
                )
            )
    return routes


ROUTES = _console_routes()
GUARDED = [route for route in ROUTES if not route.sign_in_page]
ROLE_MATRIX = [
    pytest.param(route, role, id=f"{route}-{role.value}")
    for route in GUARDED
    if route.required is not None
    for role in Role
]
SCOPE_MATRIX = [
    pytest.param(route, role, id=f"{route}-{role.value}")
    for route in GUARDED
    if route.arguments & SCOPED_PARAMETERS and route.required is not None
    for role in Role
    if route.required <= ROLE_PERMISSIONS[role]
]

CSRF_RERUN_MATRIX = [
    pytest.param(route, role, id=f"{route}-{role.value if role else 'anonymous'}")
    for route in GUARDED
    if route.reruns_on_csrf_failure and route.required is not None
    for role in [None, *Role]
    if role is None or not route.required <= ROLE_PERMISSIONS[role]
]


@dataclass(frozen=True)
class World:
    """A case and an account of one district, and a second district beside it."""

    committee_id: int
    district_id: int
    other_district_id: int
    parameters: dict


@pytest.fixture
def app(make_app, tmp_path):
    """Return the portal for tests, keeping the world's evidence file in tmp_path."""
    return make_app(UPLOAD_DIR=str(tmp_path / "uploads"))


@pytest.fixture
def world(app) -> World:
    return _build_world(app)


def _build_world(app) -> World:
    with app.app_context():
        city = build_city()
        other = add_unit("西城区委", UnitKind.DISTRICT, city.committee, name_en="Xicheng District")
        triager = add_user(Role.HANDLER, city.committee, "triager")
        # Assigned to the district, so that department officers (who see only what is
        # assigned to their subtree) have it in scope too.
        case, _receipt = make_case(city.township)
        workflow.accept_case(case, triager, case.version)
        workflow.assign_case(case, triager, case.version, city.district)
        account = add_user(Role.OPERATOR, city.district, "district-operator")
        officer = add_user(Role.OFFICER, city.district, "district-officer")
        extension = extensions.request_extension(case, officer, 5, "需要补充调查")
        sealed, _receipt = make_case(
            city.township,
            reporter_mode=ReporterMode.CONFIDENTIAL,
            contact=ContactDetails(name="赵六", phone="13700001111"),
        )
        request = identity.request_identity(sealed, triager, "需要核实举报人身份")
        [scan] = attach_files(case, [CleanFile("scan.jpg", FileKind.JPEG, plain_jpeg())])
        parameters = {
            "number": case.number,
            "user_id": account.id,
            "seq": audit.chain_head().seq,
            "request_id": request.id,
            "extension_id": extension.id,
            "unit_id": city.district.id,
            "rule_id": deadlines.rules()[0].id,
            "file_id": scan.id,
            **_item_world(city, triager, case),
            **_review_world(city, triager),
        }
        db.session.commit()
        return World(city.committee.id, city.district.id, other.id, parameters)


def _review_world(city, triager) -> dict:
    """Return a scheduled satisfaction round of an item of the district."""
    item = item_with_result(city.district, triager, title="窗口服务满意度测评")
    return {"review_id": schedule(item, triager).id}


def _item_world(city, triager, case) -> dict:
    """Return a rectification item of the district with a measure and a pending publication."""
    item = rectification.create_item(triager, city.district, "窗口服务不规范", "问题", [case])
    deadline = date.today() + timedelta(days=30)
    rectification.update_draft(
        item, triager, item.version, title=item.title, problem_statement="问题",
        commitment="", deadline=deadline, category=None,
    )  # fmt: skip
    measure = rectification.add_measure(
        item, triager, item.version, "规范窗口服务", city.district, deadline
    )
    asked = request_publication(item, triager, item.version, PublicationKind.COMMITMENT)
    return {"item_id": item.id, "measure_id": measure.id, "publication_id": asked.id}


def _url(app, route: ConsoleRoute, world: World) -> str:
    unknown = route.arguments - world.parameters.keys()
    if unknown:
        pytest.fail(
            f"{route.endpoint} takes <{', '.join(sorted(unknown))}>, which the access matrix "
            "cannot fill yet: add an object of the world fixture in tests/moderation/"
            "test_access_matrix.py (in scope of the district), and to SCOPED_PARAMETERS if "
            "it lies in a unit subtree."
        )
    with app.test_request_context():
        return url_for(route.endpoint, **{name: world.parameters[name] for name in route.arguments})


def _sign_in_as(app, client, role: Role, unit_id: int) -> str:
    """Sign in a fresh account of a role at a unit (administrators with two-factor set up)."""
    with app.app_context():
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") if role == Role.ADMIN else None
        user = add_user(
            role, db.session.get(Unit, unit_id), f"{role.value}-probe", totp_secret=secret
        )
        if role == Role.SUPERVISOR:  # a supervisor acts only during a term
            today = date.today()
            term = {
                "term_starts": today - timedelta(days=1),
                "term_ends": today + timedelta(days=1),
            }
            db.session.add(SupervisorProfile(user=user, kind=SupervisorKind.DEPUTY, **term))
        db.session.commit()
        sign_in(client, user)
        return user.username


def _refusals(app, username: str) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).where(
            AuditEvent.action == "access.refused", AuditEvent.actor == username
        )
        return list(db.session.scalars(query))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_console_view_declares_who_may_use_it(route):
    assert route.required is not None or route.sign_in_page, (
        f"{route.endpoint} declares neither @requires(...) nor @sign_in_page"
    )


def test_only_the_sign_in_steps_are_open_to_people_not_signed_in():
    assert {route.endpoint for route in ROUTES if route.sign_in_page} == SIGN_IN_PAGES


@pytest.mark.parametrize("route", GUARDED, ids=str)
def test_the_anonymous_are_sent_to_the_sign_in_page(app, client, world, route):
    response = client.open(_url(app, route, world), method=route.method)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.sign_in_page], ids=str)
def test_the_sign_in_steps_show_the_anonymous_nothing_but_the_sign_in(app, client, world, route):
    response = client.open(_url(app, route, world), method=route.method)

    if route.endpoint == "console.login":
        assert response.status_code in (200, 422)  # the form, empty or with its errors
        assert "console-nav" not in response.get_data(as_text=True)
    else:
        assert response.status_code in (302, 303)
        assert response.headers["Location"].startswith("/console/login")


@pytest.mark.parametrize(("route", "role"), ROLE_MATRIX)
def test_a_role_reaches_exactly_the_pages_its_permissions_allow(app, client, world, route, role):
    username = _sign_in_as(app, client, role, world.committee_id)

    response = client.open(_url(app, route, world), method=route.method)

    if route.required <= ROLE_PERMISSIONS[role]:
        assert response.status_code not in (403, 404)
        assert response.status_code < 500
        assert not response.headers.get("Location", "").startswith("/console/login")
    else:
        assert response.status_code == 403
        [refusal] = _refusals(app, username)
        assert refusal.object_id == route.endpoint
        assert '"reason":"role"' in refusal.details


@pytest.mark.parametrize(("route", "role"), SCOPE_MATRIX)
def test_an_object_of_another_district_answers_404(app, client, world, route, role):
    username = _sign_in_as(app, client, role, world.other_district_id)

    response = client.open(_url(app, route, world), method=route.method)

    assert response.status_code == 404
    [refusal] = _refusals(app, username)
    assert '"reason":"scope"' in refusal.details


@pytest.mark.parametrize(("route", "role"), CSRF_RERUN_MATRIX)
def test_a_form_shown_again_after_a_csrf_failure_is_still_guarded(make_app, tmp_path, route, role):
    app = make_app(WTF_CSRF_ENABLED=True, UPLOAD_DIR=str(tmp_path / "uploads"))
    world = _build_world(app)
    client = app.test_client()
    if role is not None:
        _sign_in_as(app, client, role, world.committee_id)

    response = client.post(_url(app, route, world), data={})  # no CSRF token

    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/console/login?next=")
    else:
        assert response.status_code == 403
