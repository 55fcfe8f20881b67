"""Registering and editing items: numbering, and keeping one assignment per lead/co-unit in step with the item."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from clock import china_date
from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentRole
from models.item import Item, ItemStatus
from models.unit import Unit
from workflows.numbering import ITEM_SERIES, format_number, next_sequence, parse_number, reserve_sequence


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


def save_item(session: Session, item: Item, co_units: Iterable[Unit], *, actor=None, now: datetime) -> Item:
    """Create or update an item from a form: number it, stamp who did it, and sync its assignments."""
    is_new = item.id is None
    if is_new:
        session.add(item)
        number_item(session, item, now=now)
        item.status = item.status or ItemStatus.REGISTERED
        item.created_by_id = getattr(actor, "id", None)
    elif inspect(item).attrs.number.history.has_changes():
        number_item(session, item, now=now)
    item.updated_by_id = getattr(actor, "id", None)
    sync_assignments(session, item, co_units, now=now)
    session.flush()
    return item


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
