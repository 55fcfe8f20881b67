"""Instructions from above: the report back upward (上报) is a tracked step with its own deadline (上报时限).

The supervisor is reminded before the deadline and on the day (from the sweep, once per reminder day, however often
it runs); a report is shown late when it came after the deadline; the item cannot close before it is reported
(workflows/lifecycle.refresh_item_status asks `awaits_upward_report`).
"""

import hashlib
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from audit import record_step
from clock import china_date
from models.item import OPEN_ITEM_STATUSES, Item, ItemSource, ItemStatus
from models.upward import HigherInstruction, SourceFile
from models.user import Role, User
from outbox.mail import Recipient, queue_mail
from outbox.public_address import public_url
from workdays import WorkCalendar
from workflows.lifecycle import TransitionError, actor_name, refresh_item_status
from workflows.rules import rules

REMINDER_HORIZON_DAYS = 31  # calendar days ahead of today within which an upward deadline may have a reminder due


def store_source_file(session: Session, upload, upload_dir: Path | None = None) -> SourceFile:
    """Keep an uploaded file (workflows.feedback.Upload) in the database, in the same transaction as its step
    (`upload_dir` is no longer used: files live in the database, see file_store.py)."""
    stored = f"{uuid.uuid4().hex}{Path(upload.filename).suffix.lower()[:10]}"
    record = SourceFile(
        content=upload.data,
        filename=Path(upload.filename).name[:200],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        stored_name=stored,
    )
    session.add(record)
    session.flush()
    return record


def check_record(record: HigherInstruction) -> None:
    """Refuse (ValueError, Chinese) a record whose dates do not hold together."""
    if record.item is not None and record.item.source != ItemSource.HIGHER_INSTRUCTION:
        raise ValueError("只有“上级转来的领导批示件”才登记来文和上报时限。")
    if not (record.issuing_body or "").strip():
        raise ValueError("请填写来文单位。")
    if record.received_on and record.report_due and record.report_due < record.received_on:
        raise ValueError("上报时限不能早于收文日期。")


def awaits_upward_report(session: Session, item: Item) -> bool:
    """True when the item came from above with an upward deadline and nothing has been reported yet."""
    if item.source != ItemSource.HIGHER_INSTRUCTION or item.id is None:
        return False
    return (
        session.scalar(
            select(HigherInstruction.id).where(
                HigherInstruction.item_id == item.id, HigherInstruction.reported_on.is_(None)
            )
        )
        is not None
    )


def report_upward(
    session: Session,
    record: HigherInstruction,
    *,
    on: date,
    text: str,
    upload=None,
    upload_dir: Path | None = None,
    actor,
    now: datetime,
) -> None:
    """上报: the result reported back upward (date, text, an optional file, who sent it); the item may then close."""
    item = record.item
    if record.reported_on is not None:
        raise TransitionError("该批示件已登记上报。")
    if item.status in (ItemStatus.REGISTERED, ItemStatus.CANCELLED):
        raise TransitionError(f"事项当前为“{item.status.label}”，不能登记上报。")
    if on is None or on > china_date(now):
        raise TransitionError("上报日期不能晚于今天。")
    if on < record.received_on:
        raise TransitionError("上报日期不能早于收文日期。")
    text = (text or "").strip()
    if not text:
        raise TransitionError("请填写上报内容。")
    if upload is not None:
        record.report_file = store_source_file(session, upload, upload_dir)
    record.reported_on, record.report_text = on, text
    record.reported_by_name, record.reported_at = actor_name(actor)[:50], now
    late = "（逾期上报）" if record.reported_late else ""
    record_step(session, "上报", record, f"{on.isoformat()}上报{late}：{text[:40]}", now=now)
    refresh_item_status(session, item, now=now)
    session.flush()


def reminder_days(record: HigherInstruction, calendar: WorkCalendar) -> list[date]:
    """The days the supervisor is reminded of an upward deadline: N working days before (as for units), and the day
    (the working day before it, when it falls on a holiday)."""
    days = [calendar.add_working_days(record.report_due, -n) for n in rules().reminder_days_before]
    due = (
        record.report_due
        if calendar.is_workday(record.report_due)
        else calendar.add_working_days(record.report_due, -1)
    )
    days.append(due)
    received = record.received_on
    return sorted({d for d in days if d >= received})


def supervisors_to_remind(session: Session, item: Item) -> list[Recipient]:
    """Who is reminded: the supervisor who registered the item, or (when they cannot be) every active supervisor."""
    creator = item.created_by
    if creator is not None and creator.active and creator.email and creator.role in (Role.SUPERVISOR, Role.ADMIN):
        return [Recipient(creator.email, str(creator))]
    users = session.scalars(
        select(User)
        .where(User.role == Role.SUPERVISOR, User.active.is_(True), User.email.is_not(None))
        .order_by(User.id)
    ).all()
    return [Recipient(u.email, str(u)) for u in users]


def remind_upward_reports(session: Session, calendar: WorkCalendar, *, now: datetime) -> int:
    """Remind the supervisor of each upward deadline that a reminder day has reached (once per day; after downtime
    only the latest); returns how many reminders were queued."""
    today = china_date(now)
    records = session.scalars(
        select(HigherInstruction)
        .join(Item, HigherInstruction.item_id == Item.id)
        .where(
            HigherInstruction.reported_on.is_(None),
            HigherInstruction.report_due >= today - timedelta(days=REMINDER_HORIZON_DAYS),
            HigherInstruction.report_due <= today + timedelta(days=REMINDER_HORIZON_DAYS),
            Item.status.in_(OPEN_ITEM_STATUSES),
        )
        .options(joinedload(HigherInstruction.item).joinedload(Item.created_by))
        .order_by(HigherInstruction.report_due, HigherInstruction.id)
    ).all()
    sent = 0
    for record in records:
        ready = [d for d in reminder_days(record, calendar) if d <= today]
        if not ready or (record.last_reminded_on is not None and ready[-1] <= record.last_reminded_on):
            continue
        slot = ready[-1]
        record.last_reminded_on = slot
        queue_mail(
            session,
            kind="upward_reminder",
            template="upward_reminder",
            context={
                "item": record.item,
                "record": record,
                "due_today": slot >= record.report_due,
                "link": f"{public_url()}/admin/higher_instruction/details/?id={record.id}",
            },
            recipients=supervisors_to_remind(session, record.item),
            now=now,
            dedupe_key=f"upward:{record.id}:{slot.isoformat()}",
            item_id=record.item_id,
        )
        sent += 1
    session.flush()
    return sent


def pending_upward_reports(session: Session, *, limit: int = 20) -> list[HigherInstruction]:
    """Upward reports not yet made, nearest deadline first (for the dashboard: shown until reported)."""
    return session.scalars(
        select(HigherInstruction)
        .join(Item, HigherInstruction.item_id == Item.id)
        .where(HigherInstruction.reported_on.is_(None), Item.status != ItemStatus.CANCELLED)
        .options(joinedload(HigherInstruction.item))
        .order_by(HigherInstruction.report_due, HigherInstruction.id)
        .limit(limit)
    ).all()


def upward_reports_on_time(session: Session, year: int, *, today: date) -> dict:
    """A year's upward deadlines (by 上报时限's year): {"due", "reported", "on_time", "late", "outstanding"};
    `late` counts reports after the deadline and deadlines passed unreported; `outstanding` those still ahead."""
    records = session.scalars(
        select(HigherInstruction)
        .join(Item, HigherInstruction.item_id == Item.id)
        .where(
            HigherInstruction.report_due >= date(year, 1, 1),
            HigherInstruction.report_due <= date(year, 12, 31),
            Item.status != ItemStatus.CANCELLED,
        )
    ).all()
    reported = [r for r in records if r.reported_on is not None]
    on_time = [r for r in reported if not r.reported_late]
    overdue = [r for r in records if r.reported_on is None and today > r.report_due]
    return {
        "due": len(records),
        "reported": len(reported),
        "on_time": len(on_time),
        "late": len(reported) - len(on_time) + len(overdue),
        "outstanding": len(records) - len(reported) - len(overdue),
    }
