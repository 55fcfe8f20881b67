"""The monthly circular (月通报): drafted by the sweep after the report day, edited and sent by a supervisor."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audit import record_step
from clock import CHINA, china_date
from formatting import period_text
from models.assignment import Assignment, AssignmentStatus
from models.escalation import Escalation
from models.item import Item, ItemStatus, Rhythm
from models.notice import NoticeKind
from models.periodic import Circular, CircularStatus
from models.unit import Unit
from outbox.mail import render_text
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
    if session.scalar(select(Circular.id).where(Circular.period == period)) is not None:
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
        period=period,
        title=f"{year}年{month}月十项利民工程等重点事项进展情况通报",
        body=body,
        status=CircularStatus.DRAFT,
    )
    session.add(circular)
    session.flush()
    record_step(session, "生成月通报草稿", circular, period_text(period), now=now)
    return circular


def send_circular(session: Session, circular: Circular, *, actor, now: datetime):
    """Issue the edited circular as a 月通报 and e-mail it to every active unit."""
    if circular.status != CircularStatus.DRAFT:
        raise TransitionError("该月通报已发送，不能重复发送。")
    if not (circular.body or "").strip():
        raise TransitionError("月通报正文不能为空。")
    notice = issue_notice(
        session,
        NoticeKind.MONTHLY_CIRCULAR,
        title=circular.title,
        addressee="各单位",
        body=circular.body,
        now=now,
        issued_by=actor_name(actor),
    )
    units = session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)).all()
    recipients = [r for unit in units for r in unit_contacts(session, unit, on=china_date(now))]
    mail_notice(session, notice, template="circular", context={"circular": circular}, recipients=recipients, now=now)
    circular.status, circular.sent_at, circular.notice_id = CircularStatus.SENT, now, notice.id
    record_step(session, "发送月通报", circular, notice.number, now=now)
    session.flush()
    return notice


def circular_due(calendar: WorkCalendar, today: date) -> tuple[int, int] | None:
    """(year, month) when today is on or after the working day following this month's report day."""
    due = report_day(calendar, today.year, today.month)
    if today >= calendar.add_working_days(due, 1):
        return today.year, today.month
    return None
