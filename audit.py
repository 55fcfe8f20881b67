"""The audit trail (留痕): every create, change and delete of an audited model, and every workflow step."""

from datetime import date, datetime
from functools import cache

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import PassiveFlag
from sqlalchemy.orm.util import identity_key

from bulk import insert_rows
from clock import CHINA
from formatting import period_text
from models.audit import AuditEvent
from models.base import Base, LabeledEnum, Timestamped

SYSTEM_ACTOR = "系统"
MAX_VALUE_CHARS = 60


class NoMomentError(RuntimeError):
    """A session flushed audited or timestamped changes before its edge said when they happen (see `act_as`)."""


def session_now(session: Session) -> datetime:
    """The moment the session's work happens at, as set by `act_as` at the edge (view, command, timer)."""
    now = session.info.get("now")
    if now is None:
        raise NoMomentError(
            "this session has no `now`: call audit.act_as(session, actor, now=...) where the work starts"
        )
    return now


def session_actor(session: Session) -> tuple[int | None, str]:
    """Who the session acts for, as set by `act_as`: a user, a name, or — when nobody was named — the system."""
    actor = session.info.get("actor")
    if actor is None:
        return None, SYSTEM_ACTOR
    if isinstance(actor, str):
        return None, actor
    return actor.id, str(actor)


def act_as(session: Session, actor, *, now: datetime) -> None:
    """Make later flushes of this session record `actor` (a User, a name, or None for the system) at time `now`."""
    session.info["actor"] = actor
    session.info["now"] = now


def record_step(session: Session, action: str, target, summary: str = "", *, now: datetime) -> None:
    """Record a workflow step (交办, 审核, 催办…) on a record in the audit trail."""
    actor_id, actor_name = session_actor(session)
    session.add(
        AuditEvent(
            at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            action=action,
            entity=target.__tablename__,
            entity_id=target.id,
            item_id=_item_id_of(target),
            summary=summary,
        )
    )


def _item_id_of(obj) -> int | None:
    """The item an audited record belongs to, so the item's page can show its whole trail."""
    if obj.__tablename__ == "item":
        return obj.id
    if hasattr(obj, "item_id"):
        return obj.item_id
    assignment = getattr(obj, "assignment", None)
    return assignment.item_id if assignment is not None else None


PERIOD_COLUMNS = {"period", "campaign"}  # keys like 2026Q3 and 2026-H2, written 2026年第三季度 and 2026年下半年


def _format_value(session: Session, column, value) -> str:
    """A short human-readable rendering of a column value for the summary."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, LabeledEnum):
        return value.label
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None and issubclass(enum_class, LabeledEnum):
        return enum_class.label_of(value)  # a raw value set by a form or an import
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if column.foreign_keys:
        for class_ in _mapped_classes(next(iter(column.foreign_keys)).column.table):
            related = session.identity_map.get(identity_key(class_, value))
            if related is not None:
                return str(related)
    if column.key in PERIOD_COLUMNS:
        return period_text(value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


@cache
def _mapped_classes(table) -> tuple[type, ...]:
    """The classes mapped to a table (the records a foreign key refers to), found once per table."""
    return tuple(mapper.class_ for mapper in Base.registry.mappers if mapper.local_table is table)


def _audited_columns(obj) -> list:
    """The mapped columns of obj that go into summaries, as (attribute, column) pairs in the mapper's order."""
    return _audited_columns_of(type(obj))


def _is_modified(obj) -> bool:
    """Session.is_modified(obj, include_collections=False), reading only the attributes changed since the last
    flush (the others have no history): a sweep flushes a hundred changed shares, each with dozens of attributes."""
    state = inspect(obj)
    if not state.modified:
        return False
    for key in state.committed_state:
        impl = state.manager[key].impl
        if hasattr(impl, "get_collection") or not hasattr(impl, "get_history"):
            continue
        added, _unchanged, deleted = impl.get_history(state, state.dict, passive=PassiveFlag.NO_CHANGE)
        if added or deleted:
            return True
    return False


def _summarise_new(session, obj) -> str:
    parts = []
    for attr, column in _audited_columns(obj):
        value = getattr(obj, attr.key)
        if value not in (None, ""):
            parts.append(f"{column.info['label']}：{_format_value(session, column, value)}")
    return "；".join(parts)


def _summarise_changes(session, obj) -> str:
    state = inspect(obj)
    changed = state.committed_state  # an attribute without an entry here has no history
    parts = []
    for attr, column in _audited_columns(obj):
        if attr.key not in changed:
            continue
        history = state.get_history(attr.key, PassiveFlag.PASSIVE_NO_INITIALIZE)
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        parts.append(
            f"{column.info['label']}：{_format_value(session, column, old)} → {_format_value(session, column, new)}"
        )
    return "；".join(parts)


def _before_flush(session: Session, flush_context, instances) -> None:
    """Fill created/updated timestamps from the session's `now`."""
    for obj in session.new:
        if isinstance(obj, Timestamped):
            now = session_now(session)
            obj.created_at = obj.created_at or now
            obj.updated_at = obj.updated_at or now
    for obj in session.dirty:
        if isinstance(obj, Timestamped) and _is_modified(obj):
            obj.updated_at = session_now(session)


def _after_flush(session: Session, flush_context) -> None:
    """Write one audit row per created, changed or deleted audited record, in the same transaction."""
    changes = []
    for obj in session.new:
        if getattr(obj, "__audit__", False):
            changes.append((obj, "新建", _summarise_new(session, obj)))
    for obj in session.dirty:
        if getattr(obj, "__audit__", False) and _is_modified(obj):
            summary = _summarise_changes(session, obj)
            if summary:
                changes.append((obj, "修改", summary))
    for obj in session.deleted:
        if getattr(obj, "__audit__", False):
            changes.append((obj, "删除", str(obj)))
    if not changes:
        return
    now = session_now(session)
    actor_id, actor_name = session_actor(session)
    rows = [
        {
            "at": now,
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": action,
            "entity": obj.__tablename__,
            "entity_id": obj.id,
            "item_id": _item_id_of(obj),
            "summary": summary,
        }
        for obj, action, summary in changes
    ]
    session.connection().execute(insert(AuditEvent), rows)


def record_created(session: Session, records: list[tuple[type, int, int | None, dict]]) -> None:
    """Write the 新建 rows of records inserted in bulk, without the ORM, in one executemany: the same rows the flush
    listener writes for them. Each record is (model, id, item id, column values)."""
    if not records:
        return
    now = session_now(session)
    actor_id, actor_name = session_actor(session)
    parts, columns = {}, {}
    rows = []
    for model, entity_id, item_id, values in records:
        if model not in columns:
            columns[model] = [(attr.key, column) for attr, column in _audited_columns_of(model)]
        summary = []
        for key, column in columns[model]:
            value = values.get(key)
            if value is None or value == "":
                continue
            part = parts.get((model, key, value))  # once per distinct value (a foreign key's: a look-up)
            if part is None:
                part = parts[model, key, value] = f"{column.info['label']}：{_format_value(session, column, value)}"
            summary.append(part)
        rows.append(
            {
                "at": now,
                "actor_id": actor_id,
                "actor_name": actor_name,
                "action": "新建",
                "entity": model.__tablename__,
                "entity_id": entity_id,
                "item_id": item_id,
                "summary": "；".join(summary),
            }
        )
    insert_rows(session.connection(), AuditEvent.__table__, rows)


@cache
def _audited_columns_of(model) -> list:
    """The mapped columns of a model class that go into summaries (labelled, not excluded), as (attribute, column)
    pairs in the mapper's order; worked out once per class (also for records written without the ORM)."""
    excluded = set(getattr(model, "__audit_exclude__", ())) | {"created_at", "updated_at", "id"}
    return [
        (attr, attr.columns[0])
        for attr in inspect(model).column_attrs
        if attr.key not in excluded and "label" in attr.columns[0].info
    ]


def register_audit_listeners(session_class) -> None:
    """Attach the audit trail to a session class (idempotent)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)
