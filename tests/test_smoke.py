from portal.extensions import db
from tests.factories import build_city, make_case


def test_a_case_gets_a_number_and_a_receipt(app_context):
    city = build_city()
    case, receipt = make_case(city.district)
    db.session.commit()
    assert case.number.endswith("-000001")
    assert len(receipt) == 34
