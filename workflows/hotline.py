"""Hotline calls (便民公开电话): registered while on the phone, handed to a unit as an item, called back by the office.

A call is an ordinary item (source 便民公开电话) with one share; its caller, number, category and call-back sit in a
side row (HotlineCall). Registering assigns the share at once — the unit gets its 督查通知单 and link as for any item.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.assignment import Assignment
from models.hotline import DEFAULT_CATEGORIES, CallbackMethod, HotlineCall, HotlineCategory
from models.item import Item, ItemSource, ItemStatus, Satisfaction
from models.unit import Unit
from phone_numbers import PHONE
from workdays import WorkCalendar
from workflows.items import save_item
from workflows.lifecycle import TransitionError, actor_name, assign_item, record_answer

MAX_DAYS = 60
TITLE_CHARS = 40


@dataclass
class CallInput:
    """What the person on the phone types: when, who, which number, what kind, what they said, where it goes."""

    called_at: datetime
    caller: str
    phone: str
    category_id: int | None
    said: str
    unit_id: int | None
    days: int


def normalise_phone(text: str) -> str:
    """A phone number as stored and matched: digits only (a caller dialling from 0457-123 or 0457 123 is one)."""
    return re.sub(r"\D", "", text or "")


def ensure_categories(session: Session) -> list[HotlineCategory]:
    """The active categories, in order; the office's default list is written when there is none at all."""
    if session.scalar(select(func.count(HotlineCategory.id))) == 0:
        session.add_all(HotlineCategory(name=n, sort_order=i, active=True) for i, n in enumerate(DEFAULT_CATEGORIES, 1))
        session.flush()
    return session.scalars(
        select(HotlineCategory).where(HotlineCategory.active.is_(True)).order_by(HotlineCategory.sort_order)
    ).all()


def _title(category: HotlineCategory | None, said: str) -> str:
    text = " ".join(said.split())
    head = text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
    return f"【{category.name}】{head}" if category else head


def register_call(session: Session, data: CallInput, *, actor, now: datetime, calendar: WorkCalendar | None = None):
    """Register a call: its item (one share, deadline N working days from today) assigned at once; returns the call.

    Refuses (TransitionError, Chinese) a missing caller, a malformed number, an unknown unit or category, an empty
    matter or a deadline outside 1–60 working days.
    """
    caller, said, phone = (data.caller or "").strip(), (data.said or "").strip(), (data.phone or "").strip()
    if not caller:
        raise TransitionError("请填写来电人。")
    if not PHONE.match(phone) or len(normalise_phone(phone)) < 7:
        raise TransitionError("来电号码格式不正确，应为 7 位以上数字，可含区号和“-”。")
    if not said:
        raise TransitionError("请填写来电内容。")
    if not (isinstance(data.days, int) and 1 <= data.days <= MAX_DAYS):
        raise TransitionError(f"办理时限应为 1 到 {MAX_DAYS} 个工作日。")
    unit = session.get(Unit, data.unit_id) if data.unit_id else None
    if unit is None or not unit.active:
        raise TransitionError("请选择承办单位。")
    category = session.get(HotlineCategory, data.category_id) if data.category_id else None
    if data.category_id and category is None:
        raise TransitionError("来电类别不存在，请重新选择。")
    calendar = calendar or WorkCalendar.load(session)
    item = Item(
        title=_title(category, said),
        content=said,
        source=ItemSource.HOTLINE,
        lead_unit=unit,
        responsible_leader=unit.leader_in_charge,
        responsible_person=unit.head_name,
        deadline=calendar.add_working_days(china_date(now), data.days),
        three_checks=False,
        status=ItemStatus.REGISTERED,
    )
    save_item(session, item, [], actor=actor, now=now)
    call = HotlineCall(
        item=item,
        called_at=data.called_at or now,
        caller=caller[:50],
        phone=normalise_phone(phone),
        category=category,
        said=said,
    )
    session.add(call)
    session.flush()
    assign_item(session, item, actor=actor, now=now)
    return call


def record_callback(
    session: Session,
    call: HotlineCall,
    *,
    on: date,
    method: str,
    satisfaction: str,
    note: str,
    actor,
    now: datetime,
) -> None:
    """回访: the office calls the caller back (date, how, what was said, their satisfaction); this is the call's answer,
    so the item closes once its share is accepted."""
    item = call.item
    if item.status in (ItemStatus.REGISTERED, ItemStatus.CANCELLED):
        raise TransitionError(f"该来电事项当前为“{item.status.label}”，不能登记回访。")
    if call.callback_on is not None:
        raise TransitionError("该来电已登记回访。")
    if on is None or on > china_date(now):
        raise TransitionError("回访日期不能晚于今天。")
    if on < china_date(call.called_at):
        raise TransitionError("回访日期不能早于来电日期。")
    try:
        method_, satisfaction_ = CallbackMethod(method), Satisfaction(satisfaction)
    except ValueError as error:
        raise TransitionError("请选择回访方式和来电人满意度。") from error
    note = (note or "").strip()
    if not note:
        raise TransitionError("请填写回访情况（告知来电人的办理结果）。")
    call.callback_on, call.callback_method, call.callback_note = on, method_, note
    call.callback_by_name, call.satisfaction = actor_name(actor)[:50], satisfaction_
    record_step(session, "回访", call, f"{method_.label}，{satisfaction_.label}", now=now)
    record_answer(session, item, note, satisfaction_.value, actor=actor, now=now)


def earlier_calls(session: Session, call: HotlineCall, *, unit_id: int | None = None, limit: int = 20):
    """The same number's other calls, newest first; `unit_id` keeps only calls handled by that unit (a liaison)."""
    query = (
        select(HotlineCall)
        .join(Item, HotlineCall.item_id == Item.id)
        .where(HotlineCall.phone == call.phone, HotlineCall.id != call.id)
        .order_by(HotlineCall.called_at.desc(), HotlineCall.id.desc())
        .limit(limit)
    )
    if unit_id is not None:
        query = query.where(
            Item.id.in_(select(Assignment.item_id).where(Assignment.unit_id == unit_id)),
        )
    return session.scalars(query).all()


def hotline_counts(session: Session, year: int) -> dict:
    """A year's calls (China time of the call): total, by category, by satisfaction (未回访 for none), called back.

    For the year-in-numbers page: {"total": n, "by_category": {"信访": n, …}, "by_satisfaction": {"满意": n, …},
    "called_back": n}.
    """
    rows = session.execute(
        select(HotlineCategory.name, HotlineCall.satisfaction, HotlineCall.callback_on, HotlineCall.called_at)
        .outerjoin(HotlineCategory, HotlineCall.category_id == HotlineCategory.id)
        .where(extract("year", HotlineCall.called_at) >= year - 1, extract("year", HotlineCall.called_at) <= year + 1)
    ).all()
    rows = [r for r in rows if china_date(r.called_at).year == year]
    by_category = Counter(r.name or "未分类" for r in rows)
    by_satisfaction = Counter(r.satisfaction.label if r.satisfaction else "未回访" for r in rows)
    return {
        "total": len(rows),
        "by_category": dict(by_category),
        "by_satisfaction": dict(by_satisfaction),
        "called_back": sum(1 for r in rows if r.callback_on is not None),
    }
