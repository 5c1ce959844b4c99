"""Languages: a complete Chinese catalog, the browser's choice, and the switch."""

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "portal" / "translations" / "zh_Hans" / "LC_MESSAGES"
#: Lazy strings are marked with these names besides babel's own keywords.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def chinese_catalog():
    with (MESSAGES / "messages.po").open("rb") as handle:
        return read_po(handle, locale="zh_Hans")


def extracted_ids() -> set[str]:
    """Return the message ids the sources mark today, as ``pybabel extract`` finds them."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def test_every_chinese_message_is_translated():
    untranslated = [
        message.id
        for message in chinese_catalog()
        if message.id
        and not all(message.string if isinstance(message.string, tuple) else [message.string])
    ]

    assert untranslated == []


def test_no_chinese_message_is_fuzzy():
    assert [message.id for message in chinese_catalog() if message.id and message.fuzzy] == []


def test_the_compiled_catalog_matches_its_source():
    compiled = BytesIO()
    write_mo(compiled, chinese_catalog())

    assert (MESSAGES / "messages.mo").read_bytes() == compiled.getvalue()


def test_every_message_of_the_sources_is_in_the_catalog():
    catalog = chinese_catalog()
    known = {message.id if isinstance(message.id, str) else message.id[0] for message in catalog}

    assert sorted(extracted_ids() - known) == []


@pytest.mark.parametrize("tag", ["zh-CN", "zh", "zh-Hans", "zh-TW", "zh-Hant-HK"])
def test_every_chinese_browser_gets_the_chinese_pages(client, tag):
    page = client.get("/", headers={"Accept-Language": tag}).get_data(as_text=True)

    assert '<html lang="zh-Hans">' in page
    assert "组织工作监督服务平台" in page


@pytest.mark.parametrize("tag", ["en-GB", "en-US,en;q=0.9", "fr-FR,en;q=0.5"])
def test_an_english_browser_gets_the_english_pages(client, tag):
    page = client.get("/", headers={"Accept-Language": tag}).get_data(as_text=True)

    assert '<html lang="en">' in page
    assert "Organization Work Supervision Portal" in page


@pytest.mark.parametrize("headers", [{"Accept-Language": "fr-FR"}, {}])
def test_any_other_browser_gets_the_chinese_pages(client, headers):
    page = client.get("/", headers=headers).get_data(as_text=True)

    assert '<html lang="zh-Hans">' in page


def test_the_switch_links_to_the_other_language_and_back_to_the_page(client):
    page = client.get("/track", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert 'href="/language/en?next=/track?"' in page
    assert ">English</a>" in page


def test_the_switch_remembers_the_language_and_returns_to_the_page(client):
    response = client.get("/language/en?next=/track")

    assert response.status_code == 303
    assert response.headers["Location"] == "/track"
    assert client.get_cookie("lang").value == "en"
    page = client.get("/track", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_the_switch_ignores_a_language_we_do_not_speak(client):
    client.get("/language/fr?next=/")

    assert client.get_cookie("lang") is None


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "evil.example", "javascript:x"],
)
def test_the_switch_never_leaves_the_site(client, target):
    response = client.get("/language/en", query_string={"next": target})

    assert response.headers["Location"] == "/"


def test_error_pages_speak_the_readers_language(client):
    response = client.get("/nowhere", headers={"Accept-Language": "zh-CN"})

    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
