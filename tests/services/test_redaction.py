"""Redaction: what image supervisors and custodians read of a reporter's own words."""

import pytest

from portal.models import ReporterMode, UnitKind
from portal.services.intake import ContactDetails
from portal.services.redaction import REDACTED, redact, reporter_redactor
from tests.factories import add_unit, make_case
from tests.protection import REPORTER, TELLING_BODY, sealed_case

R = REDACTED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13800138000请联系", f"电话{R}请联系"),
        ("电话 138 0013 8000。", f"电话 {R}。"),
        ("电话138-0013-8000", f"电话{R}"),
        ("+86 13800138000", R),
        ("１３８００１３８０００", R),
        ("座机0571-88123456", f"座机{R}"),
        ("（010）12345678", R),
        ("身份证110101199003071234，", f"身份证{R}，"),
        ("身份证11010119900307123X", f"身份证{R}"),
        ("老身份证110101900307123", f"老身份证{R}"),
        ("邮箱 zhang.san@example.com 或 li＠qq.com", f"邮箱 {R} 或 {R}"),
    ],
)
def test_phone_numbers_email_addresses_and_id_cards_are_blanked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "案件编号2026-000123",
        "热线12380",
        "2026-11-21上午9点",
        "20261121",
        "罚款5000元，排队3小时",
        "第12345678901234567890号文件",  # a long number is not a phone cut out of it
    ],
)
def test_ordinary_numbers_stay(text):
    assert redact(text) == text


def test_the_reporters_own_details_are_blanked_however_written():
    known = ["张三", "13912345678", "zhangsan@example.cn", "人民路88号"]

    text = "我张三住人民路88号，手机139 1234 5678，ZhangSan@Example.cn"

    assert redact(text, known) == f"我{R}住{R}，手机{R}，{R}"


def test_a_one_character_detail_is_not_blanked_everywhere():
    assert redact("王先生说了算", ["王"]) == "王先生说了算"


def test_nothing_is_nothing():
    assert redact(None) == "" and redact("") == ""


def test_a_cases_redactor_knows_its_sealed_reporter(app_context):
    unit = add_unit("市人社局", UnitKind.DEPARTMENT)
    case = sealed_case(unit)

    redacted = reporter_redactor(case)(TELLING_BODY)

    for detail in (REPORTER.name, REPORTER.phone, REPORTER.email, REPORTER.address):
        assert detail not in redacted
    assert "110101199003071234" not in redacted
    assert "窗口人员要求请客才办事" in redacted


def test_an_anonymous_cases_redactor_still_blanks_numbers(app_context):
    unit = add_unit("市人社局", UnitKind.DEPARTMENT)
    case, _receipt = make_case(unit, body="打13800138000找我")

    assert reporter_redactor(case)(case.body) == f"打{R}找我"


def test_a_named_reporters_name_is_blanked_too(app_context):
    unit = add_unit("市人社局", UnitKind.DEPARTMENT)
    case, _receipt = make_case(
        unit,
        body="我是李四，实名反映",
        reporter_mode=ReporterMode.NAMED,
        contact=ContactDetails(name="李四", address="中山路1号"),
    )

    assert reporter_redactor(case)(case.body) == f"我是{R}，实名反映"
