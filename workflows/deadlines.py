"""Deadlines: dates in China time, inclusive (due by the end of the day), entered as a date or as N working days."""

import re
from datetime import date, datetime, time, timedelta

from clock import CHINA, china_date
from models.overdue import deadline_passed
from workdays import WorkCalendar

WORKING_DAYS = re.compile(r"^\s*(\d{1,3})\s*个?\s*工作日\s*(内)?\s*$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def deadline_end(deadline: date) -> datetime:
    """The moment a deadline passes: midnight China time at the end of the deadline day."""
    return datetime.combine(deadline + timedelta(days=1), time.min, CHINA)


def is_overdue(deadline: date, now: datetime) -> bool:
    """True from the first instant after the deadline day (China time): 23:59:59 is on time, 00:00 is late."""
    return deadline_passed(deadline, china_date(now))


def parse_deadline(text: str, *, assigned_on: date, calendar: WorkCalendar) -> date:
    """Read "2026-12-15", "2026年12月15日" or "5个工作日" (counted from `assigned_on`); ValueError in Chinese."""
    text = (text or "").strip().replace("\u3000", " ")
    if not text:
        raise ValueError("请填写完成时限：日期（如 2026-12-15）或工作日数（如 5个工作日）。")
    match = WORKING_DAYS.match(text)
    if match:
        days = int(match.group(1))
        if days < 1:
            raise ValueError("工作日数至少为 1。")
        return calendar.add_working_days(assigned_on, days)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"无法识别的完成时限“{text}”：请填写日期（如 2026-12-15）或工作日数（如 5个工作日）。")
