"""Leaders supervise in person (领导督查): recording a visit on the items it concerned, and the follow-up items a
leader gives the office (交任务、出题目)."""

from datetime import date, datetime

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from audit import record_step
from models.inspection import LeaderInspection, inspection_item
from models.item import Item, ItemSource
from models.unit import Unit
from workflows.items import save_item


def note_on_items(session: Session, inspection: LeaderInspection, items, *, now: datetime) -> None:
    """Write the visit into the history of each item it newly concerns (the item's 办理记录)."""
    for item in items:
        record_step(session, "领导督查", item, _summary(inspection), now=now)


def follow_up_item(
    session: Session,
    inspection: LeaderInspection,
    *,
    title: str,
    content: str,
    lead_unit: Unit,
    co_units: list[Unit],
    deadline: date,
    actor,
    now: datetime,
) -> Item:
    """A task the leader gave on the visit, registered as an item of 局党政领导批办事项 with the leader as the one
    who ordered it and the visit's findings as the instruction; assigned later as any item is."""
    item = Item(
        title=title,
        content=content,
        source=ItemSource.LEADER_INSTRUCTION,
        ordering_leader=inspection.leader,
        instruction=inspection.findings,
        lead_unit=lead_unit,
        deadline=deadline,
    )
    save_item(session, item, co_units, actor=actor, now=now)
    inspection.items.append(item)
    session.flush()
    record_step(session, "领导督查交办", item, _summary(inspection), now=now)
    return item


def inspections_of_item(session: Session, item_id: int) -> list[LeaderInspection]:
    """The on-site supervisions that concerned an item, newest first."""
    return list(
        session.scalars(
            select(LeaderInspection)
            .join(inspection_item, inspection_item.c.inspection_id == LeaderInspection.id)
            .where(inspection_item.c.item_id == item_id)
            .order_by(LeaderInspection.held_on.desc(), LeaderInspection.id.desc())
        )
    )


def inspection_count(session: Session, year: int) -> int:
    """How many on-site supervisions leaders held in a year (for the year in numbers)."""
    return session.scalar(
        select(func.count(LeaderInspection.id)).where(extract("year", LeaderInspection.held_on) == year)
    )


def _summary(inspection: LeaderInspection) -> str:
    leader = inspection.leader.name if inspection.leader else ""
    where = f"（{inspection.place}）" if inspection.place else ""
    return f"{inspection.held_on} {leader}领导督查{where}：{inspection.findings[:80]}"
