"""逾期: the one definition of an overdue deadline, as a Python predicate and as the same SQL condition.

A deadline is a date in China time, due by the end of that day: it is overdue from the next day on, while the
record is still open. The lists, the dashboard, the item and unit pages and the ladder all ask these two.
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement


def deadline_passed(deadline: date, today: date) -> bool:
    """True from the day after the deadline day (`today` in China time)."""
    return deadline < today


def is_overdue(deadline: date, status, open_statuses: Iterable, today: date) -> bool:
    """True when the deadline has passed (China time) and `status` is still one of the open ones."""
    return status in tuple(open_statuses) and deadline_passed(deadline, today)


def overdue_condition(deadline_column, status_column, open_statuses: Iterable, today: date) -> ColumnElement[bool]:
    """The SQL twin of `is_overdue`: the same rule, for queries and list filters."""
    return status_column.in_(tuple(open_statuses)) & (deadline_column < today)
