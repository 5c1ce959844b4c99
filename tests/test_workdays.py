"""Working-day arithmetic across the Spring Festival and National Day weeks."""

from datetime import date

import pytest

from portal.workdays import calendar


@pytest.fixture
def cal(app_context):
    return calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before the Spring Festival
        (date(2026, 2, 14), True),  # Saturday, a make-up working day
        (date(2026, 2, 15), False),  # first day of the nine-day holiday (a Sunday)
        (date(2026, 2, 18), False),  # Wednesday inside the holiday
        (date(2026, 2, 23), False),  # Monday, last day of the holiday
        (date(2026, 2, 24), True),  # back to work
        (date(2026, 2, 28), True),  # Saturday, a make-up working day
        (date(2026, 9, 20), True),  # Sunday, make-up day before National Day
        (date(2026, 10, 1), False),
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, make-up day after National Day
        (date(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_official_days_off_and_make_up_days(cal, day, working):
    assert cal.is_working_day(day) is working


def test_three_working_days_from_the_eve_of_the_spring_festival(cal):
    # Fri 13 Feb -> Sat 14 (make-up) is 1, then the holiday, then Tue 24 is 2, Wed 25 is 3.
    assert cal.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)


def test_fifteen_working_days_across_national_day(cal):
    # From Fri 25 Sep (Mid-Autumn holiday): 28, 29, 30 Sep; 8, 9, 10 (Sat, make-up), 12..16,
    # 19..22 Oct.
    assert cal.add_working_days(date(2026, 9, 25), 15) == date(2026, 10, 22)


def test_counting_back_is_the_inverse_of_adding(cal):
    start = date(2026, 2, 10)
    due = cal.add_working_days(start, 10)
    assert cal.working_days_between(start, due) == 10
    assert cal.working_days_between(due, start) == -10


def test_a_year_without_a_schedule_counts_weekends_only_and_says_so(cal):
    assert cal.knows(2026)
    assert not cal.knows(2031)
    assert cal.is_working_day(date(2031, 1, 1)) is True  # unknown: New Year not on file


def test_a_deployment_can_add_a_year(make_app, tmp_path):
    (tmp_path / "2031.json").write_text(
        '{"year": 2031, "source": "test", "holidays": ["2031-01-01"], "workdays": []}'
    )
    app = make_app(HOLIDAY_DIR=str(tmp_path))
    with app.app_context():
        cal = calendar()
        assert cal.knows(2031)
        assert cal.is_working_day(date(2031, 1, 1)) is False
