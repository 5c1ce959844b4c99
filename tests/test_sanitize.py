"""Staff rich text: simple formatting and links survive, everything that runs is removed."""

from __future__ import annotations

from markupsafe import Markup

from portal.sanitize import sanitize_html


def test_script_elements_are_removed():
    cleaned = sanitize_html("<p>答复</p><script>alert(1)</script>")
    assert "<script" not in cleaned
    assert "alert" not in cleaned
    assert "<p>答复</p>" in cleaned


def test_event_handler_attributes_are_removed():
    cleaned = sanitize_html('<p onclick="steal()">办理结果</p><img src=x onerror="steal()">')
    assert "onclick" not in cleaned
    assert "onerror" not in cleaned
    assert "steal" not in cleaned
    assert "<img" not in cleaned


def test_javascript_urls_are_removed():
    cleaned = sanitize_html(
        '<a href="javascript:steal()">查看</a><a href="JaVaScRiPt:x()">再看</a>'
    )
    assert "javascript" not in cleaned.lower()
    assert "查看" in cleaned


def test_simple_formatting_is_kept():
    html = "<p><strong>整改措施</strong>：<em>一月内</em></p><ul><li>公开承诺</li></ul>"
    assert sanitize_html(html) == html


def test_links_keep_their_address_and_get_a_safe_rel():
    cleaned = sanitize_html('<a href="https://example.org/notice">公示</a>')
    assert 'href="https://example.org/notice"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_styles_and_unknown_attributes_are_dropped():
    cleaned = sanitize_html('<p style="color:red" class="x" data-id="1">文字</p>')
    assert cleaned == "<p>文字</p>"


def test_the_result_is_markup_that_jinja_will_not_escape_again():
    assert isinstance(sanitize_html("<p>文字</p>"), Markup)


def test_control_characters_are_removed_but_tabs_and_line_breaks_kept():
    cleaned = sanitize_html("<p>整改\u202e措施\x07\x00</p>\n<p>一月\t内</p>")
    assert cleaned == "<p>整改措施</p>\n<p>一月\t内</p>"


def test_control_characters_written_as_references_are_removed():
    cleaned = sanitize_html('<p title="x">公示&#8238;&#x7;</p><a title="&#x202E;见">公告</a>')
    assert "\u202e" not in cleaned
    assert "\x07" not in cleaned
    assert "公示" in cleaned


def test_a_url_joined_by_removing_a_control_character_is_cleaned_again():
    cleaned = sanitize_html('<a href="java&#1;script:steal()">查看</a>')
    assert "script" not in cleaned.lower()
    assert "查看" in cleaned
