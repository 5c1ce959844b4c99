"""Rate limits: too many attempts get a helpful page in the reader's language."""

import pytest
from sqlalchemy import select

from portal.extensions import db, limiter
from portal.models import (
    Case,
    CaseMessage,
    HandlingFeedback,
    MessageDirection,
    Role,
    Satisfaction,
    Unit,
)
from portal.services import workflow
from tests.evidence import corpus
from tests.evidence.helpers import attachments, stored_files, upload
from tests.factories import add_user
from tests.public import (
    CityIds,
    count_cases,
    csrf_token_on,
    english,
    open_case,
    opinion_form,
    seed_city,
    send_case,
)

LONG_TEXT = "第二次反映：窗口仍然只开一个。\n排队的人一直排到门外，老人站了两个小时。"


@pytest.fixture
def app(make_app):
    return make_app(
        RATELIMIT_ENABLED=True, TRACK_RATE_LIMIT="2 per minute", SUBMIT_RATE_LIMIT="1 per hour"
    )


def try_to_track(client, times: int):
    """Post the track form with a wrong receipt; return the last response."""
    for _ in range(times):
        response = client.post("/track", data={"number": "2026-000001", "receipt": "WRONG"})
    return response


def test_the_third_track_attempt_in_a_minute_is_refused_with_a_helpful_page(app):
    response = try_to_track(english(app.test_client()), 3)

    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many attempts" in page
    assert "Please try again in 1 minute." in page
    assert 'href="tel:12380"' in page
    assert "WRONG" not in page  # never a receipt echoed back


def test_the_limit_page_speaks_chinese_by_default(app):
    response = try_to_track(app.test_client(), 3)

    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert '<html lang="zh-Hans">' in page
    assert "请求过于频繁" in page
    assert "请在 1 分钟后再试。" in page


def test_reading_the_track_form_is_never_limited(app):
    client = app.test_client()
    try_to_track(client, 3)

    assert client.get("/track").status_code == 200


def test_only_recorded_cases_count_against_the_sending_limit(app):
    ids = seed_city(app)
    client = english(app.test_client())
    client.post("/submit/opinion", data=opinion_form(ids, title=""))
    client.post("/submit/opinion", data=opinion_form(ids, action="refresh"))

    first = client.post("/submit/opinion", data=opinion_form(ids))
    second = client.post("/submit/opinion", data=opinion_form(ids))

    assert (first.status_code, second.status_code) == (303, 429)
    assert count_cases(app) == 1


def test_an_expired_form_after_the_limit_still_comes_back_with_its_text(make_app):
    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True, TRACK_RATE_LIMIT="1 per minute")
    client = english(app.test_client())
    token = csrf_token_on(client.get("/track").get_data(as_text=True))
    client.post("/track", data={"number": "2026-000001", "receipt": "WRONG", "csrf_token": token})

    response = client.post("/track", data={"number": "2026-000002", "receipt": "WRONG"})

    assert response.status_code == 400
    assert 'value="2026-000002"' in response.get_data(as_text=True)


def send_over_the_limit(app, **fields):
    """Record one opinion, then send another that the limit refuses; return its response."""
    ids = seed_city(app)
    client = english(app.test_client())
    assert client.post("/submit/opinion", data=opinion_form(ids)).status_code == 303
    return client.post("/submit/opinion", data=opinion_form(ids, **fields))


def test_a_case_refused_by_the_limit_comes_back_with_its_text_and_nothing_is_recorded(app):
    response = send_over_the_limit(app, title="窗口还是排长队", body=LONG_TEXT)

    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert f"{LONG_TEXT}</textarea>" in page
    assert 'value="窗口还是排长队"' in page
    assert '<form class="case-form"' in page
    assert count_cases(app) == 1


def test_the_kept_form_says_why_it_was_not_sent_when_to_try_again_and_whom_to_call(app):
    response = send_over_the_limit(app, body=LONG_TEXT)

    page = response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "3600"
    assert "Too many attempts: your case was not sent" in page
    assert "Nothing was recorded this time." in page
    assert "Please try again in 60 minutes." in page
    assert 'href="tel:12380"' in page
    assert "This form had expired" not in page
    assert page.index("Too many attempts") < page.index('<form class="case-form"')


def test_the_kept_form_speaks_chinese_by_default(app):
    ids = seed_city(app)
    client = app.test_client()
    client.post("/submit/opinion", data=opinion_form(ids))

    response = client.post("/submit/opinion", data=opinion_form(ids, body=LONG_TEXT))

    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "请在 60 分钟后再试。" in page
    assert f"{LONG_TEXT}</textarea>" in page


def test_files_sent_over_the_limit_are_not_kept_and_the_page_says_to_choose_them_again(
    make_app, tmp_path
):
    upload_dir = tmp_path / "uploads"
    app = make_app(
        RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per hour", UPLOAD_DIR=str(upload_dir)
    )

    response = send_over_the_limit(
        app, body=LONG_TEXT, evidence=[upload(corpus.plain_jpeg(), "photo.jpg")]
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "The files you chose were not sent" in page
    assert (count_cases(app), attachments(app), stored_files(upload_dir)) == (1, [], [])


def test_the_kept_form_carries_a_token_that_sends_it_once_the_limit_has_passed(make_app):
    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True, SUBMIT_RATE_LIMIT="1 per hour")
    ids = seed_city(app)
    client = english(app.test_client())
    token = csrf_token_on(client.get("/submit/opinion").get_data(as_text=True))
    client.post("/submit/opinion", data={**opinion_form(ids), "csrf_token": token})
    refused = client.post("/submit/opinion", data={**opinion_form(ids), "csrf_token": token})

    limiter.reset()  # the hour has passed
    kept_token = csrf_token_on(refused.get_data(as_text=True))
    response = client.post("/submit/opinion", data={**opinion_form(ids), "csrf_token": kept_token})

    assert (refused.status_code, response.status_code) == (429, 303)
    assert count_cases(app) == 2


def test_information_refused_by_the_limit_comes_back_with_its_text(app):
    ids = seed_city(app)
    client = english(app.test_client())
    open_case(client, *send_case(client, "opinion", opinion_form(ids)))
    first = client.post("/track/case/information", data={"body": "窗口下午也只开一个。"})

    refused = client.post("/track/case/information", data={"body": LONG_TEXT})

    page = refused.get_data(as_text=True)
    assert (first.status_code, refused.status_code) == (303, 429)
    assert refused.headers["Retry-After"] == "3600"
    assert f"{LONG_TEXT}</textarea>" in page
    assert "Too many attempts: your information was not added" in page
    assert "Please try again in 60 minutes." in page
    assert "This form had expired" not in page
    assert reporter_messages(app) == ["窗口下午也只开一个。"]


def test_a_verdict_refused_by_the_limit_comes_back_with_its_reason(app):
    ids = seed_city(app)
    client = english(app.test_client())
    number, receipt = send_case(client, "opinion", opinion_form(ids))
    answer_case(app, ids, number)
    open_case(client, number, receipt)
    assert client.post("/track/case/verdict", data={"satisfaction": "satisfied"}).status_code == 303

    refused = client.post(
        "/track/case/verdict", data={"satisfaction": "dissatisfied", "reason": LONG_TEXT}
    )

    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert f"{LONG_TEXT}</textarea>" in page
    assert "so this was not sent. Your text is kept below: please send it again in 60" in page
    # the notice is the verdict's own: the information form below is untouched
    assert "Too many attempts: your information was not added" not in page
    with app.app_context():
        assert db.session.scalars(select(HandlingFeedback.satisfaction)).all() == [
            Satisfaction.SATISFIED
        ]


def reporter_messages(app) -> list[str]:
    with app.app_context():
        query = select(CaseMessage.body).where(
            CaseMessage.direction == MessageDirection.FROM_REPORTER
        )
        return list(db.session.scalars(query.order_by(CaseMessage.id)))


def answer_case(app, ids: CityIds, number: str) -> None:
    """Take a case from received to answered, as a handler of the city."""
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        handler = add_user(Role.HANDLER, db.session.get(Unit, ids.committee), "handler")
        workflow.accept_case(case, handler, case.version)
        workflow.assign_case(case, handler, case.version, case.unit)
        workflow.start_case(case, handler, case.version)
        workflow.answer_case(case, handler, case.version, "已增开窗口。")
        db.session.commit()
