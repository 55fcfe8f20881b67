"""Registering and editing items: numbering, and keeping one assignment per lead/co-unit in step with the item."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from clock import china_date
from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentRole
from models.item import Item, ItemStatus
from models.unit import Unit
from workflows.numbering import (
    ITEM_SERIES,
    format_number,
    next_sequence,
    parse_number,
    reserve_sequence,
    take_sequences,
)


def number_item(session: Session, item: Item, *, now: datetime) -> None:
    """Give the item its 督〔year〕N号 number: the one typed (reserved in the series) or the next of the year."""
    parsed = parse_number(item.number) if item.number else None
    if parsed and parsed[0] == ITEM_SERIES:
        _, item.year, item.seq = parsed
        item.number = format_number(ITEM_SERIES, item.year, item.seq)
        reserve_sequence(session, ITEM_SERIES, item.year, item.seq)
        return
    if item.number:
        raise ValueError(f"编号“{item.number}”格式不正确，应形如 督〔2026〕12号，或留空自动生成。")
    item.year = china_date(now).year
    item.seq = next_sequence(session, ITEM_SERIES, item.year)
    item.number = format_number(ITEM_SERIES, item.year, item.seq)


def save_item(
    session: Session, item: Item, co_units: Iterable[Unit], *, actor=None, now: datetime, flush: bool = True
) -> Item:
    """Create or update an item from a form: number it, stamp who did it, and sync its assignments.

    `flush=False` leaves the flush to the caller (save_items flushes in batches); a new item that already carries
    a number taken by save_items keeps it.
    """
    is_new = item.id is None
    if is_new:
        session.add(item)
        if not (item.number and item.seq):
            number_item(session, item, now=now)
        item.status = item.status or ItemStatus.REGISTERED
        item.created_by_id = getattr(actor, "id", None)
    elif inspect(item).attrs.number.history.has_changes():
        number_item(session, item, now=now)
    item.updated_by_id = getattr(actor, "id", None)
    sync_assignments(session, item, co_units, now=now)
    if flush:
        session.flush()
    return item


def save_items(
    session: Session, entries: list[tuple[Item, list[Unit]]], *, actor=None, now: datetime, batch: int = 500
):
    """Save many items (an import): the new ones' numbers taken in one statement, the rest flushed in batches.

    Raises ValueError naming the entry's position (0-based) with the reason, as save_item does.
    """
    new = [item for item, _ in entries if item.id is None and not item.number]
    if new:
        year = china_date(now).year
        first = take_sequences(session, ITEM_SERIES, year, len(new))
        for offset, item in enumerate(new):
            item.year, item.seq = year, first + offset
            item.number = format_number(ITEM_SERIES, year, item.seq)
    with session.no_autoflush:
        for position, (item, co_units) in enumerate(entries):
            try:
                save_item(session, item, co_units, actor=actor, now=now, flush=False)
            except ValueError as error:
                raise ItemSaveError(position, str(error)) from error
            if (position + 1) % batch == 0:
                session.flush()
    session.flush()


class ItemSaveError(ValueError):
    """save_items refused one entry: which one (0-based) and why (Chinese)."""

    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position


def sync_assignments(session: Session, item: Item, co_units: Iterable[Unit], *, now: datetime) -> None:
    """One assignment per unit: the lead unit's (牵头) and each co-unit's (协办); follow deadline changes."""
    if item.lead_unit is None and item.lead_unit_id is not None:
        item.lead_unit = session.get(Unit, item.lead_unit_id)
    wanted: dict[int, AssignmentRole] = {item.lead_unit.id: AssignmentRole.LEAD}
    for unit in co_units:
        if unit is None:
            continue
        if unit.id == item.lead_unit.id:
            raise ValueError(f"“{unit.name}”已是牵头单位，不能同时作为协办单位。")
        wanted[unit.id] = AssignmentRole.CO
    units = {u.id: u for u in co_units if u is not None}
    units[item.lead_unit.id] = item.lead_unit

    deadline_history = inspect(item).attrs.deadline.history
    old_deadline = deadline_history.deleted[0] if deadline_history.deleted else None

    existing = {a.unit_id: a for a in item.assignments}
    for unit_id, assignment in existing.items():
        if unit_id not in wanted:
            if assignment.feedbacks:
                raise ValueError(
                    f"“{assignment.unit.name}”已提交反馈，不能从承办单位中移除；如需停止，请撤销其承办任务。"
                )
            item.assignments.remove(assignment)
        else:
            assignment.role = wanted[unit_id]
            if old_deadline and assignment.deadline == old_deadline and assignment.status in OPEN_ASSIGNMENT_STATUSES:
                assignment.deadline = item.deadline
    for unit_id, role in wanted.items():
        if unit_id not in existing:
            item.assignments.append(Assignment(unit=units[unit_id], role=role, deadline=item.deadline))
