"""Circulars (通报): the monthly one drafted by the sweep after the report day, the 通报批评 gathering a check day's
first-rung failures, and those a supervisor writes (通报批评, 进展通报, 通报表扬); each edited and sent by a person."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audit import record_step
from clock import CHINA, china_date
from formatting import period_text
from models.assignment import Assignment, AssignmentStatus
from models.escalation import Escalation
from models.item import Item, ItemStatus, Rhythm
from models.leader import BureauLeader
from models.notice import NoticeKind
from models.periodic import Circular, CircularEntry, CircularKind, CircularStatus
from models.unit import Unit
from outbox.mail import Recipient, render_text
from workdays import WorkCalendar
from workflows.deadlines import deadline_end
from workflows.lifecycle import TransitionError, actor_name
from workflows.notices import issue_notice, mail_notice
from workflows.periodic import month_label, report_day
from workflows.recipients import unit_contacts

LIVE = (ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS, ItemStatus.UNDER_REVIEW)


def owes_report(assignment: Assignment, due: date) -> bool:
    """A share owes the month's report when it was assigned before the report day, by which it was neither
    finished nor cancelled, and its deadline had not passed."""
    if assignment.status == AssignmentStatus.CANCELLED or assignment.assigned_at is None:
        return False
    if china_date(assignment.assigned_at) >= due or assignment.deadline < due:
        return False
    return not (assignment.accepted_at and assignment.accepted_at < deadline_end(due))


def circular_rows(session: Session, period: str, due: date) -> list[dict]:
    """For each open monthly item, each unit's report for `period` (or its absence) by the report day."""
    items = session.scalars(
        select(Item)
        .where(Item.rhythm == Rhythm.MONTHLY, Item.status.in_(LIVE))
        .options(
            selectinload(Item.assignments).selectinload(Assignment.feedbacks),
            selectinload(Item.assignments).joinedload(Assignment.unit),
        )
        .order_by(Item.year, Item.seq)
    ).all()
    end = deadline_end(due)
    rows = []
    for item in items:
        units = []
        for assignment in item.assignments:
            if not owes_report(assignment, due):
                continue
            reports = sorted((f for f in assignment.feedbacks if f.period == period), key=lambda f: f.submitted_at)
            on_time = [f for f in reports if f.submitted_at < end]
            latest = reports[-1] if reports else None
            units.append({"unit": assignment.unit, "report": latest, "on_time": bool(on_time)})
        if units:
            rows.append({"item": item, "units": units})
    return rows


def draft_monthly_circular(
    session: Session, year: int, month: int, calendar: WorkCalendar, *, now: datetime
) -> Circular | None:
    """Write the month's draft circular once, when there are monthly items to report on."""
    period = month_label(year, month)
    if session.scalar(select(Circular.id).where(Circular.kind == CircularKind.MONTHLY, Circular.period == period)):
        return None
    due = report_day(calendar, year, month)
    rows = circular_rows(session, period, due)
    if not rows:
        return None
    laggards = sorted({u["unit"].name for row in rows for u in row["units"] if not u["on_time"]})
    # 通报批评: units that received a 整改通知书 since the start of the month the reports are about
    since = datetime(year - 1, 12, 1, tzinfo=CHINA) if month == 1 else datetime(year, month - 1, 1, tzinfo=CHINA)
    criticised = session.scalars(
        select(Unit.name)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .join(Escalation, Escalation.assignment_id == Assignment.id)
        .where(Escalation.level == 1, Escalation.created_at >= since)
        .distinct()
    ).all()
    body = render_text(
        "circular_monthly.txt",
        {
            "period": period,
            "year": year,
            "month": month,
            "due": due,
            "rows": rows,
            "laggards": laggards,
            "criticised": sorted(criticised),
        },
    )
    circular = Circular(
        kind=CircularKind.MONTHLY,
        period=period,
        title=f"{year}年{month}月十项利民工程等重点事项进展情况通报",
        body=body,
        status=CircularStatus.DRAFT,
    )
    session.add(circular)
    session.flush()
    record_step(session, "生成月通报草稿", circular, period_text(period), now=now)
    return circular


CIRCULAR_NOTICE_KINDS = {
    CircularKind.MONTHLY: NoticeKind.MONTHLY_CIRCULAR,
    CircularKind.CRITICISM: NoticeKind.CRITICISM,
    CircularKind.PROGRESS: NoticeKind.PROGRESS,
    CircularKind.PRAISE: NoticeKind.PRAISE,
}


def circular_recipients(session: Session, circular: Circular, *, now: datetime) -> list[Recipient]:
    """Every active unit's contacts; a 通报批评, 进展通报 or 通报表扬 also goes to the bureau leaders."""
    units = session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)).all()
    recipients = [r for unit in units for r in unit_contacts(session, unit, on=china_date(now))]
    if circular.kind != CircularKind.MONTHLY:
        leaders = session.scalars(
            select(BureauLeader)
            .where(BureauLeader.active.is_(True), BureauLeader.email.is_not(None))
            .order_by(BureauLeader.sort_order, BureauLeader.id)
        ).all()
        recipients += [Recipient(leader.email, leader.name) for leader in leaders]
    return recipients


def circular_addressee(circular: Circular) -> str:
    """主送: 各单位 for the monthly circular; 各单位、局领导 for the others (the leaders receive them too)."""
    return "各单位" if circular.kind == CircularKind.MONTHLY else "各单位、局领导"


def send_circular(session: Session, circular: Circular, *, actor, now: datetime):
    """Issue the edited circular with the next number of its kind and e-mail it to every active unit (and, but for
    the monthly one, to the bureau leaders)."""
    name = circular.kind.label
    if circular.status != CircularStatus.DRAFT:
        raise TransitionError(f"该{name}已发送，不能重复发送。")
    if not (circular.body or "").strip():
        raise TransitionError(f"{name}正文不能为空。")
    notice = issue_notice(
        session,
        CIRCULAR_NOTICE_KINDS[circular.kind],
        title=circular.title,
        addressee=circular_addressee(circular),
        body=circular.body,
        now=now,
        issued_by=actor_name(actor),
    )
    recipients = circular_recipients(session, circular, now=now)
    mail_notice(session, notice, template="circular", context={"circular": circular}, recipients=recipients, now=now)
    circular.status, circular.sent_at, circular.notice_id = CircularStatus.SENT, now, notice.id
    record_step(session, f"发送{name}", circular, notice.number, now=now)
    session.flush()
    return notice


def edit_circular(session: Session, circular: Circular, *, title: str, body: str, actor, now: datetime) -> None:
    """A supervisor edits a draft circular (from then on, units added to it are appended, not re-rendered)."""
    if circular.status != CircularStatus.DRAFT:
        raise TransitionError(f"该{circular.kind.label}已发送，不能再修改。")
    if not (title or "").strip() or not (body or "").strip():
        raise TransitionError("标题和正文不能为空。")
    circular.title, circular.body, circular.edited_at = title.strip()[:200], body.strip(), now
    record_step(session, f"修改{circular.kind.label}", circular, circular.title, now=now)
    session.flush()


def criticism_title(day: date) -> str:
    """The title of a check day's 通报批评."""
    return f"关于{day.year}年{day.month}月{day.day}日督查不合格单位的通报批评"


def render_entries(circular: Circular) -> str:
    """A circular's text from its entries (the units named, their items and grounds)."""
    template = "circular_criticism.txt" if circular.kind == CircularKind.CRITICISM else "circular_adhoc.txt"
    return render_text(template, {"circular": circular, "entries": circular.entries, "kind": circular.kind})


def name_in_criticism(session: Session, escalation: Escalation, *, now: datetime) -> Circular:
    """Put the unit of a first-rung failure in its check day's draft 通报批评 (created on the first failure), so
    no 整改通知书 goes out without its unit in a 通报批评 draft."""
    day = escalation.round_date
    circular = session.scalar(
        select(Circular).where(
            Circular.kind == CircularKind.CRITICISM,
            Circular.check_day == day,
            Circular.status == CircularStatus.DRAFT,
        )
    )
    if circular is None:
        circular = Circular(
            kind=CircularKind.CRITICISM, check_day=day, title=criticism_title(day), body="", status=CircularStatus.DRAFT
        )
        session.add(circular)
    assignment = escalation.assignment
    entry = CircularEntry(
        circular=circular,
        unit_id=assignment.unit_id,
        item_id=assignment.item_id,
        escalation_id=escalation.id,
        ground=escalation.grounds,
    )
    session.add(entry)
    session.flush()
    session.refresh(circular, ["entries"])
    if circular.edited_at is None:
        circular.body = render_entries(circular)
    else:
        circular.body += (
            f"\n{assignment.unit.name}：{assignment.item.title}（{assignment.item.number}），{entry.ground}。"
        )
    record_step(session, "列入通报批评草稿", assignment, circular.title, now=now)
    session.flush()
    return circular


def write_circular(
    session: Session,
    kind: CircularKind,
    *,
    title: str,
    units: list[Unit],
    items: list[Item],
    ground: str,
    actor,
    now: datetime,
) -> Circular:
    """A supervisor writes a 通报 (通报批评, 进展通报 or 通报表扬) naming units and items; it is drafted for editing."""
    if kind == CircularKind.MONTHLY:
        raise TransitionError("月通报由系统每月生成。")
    if not (title or "").strip():
        raise TransitionError("请填写通报标题。")
    if not units:
        raise TransitionError("请至少选择一个单位。")
    circular = Circular(kind=kind, title=title.strip()[:200], body="", status=CircularStatus.DRAFT)
    session.add(circular)
    item_by_unit = {a.unit_id: item for item in items for a in item.assignments}
    for unit in units:
        item = item_by_unit.get(unit.id) or (items[0] if len(items) == 1 else None)
        session.add(
            CircularEntry(
                circular=circular,
                unit_id=unit.id,
                item_id=item.id if item is not None else None,
                ground=(ground or "").strip()[:300] or None,
            )
        )
    session.flush()
    session.refresh(circular, ["entries"])
    circular.body = render_entries(circular)
    record_step(session, f"起草{kind.label}", circular, circular.title, now=now)
    session.flush()
    return circular


def circular_due(calendar: WorkCalendar, today: date) -> tuple[int, int] | None:
    """(year, month) when today is on or after the working day following this month's report day."""
    due = report_day(calendar, today.year, today.month)
    if today >= calendar.add_working_days(due, 1):
        return today.year, today.month
    return None
