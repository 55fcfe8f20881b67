"""China-time calendar parts of a stored UTC timestamp, in SQL, on SQLite and PostgreSQL alike.

China has no daylight saving: a timestamp's day in China is its UTC value plus eight hours.
"""

from datetime import date, datetime, time

from sqlalchemy import Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from clock import CHINA


class china_day(FunctionElement):  # noqa: N801 (reads like the SQL function it is)
    """The date in China (Asia/Shanghai) of a UTC timestamp column, as an SQL date."""

    type = Date()
    inherit_cache = True


class china_month(FunctionElement):  # noqa: N801
    """The month in China of a UTC timestamp column, as text 'YYYY-MM'."""

    type = String()
    inherit_cache = True


@compiles(china_day, "sqlite")
def _china_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_day, "postgresql")
def _china_day_postgresql(element, compiler, **kw):
    return f"CAST(timezone('Asia/Shanghai', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(china_month, "sqlite")
def _china_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_month, "postgresql")
def _china_month_postgresql(element, compiler, **kw):
    return f"to_char(timezone('Asia/Shanghai', {compiler.process(element.clauses, **kw)}), 'YYYY-MM')"


def china_midnight(day: date) -> datetime:
    """The aware moment a China day starts (to compare UTC timestamp columns with, index-friendly)."""
    return datetime.combine(day, time.min, CHINA)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar year in China time, as aware moments."""
    return china_midnight(date(year, 1, 1)), china_midnight(date(year + 1, 1, 1))
