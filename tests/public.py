"""Helpers for tests of the public site: a small city, valid forms, reading pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Case
from tests.factories import build_city, category

ENGLISH = {"Accept-Language": "en"}
RECEIPT_GROUPS = re.compile(r'<p class="receipt"[^>]*>(.*?)</p>', re.S)
TAGS = re.compile(r"<[^>]+>")
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class CityIds:
    """The ids of the small city's units, cadre and categories, usable outside a context."""

    committee: int
    district: int
    township: int
    bureau: int
    cadre: int
    post: int
    fraud: int
    work_style: int


def seed_city(app: Flask) -> CityIds:
    """Commit the small city and return its ids."""
    with app.app_context():
        city = build_city()
        db.session.commit()
        return CityIds(
            committee=city.committee.id,
            district=city.district.id,
            township=city.township.id,
            bureau=city.bureau.id,
            cadre=city.cadre.id,
            post=city.post.id,
            fraud=category("fraud_inaction").id,
            work_style=category("work_style").id,
        )


def english(client: FlaskClient) -> FlaskClient:
    """Make every request of the client ask for English pages."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def report_form(ids: CityIds, **fields) -> dict:
    """Return a complete, valid report form."""
    form = {
        "unit_id": str(ids.bureau),
        "cadre_id": str(ids.cadre),
        "category_id": str(ids.fraud),
        "title": "窗口工作人员吃拿卡要",
        "body": "办理社保转移时被要求请客吃饭。\n第二次去还是不给办。",
        "event_date": (date.today() - timedelta(days=3)).isoformat(),
        "event_place": "市民服务中心二楼",
        "reporter_mode": "anonymous",
        "action": "send",
    }
    form.update(fields)
    return form


def opinion_form(ids: CityIds, **fields) -> dict:
    """Return a complete, valid opinion form."""
    form = {
        "unit_id": str(ids.district),
        "title": "窗口办事排队太久",
        "body": "上午九点到十一点只开了一个窗口。",
        "reporter_mode": "anonymous",
        "action": "send",
    }
    form.update(fields)
    return form


def rating_form(ids: CityIds, **fields) -> dict:
    """Return a complete, valid rating form with four scores."""
    form = {
        "unit_id": str(ids.bureau),
        "score_fairness": "4",
        "score_style": "5",
        "score_efficiency": "3",
        "score_integrity": "4",
        "reporter_mode": "anonymous",
        "action": "send",
    }
    form.update(fields)
    return form


def praise_form(ids: CityIds, **fields) -> dict:
    """Return a complete, valid praise form."""
    form = {
        "unit_id": str(ids.township),
        "title": "街道干部上门服务",
        "body": "社区干部主动上门帮老人办理证件。",
        "reporter_mode": "anonymous",
        "action": "send",
    }
    form.update(fields)
    return form


def count_cases(app: Flask) -> int:
    """Return how many cases the database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def latest_case(app: Flask) -> Case:
    """Return the case recorded last, its relationships loaded for reading."""
    with app.app_context():
        case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        db.session.expunge(case)
        return case


def receipt_on(html: str) -> str:
    """Read the receipt off the confirmation page, as printed (groups joined by dashes)."""
    match = RECEIPT_GROUPS.search(html)
    assert match, "the page shows no receipt"
    return TAGS.sub("", match.group(1)).strip()


def send_case(client: FlaskClient, kind: str, form: dict) -> tuple[str, str]:
    """Send a case through the public form and return (case number, receipt)."""
    response = client.post(f"/submit/{kind}", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    number = re.search(r'class="case-number">([^<]+)<', page).group(1)
    return number, receipt_on(page)


def open_case(client: FlaskClient, number: str, receipt: str):
    """Open a case on the track page with its number and receipt."""
    return client.post("/track", data={"number": number, "receipt": receipt})


def csrf_token_on(html: str) -> str:
    """Read the CSRF token out of a rendered form."""
    match = CSRF_TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)
