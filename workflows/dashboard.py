"""Figures for the home page: items by status and source, this and next week's deadlines, overdue shares, each unit's
light, and the last twelve months in charts — at a cost that does not grow with the tables."""

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session, aliased, selectinload

from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus
from models.check import CheckState, SupervisionCheck
from models.escalation import Escalation
from models.extension import ExtensionRequest, ExtensionStatus
from models.feedback import Feedback, ReviewStatus
from models.item import Item, ItemSource, ItemStatus
from models.notice import Notice, NoticeStatus
from models.outbox import OutboxMessage, OutboxStatus
from models.periodic import Circular, CircularStatus, SweepRun
from models.roster import Confirmation, CorrectionStatus
from models.sql_dates import china_day, china_midnight, china_month
from models.tally import ItemTally, OpenShareTally
from models.unit import Unit, UnitKind
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


def open_shares(*conditions, limit: int = LIST_LIMIT):
    """The ids of the first `limit` open shares meeting `conditions`, by deadline: one short index range per open
    status (status, deadline), merged — never a sort of every open share."""
    parts = [
        select(Assignment.id.label("id"), Assignment.deadline.label("deadline"))
        .where(Assignment.status == status, *conditions)
        .order_by(Assignment.deadline, Assignment.id)
        .limit(limit)
        .subquery()
        for status in OPEN_ASSIGNMENT_STATUSES
    ]
    merged = union_all(*(select(part.c.id, part.c.deadline) for part in parts)).subquery()
    return select(merged.c.id).order_by(merged.c.deadline, merged.c.id).limit(limit)


def dashboard_figures(session: Session, *, today: date, unit_id: int | None = None) -> dict:
    """Counts and short lists for the dashboard; `unit_id` limits everything to one unit (a liaison's view).

    The office's counts come from the tallies (models/tally.py) and the lists from short index ranges, so the
    page costs the same whatever the tables hold; a liaison's come from their unit's rows.
    """
    week_start, week_end = working_week(today)
    next_start, next_end = week_start + timedelta(days=7), week_end + timedelta(days=7)
    if unit_id is None:
        by_status, by_source, totals = _office_counts(session, today, (week_start, week_end), (next_start, next_end))
        scope = []
    else:
        by_status, by_source, totals = _unit_counts(session, unit_id, today, (week_end, next_end))
        scope = [Assignment.unit_id == unit_id]

    lists = {
        "due_this_week": open_shares(Assignment.deadline >= today, Assignment.deadline <= week_end, *scope),
        "due_next_week": open_shares(Assignment.deadline >= next_start, Assignment.deadline <= next_end, *scope),
        "overdue": open_shares(Assignment.deadline < today, *scope),
    }
    ids = {name: session.scalars(query).all() for name, query in lists.items()}
    wanted = {i for chosen in ids.values() for i in chosen}
    loaded = {
        a.id: a
        for a in session.scalars(
            select(Assignment)
            .where(Assignment.id.in_(wanted or [0]))
            .options(selectinload(Assignment.item), selectinload(Assignment.unit))
        )
    }
    return {
        "by_status": [(status, by_status.get(status, 0)) for status in ItemStatus],
        "by_source": [(source, by_source.get(source, 0)) for source in ItemSource],
        "item_total": sum(by_status.values()),
        "week": (week_start, week_end),
        "next_week": (next_start, next_end),
        **{name: [loaded[i] for i in chosen] for name, chosen in ids.items()},
        "due_this_week_total": totals["this_week"],
        "due_next_week_total": totals["next_week"],
        "overdue_total": totals["overdue"],
        "today": today,
    }


def _office_counts(session: Session, today: date, week: tuple[date, date], next_week: tuple[date, date]):
    """Items by status and source, and open shares due this week, next week and overdue, read from the tallies."""
    tally = session.execute(select(ItemTally.status, ItemTally.source, ItemTally.n).where(ItemTally.n != 0)).all()
    by_status, by_source = {}, {}
    for status, source, n in tally:
        by_status[ItemStatus(status)] = by_status.get(ItemStatus(status), 0) + n
        by_source[ItemSource(source)] = by_source.get(ItemSource(source), 0) + n

    def due(*conditions):
        return select(func.coalesce(func.sum(OpenShareTally.n), 0)).where(*conditions).scalar_subquery()

    row = session.execute(
        select(
            due(OpenShareTally.deadline >= today, OpenShareTally.deadline <= week[1]).label("this_week"),
            due(OpenShareTally.deadline >= next_week[0], OpenShareTally.deadline <= next_week[1]).label("next_week"),
            due(OpenShareTally.deadline < today).label("overdue"),
        )
    ).one()
    return by_status, by_source, dict(row._mapping)


def _unit_counts(session: Session, unit_id: int, today: date, week_ends: tuple[date, date]):
    """A liaison's unit: its items by status and source, and its open shares due this week, next week, overdue."""
    mine = select(Assignment.item_id).where(Assignment.unit_id == unit_id)
    rows = session.execute(
        select(Item.status, Item.source, func.count()).where(Item.id.in_(mine)).group_by(Item.status, Item.source)
    ).all()
    by_status, by_source = {}, {}
    for status, source, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        by_source[source] = by_source.get(source, 0) + n
    week_end, next_end = week_ends
    open_share = (Assignment.unit_id == unit_id) & Assignment.status.in_(OPEN_ASSIGNMENT_STATUSES)

    def count(*conditions):
        return select(func.count()).select_from(Assignment).where(open_share, *conditions).scalar_subquery()

    row = session.execute(
        select(
            count(Assignment.deadline >= today, Assignment.deadline <= week_end).label("this_week"),
            count(Assignment.deadline > week_end, Assignment.deadline <= next_end).label("next_week"),
            count(Assignment.deadline < today).label("overdue"),
        )
    ).one()
    return by_status, by_source, dict(row._mapping)


# A unit's light: red when a share is overdue or the unit reached a rung (整改通知书, 黄牌警告, 提请追责) this quarter;
# yellow when a share falls due within DUE_SOON_WORKING_DAYS working days or a report awaits review; green otherwise.
DUE_SOON_WORKING_DAYS = 3
RED, YELLOW, GREEN = "red", "yellow", "green"
LIGHT_LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯"}


@dataclass(frozen=True)
class UnitLight:
    """One unit's light and why."""

    unit_id: int
    name: str
    kind: UnitKind
    mine: bool  # the signed-in leader is in charge of it (分管), or the signed-in supervisor (分包)
    light: str
    reasons: tuple[str, ...]


def quarter_start(today: date) -> date:
    """The first day of `today`'s quarter."""
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)


def unit_lights(
    session: Session,
    *,
    today: date,
    calendar: WorkCalendar,
    leader_id: int | None = None,
    supervisor_id: int | None = None,
) -> list[UnitLight]:
    """Every active unit's light, in one statement of index probes per unit (units in the charge of `leader_id`
    (分管) or of `supervisor_id` (分包) first)."""
    due_by = calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)
    share = aliased(Assignment)

    def open_share(*conditions):
        return (
            select(share.id)
            .where(share.unit_id == Unit.id, share.status.in_(OPEN_ASSIGNMENT_STATUSES), *conditions)
            .exists()
        )

    # units with a rung this quarter or a report awaiting review: each found once from its own short index range
    # (escalations by date, reports by review status), not by walking every unit's shares
    rung = Unit.id.in_(
        select(share.unit_id)
        .join_from(Escalation, share, share.id == Escalation.assignment_id)
        .where(Escalation.round_date >= quarter_start(today), Escalation.round_date <= today)
    )
    review = Unit.id.in_(
        select(share.unit_id)
        .join_from(Feedback, share, share.id == Feedback.assignment_id)
        .where(Feedback.review_status == ReviewStatus.PENDING)
    )
    rows = session.execute(
        select(
            Unit.id,
            Unit.name,
            Unit.kind,
            Unit.leader_in_charge_id,
            Unit.supervisor_id,
            open_share(share.deadline < today).label("overdue"),
            rung.label("rung"),
            open_share(share.deadline >= today, share.deadline <= due_by).label("due_soon"),
            review.label("review"),
        )
        .where(Unit.active.is_(True))
        .order_by(Unit.kind, Unit.code)
    ).all()
    lights = []
    for row in rows:
        reasons = [
            text
            for flag, text in (
                (row.overdue, "有逾期任务"),
                (row.rung, "本季度有督查等级"),
                (row.due_soon, f"{DUE_SOON_WORKING_DAYS}个工作日内有任务到期"),
                (row.review, "有待审核反馈"),
            )
            if flag
        ]
        light = RED if row.overdue or row.rung else YELLOW if row.due_soon or row.review else GREEN
        mine = (leader_id is not None and row.leader_in_charge_id == leader_id) or (
            supervisor_id is not None and row.supervisor_id == supervisor_id
        )
        lights.append(UnitLight(row.id, row.name, row.kind, mine, light, tuple(reasons)))
    return sorted(lights, key=lambda light: not light.mine)  # stable: the leader's units first, each in order


def last_months(today: date, count: int = 12) -> list[str]:
    """The `count` months up to `today`'s, oldest first, as 'YYYY-MM'."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def monthly_charts(session: Session, *, today: date) -> dict:
    """The last 12 months: shares completed (on time and late) and notices issued, per month (China time)."""
    months = last_months(today)
    since = china_midnight(date.fromisoformat(months[0] + "-01"))
    month = china_month(Assignment.accepted_at)
    done = session.execute(
        select(month, func.count(), func.count().filter(china_day(Assignment.accepted_at) <= Assignment.deadline))
        .where(Assignment.accepted_at >= since, Assignment.status == AssignmentStatus.ACCEPTED)
        .group_by(month)
    ).all()
    notice_month = china_month(Notice.issued_at)
    issued = session.execute(
        select(notice_month, func.count())
        .where(Notice.issued_at >= since, Notice.status == NoticeStatus.ISSUED)
        .group_by(notice_month)
    ).all()
    completed = {m: (n, on_time) for m, n, on_time in done}
    notices = dict(issued)
    return {
        "months": months,
        "on_time": [completed.get(m, (0, 0))[1] for m in months],
        "late": [completed.get(m, (0, 0))[0] - completed.get(m, (0, 0))[1] for m in months],
        "notices": [notices.get(m, 0) for m in months],
    }


def office_alerts(session: Session, *, today: date, calendar: WorkCalendar | None = None) -> dict:
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
    alerts["calendar"] = calendar_warnings(calendar or WorkCalendar.load(session), today)
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
