"""QR codes: one module draws them all, without loading WeasyPrint."""

import base64
import re
import subprocess
import sys
from pathlib import Path

from portal.qr import qr_data_uri, qr_svg


def test_a_qr_code_is_an_svg_image_and_its_data_uri_carries_the_same_image():
    image = qr_svg("https://jiandu.example.gov.cn/items/1/vote")

    uri = qr_data_uri("https://jiandu.example.gov.cn/items/1/vote")

    assert image.startswith(b"<?xml") and b"<svg" in image
    assert uri == "data:image/svg+xml;base64," + base64.b64encode(image).decode()


def test_drawing_a_qr_code_does_not_load_weasyprint():
    probe = "import sys, portal.qr; print('weasyprint' in sys.modules)"

    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout

    assert loaded.strip() == "False"


def test_nothing_but_portal_qr_imports_qrcode():
    root = Path(__file__).resolve().parents[1]
    importing = re.compile(r"^\s*(import|from) qrcode\b", re.M)

    sources = [
        path.relative_to(root).as_posix()
        for package in ("portal", "moderation")
        for path in sorted((root / package).rglob("*.py"))
        if importing.search(path.read_text(encoding="utf-8"))
    ]

    assert sources == ["portal/qr.py"]
