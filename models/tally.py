"""Running tallies the database keeps by itself (triggers, migration 0010_dashboard), so the dashboard's counts cost
the same at 100 items as at 100,000: items by status and source, and open shares by deadline.

Triggers on `item` and `assignment` keep them exact under every way rows change (the ORM, bulk inserts, imports,
SQL by hand); `recount_tallies` rebuilds them from the rows. They are derived data: never written by the
application, and not copied when rows are copied (`DERIVED`), since the triggers rebuild them from the copied rows.
"""

from datetime import date

from sqlalchemy import Date, Integer, String, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.base import Base
from models.item import Item

DERIVED = {"info": {"derived": True}}


class ItemTally(Base):
    """How many items there are of one status and source."""

    __tablename__ = "item_tally"
    __table_args__ = DERIVED

    status: Mapped[str] = mapped_column(String(30), primary_key=True)
    source: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class OpenShareTally(Base):
    """How many open shares (待交办, 已交办, 办理中, 待审核) are due on one day."""

    __tablename__ = "open_share_tally"
    __table_args__ = DERIVED

    deadline: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


def is_derived(table) -> bool:
    """True for a table the database keeps from other tables' rows (not to be copied with them)."""
    return bool(table.info.get("derived"))


def item_counts_by_row():
    """The recount of ItemTally: (status, source, n) from the items themselves."""
    return select(Item.status, Item.source, func.count()).group_by(Item.status, Item.source)


def open_shares_by_deadline():
    """The recount of OpenShareTally: (deadline, n) of the open shares themselves."""
    return (
        select(Assignment.deadline, func.count())
        .where(Assignment.status.in_(OPEN_ASSIGNMENT_STATUSES))
        .group_by(Assignment.deadline)
    )


def recount_tallies(session: Session) -> None:
    """Rebuild both tallies from the rows (after a restore that bypassed the triggers, or to repair them)."""
    session.execute(delete(ItemTally))
    session.execute(delete(OpenShareTally))
    session.execute(insert(ItemTally).from_select(["status", "source", "n"], item_counts_by_row()))
    session.execute(insert(OpenShareTally).from_select(["deadline", "n"], open_shares_by_deadline()))
