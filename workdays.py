"""Working days in China: the statutory holiday calendar, corrected by admins, Monday–Friday when a year is unknown."""

import logging
from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import CalendarDay

log = logging.getLogger(__name__)
_warned_years: set[int] = set()


class WorkCalendar:
    """Answers "is this a working day?" and counts working days, from chinese_calendar plus CalendarDay rows.

    A row in calendar_day wins over the library. For a year the library does not know, a year with admin rows is
    taken as maintained by hand (weekdays plus those rows); a year with neither falls back to Monday–Friday and
    is reported in `unknown_years` and the log, never an error.
    """

    def __init__(self, overrides: dict[date, bool] | None = None):
        self.overrides = dict(overrides or {})
        self.maintained_years = {day.year for day in self.overrides}
        self.unknown_years: set[int] = set()
        self._known: dict[date, bool] = {}  # answers already given (the sweep asks about the same days many times)

    @classmethod
    def load(cls, session: Session) -> "WorkCalendar":
        """The calendar with every admin correction (a small table: a few dozen rows a year)."""
        rows = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
        return cls({day: is_workday for day, is_workday in rows})

    def library_knows(self, year: int) -> bool:
        """True when chinese_calendar has the statutory holidays of `year`."""
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def knows(self, year: int) -> bool:
        """True when working days of `year` come from real data (the library or admin rows), not the fallback."""
        return year in self.maintained_years or self.library_knows(year)

    def is_workday(self, day: date) -> bool:
        """Whether `day` is a working day (调休 make-up Saturdays count, statutory holidays do not)."""
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        """is_workday, asked of the admin rows, then the library, then the Monday–Friday fallback."""
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self.maintained_years:
                self.unknown_years.add(day.year)
                if day.year not in _warned_years:
                    _warned_years.add(day.year)
                    log.warning("%s年节假日数据缺失，暂按周一至周五计算工作日；请在「节假日调整」中补录。", day.year)
            return day.weekday() < 5

    def next_workday(self, day: date, *, include_today: bool = True) -> date:
        """The first working day on or after `day` (after it, when include_today is False)."""
        current = day if include_today else day + timedelta(days=1)
        while not self.is_workday(current):
            current += timedelta(days=1)
        return current

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (start itself not counted); negative counts go back."""
        step = 1 if count >= 0 else -1
        current, remaining = start, abs(count)
        while remaining:
            current += timedelta(days=step)
            if self.is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end <= start."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_workday(current)
        return count

    def first_workday_of_month(self, year: int, month: int) -> date:
        """The first working day of a month."""
        return self.next_workday(date(year, month, 1))


def calendar_warnings(calendar: WorkCalendar, today: date) -> list[str]:
    """Chinese warnings for the dashboard: this year, and from November next year, without holiday data."""
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [
        f"{year}年的法定节假日和调休安排尚未录入，系统暂按周一至周五计算工作日。"
        for year in years
        if not calendar.knows(year)
    ]
