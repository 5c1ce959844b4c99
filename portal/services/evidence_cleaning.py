"""Cleaning evidence files: the type read from the content, pictures redrawn, PDFs stripped.

A file is what its first bytes say, whatever its name. A picture is decoded and its pixels
drawn into a new image, so that EXIF (with GPS), comments, colour profiles and anything
appended after the picture are left behind. A PDF is refused if it can run anything, and
saved anew without its information dictionary, its XMP metadata or earlier revisions.

Refusals raise :class:`Unsafe`, whose message names the file as ``%(name)s``.
"""

from __future__ import annotations

import io
import warnings

import pikepdf
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

from portal.models import FileKind

#: The largest picture decoded, in pixels: a 40-megapixel photo needs about 160 MB as RGBA.
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 90
#: The first bytes of each kind of file accepted.
SIGNATURES = (
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"%PDF-", FileKind.PDF),
)
PILLOW_FORMATS = {FileKind.JPEG: "JPEG", FileKind.PNG: "PNG"}

NOT_ACCEPTED = _l(
    "“%(name)s” is not a JPEG or PNG picture or a PDF document, judging by its content. "
    "Only these kinds of file can be attached."
)
TOO_MANY_PIXELS = _l(
    "“%(name)s” is too large a picture to process safely (more than 40 million pixels). "
    "Please attach a smaller copy of it."
)
UNREADABLE_PICTURE = _l(
    "“%(name)s” could not be read as a picture: it may be damaged, or not the picture it "
    "claims to be."
)
UNREADABLE_PDF = _l("“%(name)s” could not be read as a PDF document: it may be damaged.")
ENCRYPTED_PDF = _l(
    "“%(name)s” is protected with a password or encrypted. Please attach a copy without "
    "the protection."
)
PDF_WITH_SCRIPTS = _l(
    "“%(name)s” contains scripts, which we do not accept in a PDF. Please print it to a new "
    "PDF, or attach photos of its pages."
)
PDF_WITH_ACTIVE_CONTENT = _l(
    "“%(name)s” contains embedded files, media or actions that run by themselves, which we "
    "do not accept in a PDF. Please print it to a new PDF, or attach photos of its pages."
)


class Unsafe(Exception):
    """The file cannot be accepted; ``message`` says why and names it as ``%(name)s``."""

    def __init__(self, message: LazyString) -> None:
        super().__init__(str(message))
        self.message = message


def sniff(data: bytes) -> FileKind:
    """Return the kind of file its first bytes show, or refuse it."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    raise Unsafe(NOT_ACCEPTED)


def clean(data: bytes, kind: FileKind) -> bytes:
    """Return a clean copy of a file of a sniffed kind, or refuse it."""
    if kind == FileKind.PDF:
        return clean_pdf(data)
    return clean_picture(data, kind)


def clean_picture(data: bytes, kind: FileKind) -> bytes:
    """Return the picture's pixels, upright, in a new file with nothing else in it."""
    # Pillow only warns about a picture somewhat too large to decode; here that is a refusal.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            pixels = _decoded_pixels(data, kind)
        except Unsafe:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise Unsafe(TOO_MANY_PIXELS) from error
        except Exception as error:
            # Whatever a hostile file makes the decoder raise, the answer is the same refusal.
            raise Unsafe(UNREADABLE_PICTURE) from error
    # A new image holds the pixels and nothing else: re-saving the decoded one would carry
    # its comment, EXIF and colour profile over (Pillow keeps them in ``info``).
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)
    pixels.close()  # a 40-megapixel picture takes 160 MB: keep one copy at a time
    out = io.BytesIO()
    if kind == FileKind.JPEG:
        fresh.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        fresh.save(out, "PNG")
    return out.getvalue()


def _decoded_pixels(data: bytes, kind: FileKind) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise Unsafe(TOO_MANY_PIXELS)
        # Only the main picture is kept: an MPO's depth map or an APNG's later frames go.
        image.seek(0)
        image.load()
        # The orientation lives in EXIF, which goes: turn the pixels the way the phone meant.
        ImageOps.exif_transpose(image, in_place=True)
        return image.convert(_output_mode(image, kind))


def _output_mode(image: Image.Image, kind: FileKind) -> str:
    grey = image.mode in ("1", "L", "LA", "I", "I;16", "F")
    if kind == FileKind.JPEG:
        return "L" if grey else "RGB"
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        return "RGBA"
    return "L" if grey else "RGB"


#: Keys that hold or start JavaScript (XFA forms run scripts too).
SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/XFA"})
#: Keys of embedded files, rich media and actions triggered by events rather than clicks.
ACTIVE_KEYS = frozenset({"/EmbeddedFiles", "/EF", "/RichMediaContent", "/AA"})
ACTIVE_ACTIONS = frozenset(
    {"/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE", "/Rendition"}
)
ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"})
#: Where authors, programs and dates are kept besides the information dictionary.
METADATA_KEYS = ("/Metadata", "/PieceInfo")


def clean_pdf(data: bytes) -> bytes:
    """Return the PDF saved anew without metadata, or refuse it if it can run anything."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise Unsafe(ENCRYPTED_PDF) from error
    except Exception as error:
        raise Unsafe(UNREADABLE_PDF) from error
    with pdf:
        if pdf.is_encrypted:
            raise Unsafe(ENCRYPTED_PDF)
        try:
            objects = [pdf.trailer, *pdf.objects]
            _refuse_active_content(objects)
            if len(pdf.pages) == 0:
                raise Unsafe(UNREADABLE_PDF)
            _strip_metadata(pdf, objects)
            out = io.BytesIO()
            # Streams are copied as they are, never inflated: a compressed bomb stays small.
            pdf.save(
                out,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                fix_metadata_version=False,
                deterministic_id=True,
            )
        except Unsafe:
            raise
        except Exception as error:
            raise Unsafe(UNREADABLE_PDF) from error
    return out.getvalue()


def _refuse_active_content(objects: list[pikepdf.Object]) -> None:
    dictionaries = list(_dictionaries(objects))
    # Scripts first: a script that runs on opening is a script, not just an action.
    for dictionary in dictionaries:
        if SCRIPT_KEYS & set(dictionary.keys()) or dictionary.get("/S") == pikepdf.Name.JavaScript:
            raise Unsafe(PDF_WITH_SCRIPTS)
    for dictionary in dictionaries:
        if ACTIVE_KEYS & set(dictionary.keys()) or _is_active(dictionary):
            raise Unsafe(PDF_WITH_ACTIVE_CONTENT)


def _is_active(dictionary: pikepdf.Object) -> bool:
    action = dictionary.get("/S")
    if action is not None and str(action) in ACTIVE_ACTIONS:
        return True
    if dictionary.get("/Type") == pikepdf.Name.EmbeddedFile:
        return True
    subtype = dictionary.get("/Subtype")
    if subtype is not None and str(subtype) in ACTIVE_SUBTYPES:
        return True
    opening = dictionary.get("/OpenAction")
    # Opening on a page is harmless; any other action on opening is not.
    return isinstance(opening, pikepdf.Dictionary) and opening.get("/S") != pikepdf.Name.GoTo


def _strip_metadata(pdf: pikepdf.Pdf, objects: list[pikepdf.Object]) -> None:
    # Without /ID, qpdf writes a new one instead of keeping the original's first half.
    for key in ("/Info", "/ID"):
        if key in pdf.trailer:
            del pdf.trailer[key]
    for dictionary in _dictionaries(objects):
        for key in METADATA_KEYS:
            if key in dictionary:
                del dictionary[key]
        if _is_jpeg_stream(dictionary):
            _strip_jpeg_stream(dictionary)


def _dictionaries(objects: list[pikepdf.Object]):
    """Yield every dictionary and stream: the indirect objects, and those nested in them."""
    pending = list(objects)
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Array):
            children = list(item)
        elif _is_container(item):
            yield item
            children = list(item.values())
        else:
            continue
        # Indirect objects are visited from the list of all objects; nested ones from here.
        pending.extend(
            child for child in children if _is_container(child) and not child.is_indirect
        )


def _is_container(item: object) -> bool:
    return isinstance(item, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array)


def _is_jpeg_stream(dictionary: pikepdf.Object) -> bool:
    return isinstance(dictionary, pikepdf.Stream) and dictionary.get("/Filter") == (
        pikepdf.Name.DCTDecode
    )


def _strip_jpeg_stream(stream: pikepdf.Stream) -> None:
    """Drop EXIF and comments from a JPEG embedded as it is (scanning apps embed the photo)."""
    stripped = strip_jpeg_segments(stream.read_raw_bytes())
    if stripped is not None:
        stream.write(
            stripped, filter=pikepdf.Name.DCTDecode, decode_parms=stream.get("/DecodeParms")
        )


#: Segments kept: APP0 (JFIF), APP2 (colour profile), APP14 (Adobe colour transform).
KEPT_APP_SEGMENTS = frozenset({0xE0, 0xE2, 0xEE})
COMMENT = 0xFE
START_OF_SCAN = 0xDA


def strip_jpeg_segments(data: bytes) -> bytes | None:
    """Return a JPEG without its EXIF, XMP, IPTC and comment segments; None if unreadable."""
    if not data.startswith(b"\xff\xd8"):
        return None
    kept, position = [data[:2]], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before the marker
            position += 1
            continue
        if marker == START_OF_SCAN:
            kept.append(data[position:])
            return b"".join(kept)
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if end > len(data) or end < position + 4:
            return None
        application = 0xE0 <= marker <= 0xEF
        if marker != COMMENT and (not application or marker in KEPT_APP_SEGMENTS):
            kept.append(data[position:end])
        position = end
    return None
