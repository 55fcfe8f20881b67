"""Working days: 2026's statutory holidays and make-up days, admin corrections, the Monday–Friday fallback."""

import logging
from datetime import date, datetime, timedelta

import pytest

from clock import CHINA
from extensions import db
from models import Assignment, AssignmentStatus, CalendarDay, Item
from tests.office import assigned_item, at, build_office
from workdays import WorkCalendar, calendar_warnings
from workflows.deadlines import deadline_end, is_overdue, parse_deadline

pytestmark = pytest.mark.sqlite_only  # working days are computed in Python


@pytest.fixture
def calendar():
    """The built-in calendar, without admin corrections."""
    return WorkCalendar()


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 9, 30), True),  # Wednesday before National Day
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 5), False),  # Monday inside the holiday
        (date(2026, 10, 7), False),  # last day of the holiday
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # make-up working Saturday
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2026, 2, 14), True),  # Spring Festival make-up Saturday
        (date(2026, 2, 16), False),  # Spring Festival (Monday)
        (date(2026, 2, 23), False),  # last day of the Spring Festival holiday (Monday)
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # the second make-up Saturday
    ],
)
def test_should_know_the_2026_holidays_and_make_up_days(calendar, day, working):
    assert calendar.is_workday(day) is working


def test_should_count_working_days_across_national_day(calendar):
    # Assigned on Wednesday 30 September with "5个工作日": 8, 9, 10 (Saturday, make-up), 12, 13 October.
    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert calendar.add_working_days(date(2026, 10, 13), -5) == date(2026, 9, 30)


def test_should_count_working_days_across_the_spring_festival(calendar):
    # Friday 13 February, 3 working days: Saturday 14 (make-up), then 24 and 25 February.
    assert calendar.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    assert calendar.next_workday(date(2026, 2, 15)) == date(2026, 2, 24)
    assert calendar.next_workday(date(2026, 2, 24)) == date(2026, 2, 24)
    assert calendar.next_workday(date(2026, 2, 24), include_today=False) == date(2026, 2, 25)


def test_should_let_an_admin_row_override_the_library(app):
    db.session.add(CalendarDay(day=date(2026, 12, 31), is_workday=False, note="单位调整"))
    db.session.add(CalendarDay(day=date(2026, 10, 11), is_workday=True, note="补班"))
    db.session.commit()
    calendar = WorkCalendar.load(db.session)
    assert not calendar.is_workday(date(2026, 12, 31))
    assert calendar.is_workday(date(2026, 10, 11))


def test_should_fall_back_to_weekdays_for_an_unknown_year_and_say_so(calendar, caplog):
    far = date(2031, 10, 1)  # a Wednesday the library knows nothing about
    with caplog.at_level(logging.WARNING):
        assert calendar.is_workday(far) is True
        assert calendar.is_workday(date(2031, 10, 4)) is False  # Saturday
        assert calendar.add_working_days(date(2031, 10, 3), 1) == date(2031, 10, 6)
    assert 2031 in calendar.unknown_years
    assert "2031年节假日数据缺失" in caplog.text
    assert not calendar.knows(2031)
    assert any("2031年" in w for w in calendar_warnings(calendar, date(2031, 3, 1)))


def test_should_treat_a_year_with_admin_rows_as_maintained(app):
    db.session.add(CalendarDay(day=date(2031, 10, 1), is_workday=False, note="国庆节"))
    db.session.commit()
    calendar = WorkCalendar.load(db.session)
    assert calendar.knows(2031) and not calendar.is_workday(date(2031, 10, 1))
    assert calendar.is_workday(date(2031, 10, 8))
    assert 2031 not in calendar.unknown_years


def test_should_warn_about_next_year_only_from_november(calendar):
    assert calendar_warnings(calendar, date(2026, 6, 1)) == []
    assert [w[:6] for w in calendar_warnings(calendar, date(2026, 11, 26))] == ["2027年的"]


class TestDeadlineEdges:
    """A deadline date is due by the end of that day in China time."""

    deadline = date(2026, 12, 15)

    def test_should_be_on_time_a_second_before_midnight(self):
        assert not is_overdue(self.deadline, datetime(2026, 12, 15, 23, 59, 59, tzinfo=CHINA))

    def test_should_be_overdue_at_midnight(self):
        assert is_overdue(self.deadline, datetime(2026, 12, 16, 0, 0, 0, tzinfo=CHINA))

    def test_should_be_overdue_a_second_after_midnight(self):
        assert is_overdue(self.deadline, datetime(2026, 12, 16, 0, 0, 1, tzinfo=CHINA))

    def test_should_judge_in_china_time_whatever_the_timezone_of_now(self):
        # 15:59:59 UTC is 23:59:59 in China; 16:00 UTC is midnight.
        end = deadline_end(self.deadline)
        assert not is_overdue(self.deadline, end - timedelta(seconds=1))
        assert is_overdue(self.deadline, end)


def test_should_find_the_same_overdue_shares_and_items_in_python_and_in_sql(app):
    office = build_office()
    today = date(2026, 12, 16)
    for deadline in (date(2026, 12, 15), date(2026, 12, 16), date(2026, 12, 17)):
        assigned_item(office, deadline=deadline, now=at(2026, 12, 1))
    shares = db.session.scalars(db.select(Assignment).order_by(Assignment.id)).all()
    shares[0].status = AssignmentStatus.ACCEPTED  # done: never overdue
    shares[1].status = AssignmentStatus.SUBMITTED  # awaiting review: still open
    db.session.flush()
    for model in (Assignment, Item):
        rows = db.session.scalars(db.select(model).order_by(model.id)).all()
        in_python = [row.id for row in rows if row.is_overdue(today)]
        in_sql = db.session.scalars(db.select(model.id).where(model.overdue_condition(today)).order_by(model.id)).all()
        assert in_python == in_sql and in_python
    assert [share.is_overdue(today) for share in shares[:4]] == [False, True, True, False]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("2026/12/15", date(2026, 12, 15)),
        ("2026年12月15日", date(2026, 12, 15)),
        ("5个工作日", date(2026, 10, 13)),
        (" 5 个工作日内 ", date(2026, 10, 13)),
        ("1工作日", date(2026, 10, 8)),
    ],
)
def test_should_read_a_deadline_as_a_date_or_as_working_days(calendar, text, expected):
    assert parse_deadline(text, assigned_on=date(2026, 9, 30), calendar=calendar) == expected


@pytest.mark.parametrize("text", ["", "下周五", "0个工作日", "2026-02-30"])
def test_should_explain_an_unreadable_deadline_in_chinese(calendar, text):
    with pytest.raises(ValueError, match="时限|工作日数"):
        parse_deadline(text, assigned_on=date(2026, 9, 30), calendar=calendar)
