"""The public notice: an A4 PDF in Chinese whose fonts are embedded CJK fonts and whose QR
codes lead to the item and its vote."""

from __future__ import annotations

import sys
from io import BytesIO

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Role
from tests.factories import add_user, build_city
from tests.reviews import item_with_result, open_round

A4_POINTS = (595, 842)
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _seed(app, open_vote: bool) -> int:
    with app.app_context():
        city = build_city()
        handler = add_user(Role.HANDLER, city.committee, "handler")
        item = item_with_result(city.bureau, handler)
        if open_vote:
            open_round(item, handler)
        db.session.commit()
        return item.id


def _notice(client, item_id: int) -> bytes:
    response = client.get(f"/items/{item_id}/notice.pdf", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def _fonts(reader: PdfReader) -> list[tuple[str, object]]:
    """Return every font of every page with the descriptor that says whether it is embedded."""
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            described = descendant[0].get_object() if descendant else font
            found.append((str(font["/BaseFont"]), described["/FontDescriptor"].get_object()))
    return found


def _qr_texts(pdf: bytes) -> set[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=4).to_pil()
    return {barcode.text for barcode in zxingcpp.read_barcodes(image)}


@pytest.fixture
def notice(app, client) -> tuple[int, bytes]:
    item_id = _seed(app, open_vote=True)
    return item_id, _notice(client, item_id)


def test_the_notice_is_a4_with_every_font_an_embedded_cjk_font(notice):
    _item_id, pdf = notice
    reader = PdfReader(BytesIO(pdf))

    fonts = _fonts(reader)

    assert tuple(round(x) for x in reader.pages[0].mediabox[2:]) == A4_POINTS
    assert fonts
    for name, descriptor in fonts:
        assert "CJK" in name, name
        assert any(key in descriptor for key in FONT_FILES), f"{name} is not embedded"


def test_the_notice_is_written_in_chinese_whatever_the_readers_language(notice):
    _item_id, pdf = notice
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)

    assert "社保窗口排队时间过长" in text  # the title
    assert "上午增开两个社保窗口" in text  # a measure
    assert "Signed" not in text


def test_the_qr_codes_lead_to_the_item_and_its_vote(notice):
    item_id, pdf = notice

    assert _qr_texts(pdf) == {
        f"http://localhost/items/{item_id}",
        f"http://localhost/items/{item_id}/vote",
    }


def test_the_links_follow_the_public_address_when_it_is_set(make_app):
    app = make_app(PUBLIC_BASE_URL="https://jiandu.example.gov.cn/")
    item_id = _seed(app, open_vote=False)

    pdf = _notice(app.test_client(), item_id)

    assert _qr_texts(pdf) == {f"https://jiandu.example.gov.cn/items/{item_id}"}


def test_an_item_the_public_cannot_see_has_no_notice(client):
    assert client.get("/items/424242/notice.pdf").status_code == 404


def test_the_items_public_page_links_to_its_notice(app, client):
    item_id = _seed(app, open_vote=False)

    page = client.get(f"/items/{item_id}").get_data(as_text=True)

    assert f'href="/items/{item_id}/notice.pdf"' in page


def test_without_pango_a_notice_is_politely_unavailable_and_the_site_goes_on(
    app, client, monkeypatch, caplog
):
    item_id = _seed(app, open_vote=False)
    # As on a machine without Pango: importing WeasyPrint fails.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(f"/items/{item_id}/notice.pdf", headers={"Accept-Language": "en"})

    assert response.status_code == 503
    assert "could not complete this request" in response.get_data(as_text=True)
    assert "WeasyPrint could not load Pango" in caplog.text
    assert client.get(f"/items/{item_id}").status_code == 200
