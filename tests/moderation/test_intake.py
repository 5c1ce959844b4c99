"""Operator intake: every offline channel recorded, the receipt read back and printed, kept safe."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from moderation.forms_intake import INTAKE_CHANNELS
from portal.crypto import encrypt_secret
from portal.extensions import db
from portal.models import (
    Attachment,
    AuditEvent,
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    ReporterMode,
    Role,
    UnitKind,
    User,
)
from portal.services.intake import contact_details
from portal.services.tracking import find_tracked_case
from tests.console import sign_in
from tests.evidence import corpus
from tests.evidence.helpers import upload
from tests.factories import add_unit, add_user, build_city, category

EN = {"Accept-Language": "en"}
RECEIPT = re.compile(r"(?:[0-9A-Z]{4}-){6}[0-9A-Z]{4}")
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


@dataclass(frozen=True)
class World:
    """The ids of the city's units and the operator who records cases."""

    bureau_id: int
    hidden_unit_id: int
    cadre_id: int
    report_category_id: int
    operator_id: int


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        city = build_city()
        hidden = add_unit("市委巡察办", UnitKind.DEPARTMENT, city.committee, is_public=False)
        operator = add_user(Role.OPERATOR, city.committee, "hotline.li")
        db.session.commit()
        return World(
            city.bureau.id, hidden.id, city.cadre.id, category("work_style").id, operator.id
        )


@pytest.fixture
def operator(app, client, world):
    """Return a client signed in as the operator."""
    return _signed_in(app, client, world.operator_id)


def _signed_in(app, client, user_id: int):
    with app.app_context():
        sign_in(client, db.session.get(User, user_id))
    return client


def today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def record(client, world: World, **fields):
    """Post the intake form with an ordinary hotline opinion, changed by ``fields``."""
    data = {
        "channel": "hotline",
        "received_on": today().isoformat(),
        "kind": "opinion",
        "unit_id": str(world.bureau_id),
        "title": "社保窗口排队太久",
        "body": "来电反映：上午只开了一个窗口，排队两个小时。",
        "reporter_mode": "anonymous",
    }
    data.update(fields)
    return client.post("/console/intake", data=data, headers=EN)


def cases(app) -> list[Case]:
    with app.app_context():
        return db.session.scalars(select(Case).order_by(Case.id)).all()


def shown_receipt(client) -> str:
    page = client.get("/console/intake/done", headers=EN).get_data(as_text=True)
    return RECEIPT.search(page).group(0)


@pytest.mark.parametrize("channel", INTAKE_CHANNELS, ids=str)
def test_every_offline_channel_can_be_recorded(app, operator, world, channel):
    response = record(operator, world, channel=channel.value)

    assert response.status_code == 303
    assert response.headers["Location"] == "/console/intake/done"
    [case] = cases(app)
    assert case.channel == channel
    assert case.received_on == today()


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.SUPERVISOR], ids=str)
def test_the_web_and_image_supervisors_are_not_operator_channels(app, operator, world, channel):
    form = operator.get("/console/intake", headers=EN).get_data(as_text=True)

    response = record(operator, world, channel=channel.value)

    assert f'value="{channel.value}"' not in form
    assert response.status_code == 422
    assert cases(app) == []


def test_the_form_opens_on_the_channel_with_today_as_the_date(operator, world):
    page = operator.get("/console/intake", headers=EN).get_data(as_text=True)

    assert re.search(r'<select autofocus id="channel"', page)
    assert f'value="{today().isoformat()}"' in page
    assert page.index('id="channel"') < page.index('id="received_on"') < page.index('id="kind-0"')


def test_a_past_date_received_is_kept(app, operator, world):
    postmark = today() - timedelta(days=6)

    record(operator, world, channel="letter", received_on=postmark.isoformat())

    [case] = cases(app)
    assert case.received_on == postmark
    assert case.due_on > postmark


def test_a_date_received_in_the_future_is_refused_with_everything_kept(app, operator, world):
    tomorrow = today() + timedelta(days=1)

    response = record(operator, world, received_on=tomorrow.isoformat(), body="来电内容保留")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The date received cannot be in the future." in page
    assert "来电内容保留" in page and f'value="{tomorrow.isoformat()}"' in page
    assert cases(app) == []


def test_a_report_without_a_category_comes_back_at_that_field(app, operator, world):
    response = record(operator, world, kind="report")

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#category_id"' in page
    assert '<input checked id="kind-1" name="kind" type="radio" value="report">' in page
    assert cases(app) == []


def test_a_report_names_the_cadre_and_category(app, operator, world):
    record(
        operator,
        world,
        kind="report",
        cadre_id=str(world.cadre_id),
        category_id=str(world.report_category_id),
        event_date=(today() - timedelta(days=2)).isoformat(),
        event_place="市民服务中心",
    )

    [case] = cases(app)
    assert (case.kind, case.cadre_id, case.category_id) == (
        CaseKind.REPORT,
        world.cadre_id,
        world.report_category_id,
    )


def test_a_unit_hidden_from_the_public_can_be_chosen(app, operator, world):
    form = operator.get("/console/intake", headers=EN).get_data(as_text=True)

    record(operator, world, unit_id=str(world.hidden_unit_id))

    assert f'value="{world.hidden_unit_id}"' in form
    assert cases(app)[0].unit_id == world.hidden_unit_id


def test_a_questionnaire_rating_is_recorded_with_its_scores(app, operator, world):
    scores = {"score_fairness": "5", "score_style": "4", "score_efficiency": "3"}

    response = record(
        operator,
        world,
        channel="questionnaire",
        kind="rating",
        title="",
        body="",
        score_integrity="4",
        **scores,
    )

    assert response.status_code == 303
    [case] = cases(app)
    assert case.scores == {
        "score_fairness": 5,
        "score_style": 4,
        "score_efficiency": 3,
        "score_integrity": 4,
    }
    assert case.title.startswith("评价")


def test_a_rating_without_its_scores_is_refused(app, operator, world):
    response = record(operator, world, kind="rating", body="")

    assert response.status_code == 422
    assert "Please give a score from 1 to 5." in response.get_data(as_text=True)


def test_an_opinion_needs_its_text(app, operator, world):
    response = record(operator, world, body="  ")

    assert response.status_code == 422
    assert "Please write down what the reporter says." in response.get_data(as_text=True)


def test_a_confidential_callers_details_are_sealed(app, operator, world):
    record(
        operator,
        world,
        reporter_mode="confidential",
        contact_name="赵女士",
        contact_phone="13800001234",
    )

    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.reporter_mode == ReporterMode.CONFIDENTIAL
        assert contact_details(case).phone == "13800001234"


def test_an_anonymous_caller_cannot_leave_a_name(app, operator, world):
    response = record(operator, world, contact_name="赵女士")

    assert response.status_code == 422
    assert 'href="#reporter_mode-0"' in response.get_data(as_text=True)
    assert "赵女士" in response.get_data(as_text=True)


def test_the_done_page_reads_the_receipt_out_and_keeps_out_of_caches(app, operator, world):
    record(operator, world)

    response = operator.get("/console/intake/done", headers=EN)

    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [case] = cases(app)
    receipt = RECEIPT.search(page).group(0)
    with app.app_context():
        assert find_tracked_case(case.number, receipt).id == case.id
    assert case.number in page
    first = receipt[0]
    spoken = "digit" if first.isdigit() else f"letter {first} as in"
    assert f'<kbd translate="no">{first}</kbd> — {spoken}' in page


def test_the_receipt_is_shown_until_it_is_cleared(operator, world):
    record(operator, world)
    receipt = shown_receipt(operator)
    assert receipt in operator.get("/console/intake/slip", headers=EN).get_data(as_text=True)
    assert shown_receipt(operator) == receipt  # the slip did not use it up

    response = operator.post("/console/intake/clear", headers=EN)

    assert response.status_code == 303
    for page in ("/console/intake/done", "/console/intake/slip"):
        shown = operator.get(page, headers=EN).get_data(as_text=True)
        assert receipt not in shown and "The receipt is no longer shown" in shown


def test_the_receipt_is_gone_ten_minutes_after_recording(operator, world):
    with time_machine.travel(datetime.now(ZoneInfo("UTC")), tick=False) as clock:
        record(operator, world)
        receipt = shown_receipt(operator)
        clock.shift(timedelta(minutes=11))

        page = operator.get("/console/intake/done", headers=EN).get_data(as_text=True)

    assert receipt not in page
    assert "The receipt is no longer shown" in page


def test_the_slip_prints_the_number_the_receipt_and_how_to_track(app, operator, world):
    record(operator, world, channel="letter")
    receipt = shown_receipt(operator)

    response = operator.get("/console/intake/slip", headers=EN)

    page = response.get_data(as_text=True)
    [case] = cases(app)
    assert response.headers["Cache-Control"] == "no-store"
    assert case.number in page and receipt in page
    assert "http://localhost/track" in page
    assert "12380" in page
    assert receipt not in TITLE.search(page).group(1)


def test_the_receipt_is_never_in_a_url_a_title_a_flash_or_a_log(operator, world, caplog):
    caplog.set_level(logging.DEBUG)
    response = record(operator, world)
    done = operator.get("/console/intake/done", headers=EN).get_data(as_text=True)
    receipt = RECEIPT.search(done).group(0)
    slip = operator.get("/console/intake/slip", headers=EN).get_data(as_text=True)
    cleared = operator.post("/console/intake/clear", headers=EN, follow_redirects=True)

    assert receipt not in response.headers["Location"]
    for page in (done, slip):
        assert receipt not in TITLE.search(page).group(1)
        assert receipt not in " ".join(re.findall(r'(?:href|action)="([^"]*)"', page))
    assert receipt not in cleared.get_data(as_text=True)
    assert receipt not in caplog.text
    with operator.session_transaction() as session:
        assert receipt not in repr(dict(session))


def test_recording_is_audited_under_the_operators_name(app, operator, world):
    record(operator, world)

    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.submit"))
        case = db.session.scalar(select(Case))
        assert (event.actor, event.actor_id, event.object_id) == (
            "hotline.li",
            world.operator_id,
            case.number,
        )
        assert case.events[0].actor_id == world.operator_id


@pytest.mark.parametrize("role", [Role.HANDLER, Role.ADMIN])
def test_handlers_and_administrators_can_record_too(app, client, world, role):
    with app.app_context():
        city_root = db.session.get(User, world.operator_id).unit
        secret = encrypt_secret(b"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") if role == Role.ADMIN else None
        user = add_user(role, city_root, f"{role.value}.wang", totp_secret=secret)
        db.session.commit()
        sign_in(client, user)

    assert record(client, world).status_code == 303


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.OFFICER])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/console/intake"),
        ("POST", "/console/intake"),
        ("GET", "/console/intake/done"),
        ("GET", "/console/intake/slip"),
        ("POST", "/console/intake/clear"),
    ],
)
def test_supervisors_and_officers_cannot_record(app, client, world, role, method, path):
    with app.app_context():
        unit = db.session.get(User, world.operator_id).unit
        sign_in(client, add_user(role, unit, f"{role.value}.zhao"))
        db.session.commit()

    response = client.open(path, method=method, data={"channel": "hotline"})

    assert response.status_code == 403
    assert cases(app) == []


def test_the_navigation_offers_the_form_to_operators_only(app, operator, world):
    page = operator.get("/console/", headers=EN).get_data(as_text=True)

    assert 'href="/console/intake"' in page and "Record a case" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_an_expired_form_comes_back_with_the_text_kept(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = _signed_in(app, app.test_client(), world.operator_id)

    response = record(client, world, body="整理了二十分钟的来电记录")  # no CSRF token

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The form had expired" in page and "整理了二十分钟的来电记录" in page
    assert cases(app) == []


def uploaded_files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def test_the_form_takes_scans_and_says_to_choose_them_again_after_an_error(operator, world):
    page = operator.get("/console/intake", headers=EN).get_data(as_text=True)

    assert 'enctype="multipart/form-data"' in page
    file_input = re.search(r'<input[^>]*type="file"[^>]*>', page).group(0)
    assert 'name="evidence"' in file_input and "multiple" in file_input
    assert "If the form comes back with an error, choose the files again." in page
    assert "Please choose them again" not in page


def test_a_letters_scans_are_cleaned_and_attached_as_the_operators(app, operator, world):
    scans = [upload(corpus.plain_pdf(), "来信扫描.pdf"), upload(corpus.gps_jpeg(), "信封.jpg")]

    response = record(operator, world, channel="letter", evidence=scans)

    assert response.status_code == 303
    [case] = cases(app)
    with app.app_context():
        files = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        actions = db.session.scalars(select(CaseEvent.action)).all()
    assert [(file.display_name, file.case_id) for file in files] == [
        ("来信扫描.pdf", case.id),
        ("信封.jpg", case.id),
    ]
    assert {file.uploaded_by_id for file in files} == {world.operator_id}
    photo = (Path(app.config["UPLOAD_DIR"]) / files[1].storage_name).read_bytes()
    assert b"GPS" not in photo and corpus.JPEG_COMMENT not in photo
    assert actions == ["submit"]  # the files are part of the case as it arrived
    done = operator.get("/console/intake/done", headers=EN).get_data(as_text=True)
    assert "Files attached" in done and "来信扫描.pdf, 信封.jpg" in done


def test_a_bad_file_records_nothing_and_asks_for_the_files_again(app, operator, world):
    before = uploaded_files(app)
    scans = [upload(corpus.plain_jpeg(), "good.jpg"), upload(corpus.HTML, "scan.jpg")]

    response = record(operator, world, body="来信内容保留", evidence=scans)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“scan.jpg” is not a JPEG or PNG picture" in page
    assert "来信内容保留" in page
    assert "Please choose them again before recording the case." in page
    assert cases(app) == []
    assert uploaded_files(app) == before


def test_a_refusal_of_the_case_keeps_none_of_its_files(app, operator, world):
    before = uploaded_files(app)
    tomorrow = today() + timedelta(days=1)

    response = record(
        operator,
        world,
        received_on=tomorrow.isoformat(),
        evidence=[upload(corpus.plain_jpeg(), "good.jpg")],
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The date received cannot be in the future." in page
    assert "Please choose them again before recording the case." in page
    assert cases(app) == []
    assert uploaded_files(app) == before


def test_the_words_read_to_the_caller_give_the_rules_of_each_mode(operator, world):
    page = html.unescape(operator.get("/console/intake", headers=EN).get_data(as_text=True))

    assert "We will not take your name or phone number" in page
    assert "only when an identity custodian approves a handler's request" in page
    assert "Every opening is recorded, you are told when it happens" in page
    assert "the cadre you tell us about never sees them" in page
    assert "Only the staff handling the case can open them" not in page
    assert "can see your name and how to reach you" in page
