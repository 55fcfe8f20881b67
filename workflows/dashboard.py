"""Figures for the home page: items by status and source, this week's deadlines, overdue assignments."""

from datetime import UTC, date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.check import CheckState, SupervisionCheck
from models.escalation import Escalation
from models.extension import ExtensionRequest, ExtensionStatus
from models.feedback import Feedback, ReviewStatus
from models.item import Item, ItemSource, ItemStatus
from models.notice import Notice, NoticeStatus
from models.outbox import OutboxMessage, OutboxStatus
from models.periodic import Circular, CircularStatus, SweepRun
from models.roster import Confirmation, CorrectionStatus
from outbox.public_address import public_url
from workdays import WorkCalendar, calendar_warnings
from workflows.sanctions import awaiting_decision

LIST_LIMIT = 20


def working_week(today: date) -> tuple[date, date]:
    """The week 本周到期 covers, Monday to Sunday: this one on a working day, the coming one at the weekend
    (on Saturday and Sunday the office looks at the week ahead, not the one that is ending)."""
    monday = today - timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += timedelta(days=7)
    return monday, monday + timedelta(days=6)


def dashboard_figures(session: Session, *, today: date, unit_id: int | None = None) -> dict:
    """Counts and short lists for the dashboard; `unit_id` limits everything to one unit (a liaison's view)."""
    items = select(Item.status, func.count()).group_by(Item.status)
    sources = select(Item.source, func.count()).group_by(Item.source)
    if unit_id is not None:
        mine = select(Assignment.item_id).where(Assignment.unit_id == unit_id)
        items = items.where(Item.id.in_(mine))
        sources = sources.where(Item.id.in_(mine))
    by_status = dict(session.execute(items).all())
    by_source = dict(session.execute(sources).all())

    week_start, week_end = working_week(today)
    open_assignments = Assignment.status.in_(OPEN_ASSIGNMENT_STATUSES)
    scope = [Assignment.unit_id == unit_id] if unit_id is not None else []

    def assignments(*conditions, order):
        query = (
            select(Assignment)
            .where(open_assignments, *scope, *conditions)
            .options(selectinload(Assignment.item), selectinload(Assignment.unit))
            .order_by(*order)
            .limit(LIST_LIMIT)
        )
        count = select(func.count()).select_from(Assignment).where(open_assignments, *scope, *conditions)
        return session.scalars(query).all(), session.scalar(count)

    due_this_week, due_this_week_total = assignments(
        Assignment.deadline >= today, Assignment.deadline <= week_end, order=[Assignment.deadline, Assignment.id]
    )
    overdue, overdue_total = assignments(
        Assignment.overdue_condition(today), order=[Assignment.deadline, Assignment.id]
    )
    return {
        "by_status": [(status, by_status.get(status, 0)) for status in ItemStatus],
        "by_source": [(source, by_source.get(source, 0)) for source in ItemSource],
        "item_total": sum(by_status.values()),
        "week": (week_start, week_end),
        "due_this_week": due_this_week,
        "due_this_week_total": due_this_week_total,
        "overdue": overdue,
        "overdue_total": overdue_total,
        "today": today,
    }


def office_alerts(session: Session, *, today: date) -> dict:
    """What needs the office's attention: reviews, extension requests, checks to decide, mail, drafts, the calendar,
    the sweep."""

    def count(model, *conditions):
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    row = session.execute(
        select(
            count(Feedback, Feedback.review_status == ReviewStatus.PENDING).label("reviews"),
            count(ExtensionRequest, ExtensionRequest.status == ExtensionStatus.PENDING).label("extensions"),
            count(SupervisionCheck, SupervisionCheck.state == CheckState.DUE).label("due_checks"),
            count(OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED).label("failed_mail"),
            count(OutboxMessage, OutboxMessage.status == OutboxStatus.QUEUED).label("queued_mail"),
            count(Circular, Circular.status == CircularStatus.DRAFT).label("draft_circulars"),
            count(Notice, Notice.status == NoticeStatus.DRAFT).label("draft_notices"),
            count(Escalation, awaiting_decision()).label("awaiting_decision"),
            count(Confirmation, Confirmation.correction_status == CorrectionStatus.PENDING).label("corrections"),
            select(func.max(SweepRun.started_at)).scalar_subquery().label("last_sweep"),
        )
    ).one()
    alerts = dict(row._mapping)
    if alerts["last_sweep"] is not None and alerts["last_sweep"].tzinfo is None:
        alerts["last_sweep"] = alerts["last_sweep"].replace(tzinfo=UTC)  # SQLite returns the raw UTC text
    alerts["calendar"] = calendar_warnings(WorkCalendar.load(session), today)
    alerts["other_links"] = mail_with_other_links(session, current=public_url())
    return alerts


def leader_alerts(session: Session) -> dict:
    """What waits on the bureau leaders: the 提请追责 submitted for their decision."""
    waiting = select(func.count()).select_from(Escalation).where(awaiting_decision())
    return {"awaiting_decision": session.scalar(waiting)}


def mail_with_other_links(session: Session, *, current: str) -> dict:
    """Unsent mail whose links point to another address than `current` (this server's): how many, and where to."""
    unsent = OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING))
    other = OutboxMessage.public_url.is_not(None) & (OutboxMessage.public_url != current)
    rows = session.execute(
        select(OutboxMessage.public_url, func.count())
        .where(unsent, other)
        .group_by(OutboxMessage.public_url)
        .order_by(func.count().desc())
    ).all()
    return {"count": sum(n for _, n in rows), "urls": [url for url, _ in rows[:3]], "current": current}
