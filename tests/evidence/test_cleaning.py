"""Cleaning one upload: the type from the content, pictures redrawn, PDFs stripped, refusals."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image, ImageChops, ImageStat

from portal.models import FileKind
from portal.services.errors import DomainError
from portal.services.evidence import CleanFile, clean_upload, display_name, shown_name
from portal.services.evidence_cleaning import strip_jpeg_segments
from tests.evidence import corpus


@pytest.fixture
def english(app):
    """Run the test in a request that asks for English."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def cleaned(data: bytes, filename: str = "photo.jpg") -> CleanFile:
    return clean_upload(io.BytesIO(data), filename)


def refusal(data: bytes, filename: str = "photo.jpg") -> str:
    with pytest.raises(DomainError) as refused:
        cleaned(data, filename)
    assert refused.value.field == "evidence"
    return str(refused.value.message)


def opened(file: CleanFile) -> Image.Image:
    image = Image.open(io.BytesIO(file.data))
    image.load()
    return image


def mean_difference(one: Image.Image, other: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(one, other)).mean)


def test_a_gps_tagged_photo_keeps_its_pixels_and_loses_exif_gps_and_comment(english):
    file = cleaned(corpus.gps_jpeg())

    image = opened(file)
    assert file.kind == FileKind.JPEG and image.format == "JPEG"
    assert image.size == (320, 240)
    assert mean_difference(image.convert("RGB"), corpus.picture()) < 3
    assert not image.getexif()
    assert "exif" not in image.info and "comment" not in image.info
    assert "icc_profile" not in image.info
    for trace in (b"Exif", b"HUAWEI", b"P40 Pro", corpus.JPEG_COMMENT):
        assert trace not in file.data


def test_a_photo_is_turned_the_way_its_exif_said_before_the_exif_goes(english):
    image = opened(cleaned(corpus.rotated_jpeg()))

    assert image.size == (240, 320)
    assert not image.getexif()


def test_a_png_loses_its_text_chunks(english):
    file = cleaned(corpus.png_with_text(), "screenshot.png")

    image = opened(file)
    assert (file.kind, image.size) == (FileKind.PNG, (320, 240))
    assert image.info == {}
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"Zhang San"):
        assert chunk not in file.data
    assert mean_difference(image.convert("RGB"), corpus.picture()) == 0


@pytest.mark.parametrize(
    ("polyglot", "payload"),
    [
        (corpus.jpeg_with_zip, b"PK\x03\x04"),
        (corpus.jpeg_with_html, b"<script"),
        (corpus.jpeg_with_pdf_appended, b"%PDF-"),
    ],
    ids=["zip", "html", "pdf"],
)
def test_what_is_appended_to_a_picture_is_gone_after_cleaning(english, polyglot, payload):
    file = cleaned(polyglot())

    assert payload in polyglot()
    assert payload not in file.data
    assert file.data.endswith(b"\xff\xd9")  # the picture ends the file
    assert opened(file).size == (320, 240)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (corpus.HTML, "photo.jpg"),
        (corpus.html_around_jpeg(), "photo.jpg"),
        (corpus.gif(), "animation.gif"),
        (corpus.svg(), "drawing.svg"),
        (corpus.zip_archive(), "evidence.pdf"),
        (b"just some text", "notes.txt"),
    ],
    ids=["html-named-jpg", "html-around-jpeg", "gif", "svg", "zip-named-pdf", "text"],
)
def test_a_file_that_is_not_a_jpeg_png_or_pdf_is_refused_whatever_its_name(english, data, filename):
    message = refusal(data, filename)

    assert f"“{filename}” is not a JPEG or PNG picture or a PDF document" in message


def test_html_behind_a_jpeg_signature_is_refused_as_no_picture(english):
    message = refusal(corpus.html_behind_jpeg_magic())

    assert "“photo.jpg” could not be read as a picture" in message


@pytest.mark.parametrize("bomb", [corpus.png_bomb, corpus.too_many_pixels_jpeg])
def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded(english, bomb):
    message = refusal(bomb(), "big.png")

    assert "“big.png” is too large a picture to process safely" in message


def test_an_empty_file_is_refused(english):
    assert refusal(b"", "empty.jpg").startswith("“empty.jpg” is empty (0 bytes).")


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(english):
    stream = io.BytesIO(corpus.plain_jpeg() + b"\0" * (10 * 1024 * 1024))

    with pytest.raises(DomainError) as refused:
        clean_upload(stream, "huge.jpg")

    assert "“huge.jpg” is larger than 10 MB" in str(refused.value.message)
    assert stream.tell() == 10 * 1024 * 1024 + 1


def test_a_pdf_loses_its_information_dictionary_xmp_and_private_data(english):
    original = corpus.pdf_with_metadata()
    file = cleaned(original, "report.pdf")

    assert file.kind == FileKind.PDF
    with pikepdf.open(io.BytesIO(file.data)) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        assert "/PieceInfo" not in pdf.pages[0]
        assert len(pdf.pages) == 1
    for trace in (corpus.PDF_AUTHOR.encode(), b"Microsoft", b"x:xmpmeta"):
        assert trace in original
        assert trace not in file.data


def test_a_cleaned_pdf_gets_a_new_file_identifier(english):
    original = corpus.pdf_with_metadata()
    with pikepdf.open(io.BytesIO(original)) as pdf:
        original_id = bytes(pdf.trailer.ID[0])

    with pikepdf.open(io.BytesIO(cleaned(original, "report.pdf").data)) as pdf:
        assert bytes(pdf.trailer.ID[0]) != original_id


def test_a_photo_embedded_in_a_pdf_loses_its_exif_and_comment(english):
    file = cleaned(corpus.pdf_with_photo(), "scan.pdf")

    with pikepdf.open(io.BytesIO(file.data)) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        jpeg = image.read_raw_bytes()
    assert b"Exif" not in jpeg and corpus.JPEG_COMMENT not in jpeg
    assert Image.open(io.BytesIO(jpeg)).size == (320, 240)


@pytest.mark.parametrize(
    "build", [corpus.pdf_with_open_action_script, corpus.pdf_with_script_name_tree]
)
def test_a_pdf_with_javascript_is_refused(english, build):
    assert "“form.pdf” contains scripts" in refusal(build(), "form.pdf")


@pytest.mark.parametrize("build", [corpus.pdf_with_embedded_file, corpus.pdf_with_launch_link])
def test_a_pdf_with_embedded_files_or_launch_actions_is_refused(english, build):
    message = refusal(build(), "form.pdf")

    assert "“form.pdf” contains embedded files, media or actions" in message


@pytest.mark.parametrize("password", ["secret", ""])
def test_an_encrypted_pdf_is_refused(english, password):
    message = refusal(corpus.encrypted_pdf(password), "locked.pdf")

    assert "“locked.pdf” is protected with a password or encrypted" in message


def test_a_damaged_pdf_is_refused(english):
    message = refusal(b"%PDF-1.7\n" + b"\0garbage" * 100, "broken.pdf")

    assert "“broken.pdf” could not be read as a PDF document" in message


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\zhang\\Desktop\\举报材料.jpg", "举报材料.jpg"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("bad\x00name\r\n.jpg", "badname.jpg"),
        ("  spaced   out .jpg ", "spaced out .jpg"),
        ("..", "file"),
        ("", "file"),
        ("e\u0301te\u0301.png", "été.png"),
    ],
)
def test_the_shown_name_is_the_last_part_printable_and_composed(english, uploaded, shown):
    assert shown_name(uploaded) == shown


def test_a_long_name_is_shortened_and_keeps_its_ending(english):
    name = shown_name("很" * 300 + ".jpeg")

    assert len(name) == 120 and name.endswith("很.jpeg")


@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [
        ("photo.JPG", FileKind.JPEG, "photo.JPG"),
        ("photo.png", FileKind.JPEG, "photo.png.jpg"),
        ("report", FileKind.PDF, "report.pdf"),
        ("scan.pdf", FileKind.PNG, "scan.pdf.png"),
    ],
)
def test_the_shown_name_ends_in_the_kind_the_content_showed(name, kind, shown):
    assert display_name(name, kind) == shown


def test_a_valid_jpeg_named_with_dots_and_slashes_is_accepted_under_its_last_part(english):
    assert cleaned(corpus.plain_jpeg(), "../../etc/passwd.jpg").display_name == "passwd.jpg"


def test_strip_jpeg_segments_leaves_an_unreadable_stream_alone():
    assert strip_jpeg_segments(b"not a jpeg") is None
    assert strip_jpeg_segments(b"\xff\xd8\xff\xe1\x00\xff") is None
