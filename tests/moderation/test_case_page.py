"""The case page: facts, actions, conflicts, internal notes and reading contact details."""

import re
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Cadre, Case, CaseKind, CaseStatus, ReporterMode, Role, User
from portal.services import workflow
from portal.services.intake import ContactDetails
from tests.console import sign_in
from tests.factories import add_user, build_city, make_case

EN = {"Accept-Language": "en"}


@pytest.fixture
def desk(app, client):
    """Sign a city-wide handler in; give them a confidential case and a colleague."""
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        colleague = add_user(Role.HANDLER, city.committee, "colleague")
        operator = add_user(Role.OPERATOR, city.committee, "operator")
        outsider = add_user(Role.HANDLER, city.district, "outsider")
        case, receipt = make_case(
            city.bureau,
            title="窗口办事排队太久",
            reporter_mode=ReporterMode.CONFIDENTIAL,
            contact=ContactDetails(name="张三", phone="13800001234"),
        )
        db.session.commit()
        sign_in(client, handler)
        ids = {"colleague": colleague.id, "operator": operator.id, "outsider": outsider.id}
        return SimpleNamespace(
            number=case.number, receipt=receipt, district=city.district.id, **ids
        )


def _case(number: str) -> Case:
    return db.session.scalar(select(Case).where(Case.number == number))


def _open(client: FlaskClient, number: str):
    response = client.get(f"/console/cases/{number}", headers=EN)
    return response, response.get_data(as_text=True)


def _act(app, client, number, action, **data):
    """Post an action with the version and last event the page would carry."""
    with app.app_context():
        case = _case(number)
        fields = {"version": case.version, "seen_event_id": case.events[-1].id, **data}
    return client.post(f"/console/cases/{number}/{action}", data=fields, headers=EN)


def _as(app, client, user_id) -> FlaskClient:
    with app.app_context():
        return sign_in(client, db.session.get(User, user_id))


def _reporter_page(client: FlaskClient, number: str, receipt: str) -> str:
    client.post("/track", data={"number": number, "receipt": receipt})
    return client.get("/track/case", headers=EN).get_data(as_text=True)


def _audits(app, action: str) -> int:
    with app.app_context():
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        return db.session.scalar(query)


def test_the_page_shows_the_facts_but_never_the_contact_details(client, desk):
    response, html = _open(client, desk.number)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "窗口办事排队太久" in html and "Confidential" in html and "Human Resources" in html
    assert "张三" not in html and "13800001234" not in html


def test_a_case_outside_the_scope_is_not_there(app, client, desk):
    _as(app, client, desk.outsider)

    response, _html = _open(client, desk.number)

    assert response.status_code == 404


def test_accepting_moves_the_case_and_redirects_to_its_page(app, client, desk):
    response = _act(app, client, desk.number, "accept")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/console/cases/{desk.number}"
    with app.app_context():
        assert _case(desk.number).status == CaseStatus.ACCEPTED


def test_a_stale_form_is_refused_with_the_changes_shown_and_nothing_overwritten(app, client, desk):
    _act(app, client, desk.number, "accept")
    with app.app_context():
        case = _case(desk.number)
        seen = {"version": case.version, "seen_event_id": case.events[-1].id}
        workflow.assign_case(case, db.session.get(User, desk.colleague), case.version, case.unit)
        db.session.commit()

    response = client.post(
        f"/console/cases/{desk.number}/reject",
        data={**seen, "reason": "spam", "explanation": "我写了很久的说明"},
        headers=EN,
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This case changed since you opened it" in html
    assert "Changes since you opened this case" in html and "Assigned" in html
    assert "我写了很久的说明" in html
    with app.app_context():
        case = _case(desk.number)
        assert case.status == CaseStatus.ASSIGNED
        assert [event.action for event in case.events] == ["submit", "accept", "assign"]
        assert f'name="version" type="hidden" value="{case.version}"' in html


def test_a_refused_action_comes_back_with_the_message_on_its_field(app, client, desk):
    response = _act(app, client, desk.number, "merge", master="2000-000001")

    assert response.status_code == 422
    assert "There is no case with that number." in response.get_data(as_text=True)


def test_an_empty_answer_is_refused_with_the_form_shown_again(app, client, desk):
    for action in ("accept",):
        _act(app, client, desk.number, action)
    _act(app, client, desk.number, "assign", unit=desk.district)
    _act(app, client, desk.number, "start")

    response = _act(app, client, desk.number, "answer", answer="  ")

    assert response.status_code == 422
    assert "Please write the answer to the reporter." in response.get_data(as_text=True)


def test_internal_notes_are_labelled_and_never_reach_the_reporter(app, client, desk):
    response = client.post(f"/console/cases/{desk.number}/notes", data={"body": "举报人情绪激动"})
    assert response.status_code == 303
    for action, data in (("accept", {}), ("assign", {"unit": desk.district}), ("start", {})):
        _act(app, client, desk.number, action, **data)
    _act(app, client, desk.number, "answer", answer="已增加两个窗口。")

    _response, console_page = _open(client, desk.number)
    reporter_page = _reporter_page(app.test_client(), desk.number, desk.receipt)

    assert "举报人情绪激动" in console_page
    assert "Internal — never shown to the reporter" in console_page
    assert "已增加两个窗口。" in reporter_page
    assert "举报人情绪激动" not in reporter_page
    assert _audits(app, "case.note") == 1


def test_revealing_contact_details_is_audited_and_shows_them_once(app, client, desk):
    with app.app_context():
        named, _receipt = make_case(
            _case(desk.number).unit,
            reporter_mode=ReporterMode.NAMED,
            contact=ContactDetails(name="李四", phone="13900004321"),
        )
        db.session.commit()
        number = named.number

    response = client.post(f"/console/cases/{number}/contact")

    assert response.status_code == 303
    assert _audits(app, "contact.view") == 1
    shown, html = _open(client, number)
    assert "李四" in html and "13900004321" in html
    assert shown.headers["Cache-Control"] == "no-store"
    _again, html = _open(client, number)
    assert "李四" not in html


def test_a_confidential_reporters_identity_does_not_open_as_contact_details(app, client, desk):
    response = client.post(f"/console/cases/{desk.number}/contact", headers=EN)

    assert response.status_code == 303
    assert _audits(app, "contact.view") == 0
    _shown, html = _open(client, desk.number)
    assert "张三" not in html and "13800001234" not in html
    assert "identity is sealed" in html


def test_revealing_contact_details_needs_the_permission(app, client, desk):
    _as(app, client, desk.operator)

    response = client.post(f"/console/cases/{desk.number}/contact")

    assert response.status_code == 403
    assert _audits(app, "contact.view") == 0


def test_a_merged_duplicates_reporter_reads_the_masters_answer(app, client, desk):
    with app.app_context():
        master, _receipt = make_case(_case(desk.number).unit, title="同一个窗口的问题")
        db.session.commit()
        master_number = master.number
    _act(app, client, desk.number, "merge", master=master_number)
    for action, data in (("accept", {}), ("assign", {"unit": desk.district}), ("start", {})):
        _act(app, client, master_number, action, **data)
    _act(app, client, master_number, "answer", answer="窗口已增加到三个。")

    reporter_page = _reporter_page(app.test_client(), desk.number, desk.receipt)

    assert "窗口已增加到三个。" in reporter_page


def test_an_expired_form_keeps_the_typed_answer(make_app, desk):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = _as(app, app.test_client(), desk.colleague)

    response = client.post(
        f"/console/cases/{desk.number}/notes", data={"body": "这段话不能丢"}, headers=EN
    )

    assert response.status_code == 400
    assert "这段话不能丢" in response.get_data(as_text=True)


def test_every_form_of_the_page_carries_a_csrf_token(make_app, desk):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = _as(app, app.test_client(), desk.colleague)

    for path in (f"/console/cases/{desk.number}", "/console/cases"):
        html = client.get(path, headers=EN).get_data(as_text=True)
        forms = html.split('<form method="post"')[1:]
        assert forms
        assert all('name="csrf_token"' in form.split("</form>")[0] for form in forms)


def _options(html: str, name: str) -> tuple[list[str], str | None]:
    """Return the option labels of a picker of the page, and the one selected."""
    picker = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", picker)
    chosen = [label for attributes, label in options if "selected" in attributes]
    return [label for _attributes, label in options], chosen[0] if chosen else None


def test_the_assignment_pickers_offer_only_what_recusal_allows(app, client, desk):
    with app.app_context():
        city_cadre = db.session.scalar(select(Cadre).where(Cadre.name == "王建国"))
        bureau = city_cadre.posts[0].unit
        add_user(Role.HANDLER, bureau, "bureau-colleague", display_name="局内同事")
        add_user(Role.HANDLER, bureau.parent, "top-colleague", display_name="市委同事")
        add_user(
            Role.HANDLER, bureau.parent, "accused", cadre_id=city_cadre.id, display_name="王建国"
        )
        report, _receipt = make_case(
            bureau, kind=CaseKind.REPORT, cadre_id=city_cadre.id, title="副局长吃拿卡要"
        )
        db.session.commit()
        number = report.number
    _act(app, client, number, "accept")

    _response, html = _open(client, number)
    units, suggested = _options(html, "unit")
    handlers, _chosen = _options(html, "handler")

    assert "Human Resources Bureau" not in units  # the cadre's own unit
    assert "Dongcheng District" in units
    assert suggested == "Organization Department"  # the department above the cadre's unit
    assert not any(h.startswith(("局内同事", "王建国")) for h in handlers)
    assert any(h.startswith("市委同事") for h in handlers)


def test_a_recused_unit_posted_anyway_is_refused_with_the_reason(app, client, desk):
    with app.app_context():
        city_cadre = db.session.scalar(select(Cadre).where(Cadre.name == "王建国"))
        bureau_id = city_cadre.posts[0].unit_id
        report, _receipt = make_case(
            city_cadre.posts[0].unit, kind=CaseKind.REPORT, cadre_id=city_cadre.id
        )
        db.session.commit()
        number = report.number
    _act(app, client, number, "accept")

    response = _act(app, client, number, "assign", unit=bureau_id)

    assert response.status_code == 422
    assert "Recusal: a case about a cadre is never handled inside" in response.text


def test_a_duplicate_page_does_not_name_a_master_kept_from_the_reader(app, client):
    with app.app_context():
        city = build_city()
        triager = add_user(Role.HANDLER, city.committee, "triager")
        colleague = add_user(Role.HANDLER, city.bureau, "bureau-colleague")
        master, _receipt = make_case(
            city.bureau, kind=CaseKind.REPORT, cadre_id=city.cadre.id, title="吃拿卡要"
        )
        duplicate, _receipt = make_case(city.bureau)
        workflow.merge_case(duplicate, triager, duplicate.version, master)
        db.session.commit()
        numbers = (master.number, duplicate.number)
        sign_in(client, colleague)

    response, page = _open(client, numbers[1])

    assert response.status_code == 200
    assert "Merged as a duplicate into another case." in page
    assert numbers[0] not in page
    assert client.get(f"/console/cases/{numbers[0]}").status_code == 404


def test_a_rejection_without_an_explanation_field_is_recorded(app, client, desk):
    response = _act(app, client, desk.number, "reject", reason="spam")

    assert response.status_code == 303
    with app.app_context():
        case = _case(desk.number)
        assert (case.status, case.events[-1].note) == (CaseStatus.REJECTED, None)
