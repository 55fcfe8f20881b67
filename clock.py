"""The one place that reads the wall clock; everything else takes `now` as an argument."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def parse_now(text: str | None) -> datetime:
    """Parse an ISO datetime given on the command line (China time when no offset), or read the clock."""
    if not text:
        return utcnow()
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    return value.astimezone(UTC)


def china_date(moment: datetime) -> date:
    """Return the calendar date in China time of an aware datetime."""
    return moment.astimezone(CHINA).date()


def china_time(moment: datetime | None) -> datetime | None:
    """Convert an aware datetime to China time for display."""
    return moment.astimezone(CHINA) if moment else None
