"""Evidence in the demo: reporters' photos and a screenshot, scanned letters, drawn at seed time.

The files are made here with Pillow and pikepdf and go through the same cleaning and
attaching as real uploads. The photos are drawn with a phone's EXIF and a GPS position and
the scans with an author, so the demo shows what cleaning removes: none of it is kept.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import pikepdf
from PIL import ExifTags, Image, ImageDraw

from portal.demo.accounts import DemoStaff
from portal.extensions import db
from portal.models import Attachment, Case, CaseKind, CaseStatus, Channel
from portal.services.evidence import attach_files, clean_upload

#: Its own seed, so that the demo's cases come out the same with or without evidence.
SEED = 1203
#: Cases that are not kept as themselves: their files would never be read.
SKIPPED = frozenset({CaseStatus.REJECTED, CaseStatus.MERGED})
#: Where the demo photos say they were taken: the square in front of a city hall.
GPS = ((30.0, 39.0, 36.0), (104.0, 4.0, 48.0))


@dataclass(frozen=True)
class DemoEvidence:
    """A demo case with files, and its receipt, printed so the reporter's view can be tried."""

    case: Case
    receipt: str
    files: list[Attachment]


def build_evidence(staff: DemoStaff, submitted: list[tuple[Case, str]]) -> list[DemoEvidence]:
    """Attach files to a few cases: photos to web reports, scans to letters, a screenshot."""
    rng = random.Random(SEED)  # noqa: S311  (demo data must be reproducible, not secret)
    kept = [pair for pair in submitted if pair[0].status not in SKIPPED]
    reports = _latest(kept, Channel.WEB, CaseKind.REPORT, 3)
    letters = _latest(kept, Channel.LETTER, None, 2)
    opinions = _latest(kept, Channel.WEB, CaseKind.OPINION, 1)
    plans = [
        *((pair, _photos(rng), False) for pair in reports),
        *((pair, [("来信扫描件.pdf", _scan(rng))], True) for pair in letters),
        *((pair, [("网上办事截图.png", _screenshot(rng))], False) for pair in opinions),
    ]
    return [
        _attach(staff, case, receipt, files, scanned) for (case, receipt), files, scanned in plans
    ]


def evidence_details(evidence: list[DemoEvidence]) -> list[str]:
    """Return the lines that say which demo cases have files, and how to see them as a reporter."""
    if not evidence:
        return []
    numbers = sorted(item.case.number for item in evidence)
    lines = ["Cases with evidence files: " + ", ".join(numbers)]
    reporters = [item for item in evidence if item.files[0].uploaded_by_id is None]
    if reporters:
        shown = max(reporters, key=lambda item: item.case.number)
        lines.append(
            f"  the reporter of {shown.case.number} sees their files on the track page"
            f" (receipt {shown.receipt})"
        )
    return lines


def _latest(
    pairs: list[tuple[Case, str]], channel: Channel, kind: CaseKind | None, count: int
) -> list[tuple[Case, str]]:
    matching = [p for p in pairs if p[0].channel == channel and kind in (None, p[0].kind)]
    return matching[-count:]


def _attach(
    staff: DemoStaff, case: Case, receipt: str, files: list[tuple[str, bytes]], scanned: bool
) -> DemoEvidence:
    cleaned = [clean_upload(io.BytesIO(data), name) for name, data in files]
    # Letters are scanned by the operator who recorded them; web reporters send their own.
    uploader = staff.recorder(case.channel) if scanned else None
    attached = attach_files(case, cleaned, uploaded_by=uploader, arrived_with_case=True)
    for attachment in attached:
        attachment.created_at = case.created_at  # the files came with the case
    db.session.flush()
    return DemoEvidence(case, receipt, attached)


def _photos(rng: random.Random) -> list[tuple[str, bytes]]:
    count = rng.randint(1, 2)
    return [(f"现场照片{n + 1}.jpg", _photo(rng)) for n in range(count)]


def _photo(rng: random.Random) -> bytes:
    """Draw a service hall: a row of counters, a queue, a clock; saved as a phone would."""
    image = Image.new("RGB", (800, 600), (226, 221, 208))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 800, 600), fill=(170, 160, 140))
    for n in range(4):
        x = 60 + n * 185
        shade = rng.randint(40, 90)
        draw.rectangle((x, 200, x + 140, 380), fill=(shade, shade + 40, 120), outline=(30, 30, 30))
    for n in range(rng.randint(5, 9)):
        x = 90 + n * 70
        draw.ellipse((x, 300, x + 40, 340), fill=(60, 50, 40))
        draw.rectangle((x + 5, 340, x + 35, 440), fill=(rng.randint(50, 200), 60, 80))
    draw.ellipse((360, 40, 440, 120), fill=(250, 250, 250), outline=(20, 20, 20), width=4)
    draw.line((400, 80, 400, 50), fill=(20, 20, 20), width=4)
    draw.line((400, 80, 425, 92), fill=(20, 20, 20), width=4)
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = "Xiaomi", "Redmi Note 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", GPS[0]
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", GPS[1]
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif, comment=b"IMG_20260315_094107")
    return out.getvalue()


def _screenshot(rng: random.Random) -> bytes:
    """Draw a phone screenshot of an online service stuck on its last step."""
    image = Image.new("RGB", (540, 960), (245, 246, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 540, 90), fill=(196, 30, 58))
    for n in range(5):
        top = 140 + n * 120
        done = n < rng.randint(2, 4)
        draw.rounded_rectangle((40, top, 500, top + 90), 12, fill=(255, 255, 255))
        draw.ellipse((60, top + 25, 100, top + 65), fill=(46, 160, 67) if done else (200, 200, 200))
    draw.rounded_rectangle((40, 780, 500, 850), 12, fill=(180, 180, 180))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _scan(rng: random.Random) -> bytes:
    """Make a scanned letter: a PDF page holding a picture of handwritten lines."""
    paper = Image.new("L", (850, 1100), 246)
    draw = ImageDraw.Draw(paper)
    for row in range(rng.randint(12, 18)):
        y = 120 + row * 52
        x = 90
        while x < rng.randint(600, 760):
            width = rng.randint(14, 40)
            draw.line((x, y, x + width, y + rng.randint(-6, 6)), fill=40, width=3)
            x += width + rng.randint(6, 14)
    picture = io.BytesIO()
    paper.save(picture, "JPEG", quality=70)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 770))
    page = pdf.pages[0]
    scan = pdf.make_stream(
        picture.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=850,
        Height=1100,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Scan=scan))
    page.Contents = pdf.make_stream(b"q 595 0 0 770 0 0 cm /Scan Do Q")
    pdf.docinfo["/Author"] = "市委组织部办公室"
    pdf.docinfo["/Creator"] = "Scanner 3000"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
