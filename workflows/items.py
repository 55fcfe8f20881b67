"""Registering and editing items: numbering, and keeping one assignment per lead/co-unit in step with the item."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from audit import record_created, session_now
from bulk import insert_rows
from clock import china_date
from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentRole, AssignmentStatus
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


def create_items(session: Session, entries: list[tuple[dict, list[Unit]]], *, actor=None, now: datetime) -> list[int]:
    """Register many new items at once (an import), as save_item would one by one: numbered in one statement, status
    立项, one assignment per lead and co-unit, audit rows; each table written with one executemany, not the ORM.

    An entry is the item's attributes (relationships as records: lead_unit=Unit) and its co-units. Returns the new
    items' ids in order; raises ItemSaveError naming the entry's position (0-based) as save_items does.
    """
    if not entries:
        return []
    session.flush()  # whatever the ORM still holds goes first: the rows below bypass it
    year = china_date(now).year
    first = take_sequences(session, ITEM_SERIES, year, len(entries))
    stamp, user_id = session_now(session), getattr(actor, "id", None)
    items, shares = [], []
    for position, (values, co_units) in enumerate(entries):
        seq = first + position
        row = _column_values(Item, values)
        row.update(number=format_number(ITEM_SERIES, year, seq), year=year, seq=seq, status=ItemStatus.REGISTERED)
        row.update(created_by_id=user_id, updated_by_id=user_id, created_at=stamp, updated_at=stamp)
        items.append(row)
        wanted: dict[int, AssignmentRole] = {row["lead_unit_id"]: AssignmentRole.LEAD}
        for unit in co_units:
            if unit is None:
                continue
            if unit.id == row["lead_unit_id"]:
                raise ItemSaveError(position, f"“{unit.name}”已是牵头单位，不能同时作为协办单位。")
            wanted[unit.id] = AssignmentRole.CO
        for unit_id, role in wanted.items():
            share = _column_values(Assignment, {"unit_id": unit_id, "role": role, "deadline": row["deadline"]})
            share.update(status=AssignmentStatus.PENDING, created_at=stamp, updated_at=stamp, seq=seq)  # seq: the item
            shares.append(share)
    connection, last = session.connection(), first + len(entries) - 1
    insert_rows(connection, Item.__table__, items)
    ids = dict(
        connection.execute(select(Item.seq, Item.id).where(Item.year == year, Item.seq.between(first, last))).all()
    )
    for share in shares:
        share["item_id"] = ids[share.pop("seq")]
    insert_rows(connection, Assignment.__table__, shares)
    mine = set(ids.values())
    share_ids = {
        (item_id, unit_id): share_id
        for share_id, item_id, unit_id in connection.execute(
            select(Assignment.id, Assignment.item_id, Assignment.unit_id).where(
                Assignment.item_id.between(min(mine), max(mine))
            )
        )
        if item_id in mine
    }
    by_item: dict[int, list] = {}
    for share in shares:
        by_item.setdefault(share["item_id"], []).append(share)
    records = []
    for row in items:  # each item's row, then its shares', as the flush writes them
        item_id = ids[row["seq"]]
        records.append((Item, item_id, item_id, row))
        for share in by_item[item_id]:
            records.append((Assignment, share_ids[item_id, share["unit_id"]], item_id, share))
    record_created(session, records)
    return [ids[row["seq"]] for row in items]


_NO_VALUE = object()
_ROW_TEMPLATES: dict = {}


def _column_values(model, values: dict) -> dict:
    """A full row of a model's table for an executemany: the given attributes (a relationship's record as its key),
    the columns' Python defaults, None for the rest."""
    if model not in _ROW_TEMPLATES:
        mapper = inspect(model)
        template = {}
        for column in mapper.local_table.columns:
            if not column.primary_key:
                default = column.default
                template[column.key] = None if default is None else default.arg if default.is_scalar else _NO_VALUE
        foreign = {
            rel.key: next(iter(rel.local_columns)).key
            for rel in mapper.relationships
            if rel.direction.name == "MANYTOONE"
        }
        _ROW_TEMPLATES[model] = template, foreign
    template, foreign = _ROW_TEMPLATES[model]
    row = dict(template)
    for key, value in values.items():
        if key in foreign:
            row[foreign[key]] = None if value is None else value.id
        else:
            row[key] = value
    if _NO_VALUE in row.values():
        missing = [key for key, value in row.items() if value is _NO_VALUE]
        raise TypeError(f"{model.__name__}: no value for {', '.join(missing)}")
    return row


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
