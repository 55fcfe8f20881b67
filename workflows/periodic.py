"""Periodic items: monthly reports (十项利民工程) and quarterly reports (“两会”重点工作).

Monthly: for each month whose report day falls after the assignment and by the deadline, the unit reports by
the MONTHLY_REPORT_DAY (5th) — or the next working day when the 5th is not one. A reminder goes out on the
first working day of the month; on the working day after the report day a unit without a report gets a
督查通知单, and a draft 月通报 is written for a supervisor to edit and send.
Quarterly: the report on a quarter is due on the report day of the month after it; a unit without one gets a
督查通知单 as for a monthly report. A reminder goes out REMINDER_DAYS_BEFORE working days before. Reviewing a period
report, a supervisor can mark its progress 进度不理想: the unit gets the same 督查通知单 (notify_slow_progress).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clock import china_date
from formatting import period_text
from models.assignment import Assignment, AssignmentStatus
from models.item import Rhythm
from models.notice import NoticeKind
from models.reminder import ReminderKind, ReminderLog
from outbox.mail import queue_mails
from workdays import WorkCalendar
from workflows.deadlines import deadline_end
from workflows.notices import notify_unit, take_notice_numbers, unit_mail, unit_notice
from workflows.recipients import units_contacts
from workflows.rules import rules


@dataclass(frozen=True)
class PeriodEvent:
    """Something due for one period of a periodic assignment: a reminder or the check after the report day."""

    day: date
    kind: ReminderKind
    period: str
    report_day: date


def month_label(year: int, month: int) -> str:
    """'2026-11'."""
    return f"{year}-{month:02d}"


def quarter_label(year: int, quarter: int) -> str:
    """'2026Q4'."""
    return f"{year}Q{quarter}"


def report_day(calendar: WorkCalendar, year: int, month: int) -> date:
    """The MONTHLY_REPORT_DAY of a month, or the next working day when it is not one."""
    return calendar.next_workday(date(year, month, rules().monthly_report_day))


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def period_events(assignment: Assignment, calendar: WorkCalendar) -> list[PeriodEvent]:
    """Every event of a periodic assignment over its life (a few dozen at most), in order."""
    item = assignment.item
    if item.rhythm == Rhythm.ONE_OFF or assignment.assigned_at is None:
        return []
    assigned_on = china_date(assignment.assigned_at)
    events = []
    for year, month in _months(assigned_on, assignment.deadline):
        due = report_day(calendar, year, month)
        if not assigned_on < due <= assignment.deadline:
            continue
        check_day = calendar.add_working_days(due, 1)
        if item.rhythm == Rhythm.MONTHLY:
            period = month_label(year, month)
            first = calendar.first_workday_of_month(year, month)
            if first > assigned_on:
                events.append(PeriodEvent(first, ReminderKind.PERIOD, period, due))
            events.append(PeriodEvent(check_day, ReminderKind.LAGGARD, period, due))
        elif month in (1, 4, 7, 10):
            quarter_year, quarter = (year - 1, 4) if month == 1 else (year, (month - 1) // 3)
            period = quarter_label(quarter_year, quarter)
            before = calendar.add_working_days(due, -rules().reminder_days_before[0])
            if before > assigned_on:
                events.append(PeriodEvent(before, ReminderKind.PERIOD, period, due))
            events.append(PeriodEvent(check_day, ReminderKind.LAGGARD, period, due))
    events.sort(key=lambda e: (e.day, e.kind.value))
    return events


def done_period_events(session: Session, assignment_ids: list[int]) -> set[tuple[int, str, str]]:
    """(assignment, kind, period) of the periodic events already handled."""
    if not assignment_ids:
        return set()
    rows = session.execute(
        select(ReminderLog.assignment_id, ReminderLog.kind, ReminderLog.period).where(
            ReminderLog.assignment_id.in_(assignment_ids), ReminderLog.period.is_not(None)
        )
    )
    return {(a, str(k), p) for a, k, p in rows}


def reported(assignment: Assignment, period: str, by: date) -> bool:
    """True when the unit sent a report for `period` by the end of day `by` (not counting ones sent back)."""
    end = deadline_end(by)
    return any(
        f.period == period and f.submitted_at < end and f.review_status != "returned" for f in assignment.feedbacks
    )


@dataclass
class PeriodBatch:
    """The period reminders and laggards' 督查通知单 one sweep collects, to write in batches once it has looked at
    every share: the units' contacts read at once, the notices' numbers taken at once, one flush for the notices and
    one for the mails."""

    entries: list[tuple[Assignment, PeriodEvent]] = field(default_factory=list)

    def add(self, assignment: Assignment, event: PeriodEvent) -> None:
        """A period reminder (PERIOD) or a laggard's notice (LAGGARD) for this share, in the order they were found."""
        self.entries.append((assignment, event))

    def send(self, session: Session, *, now: datetime) -> None:
        """Issue the laggards' notices and queue every e-mail, in the order they were added."""
        if not self.entries:
            return
        units = list({assignment.unit_id: assignment.unit for assignment, _ in self.entries}.values())
        contacts = units_contacts(session, units, on=china_date(now))
        laggards = [entry for entry in self.entries if entry[1].kind == ReminderKind.LAGGARD]
        numbers = iter(take_notice_numbers(session, NoticeKind.ASSIGNMENT, len(laggards), now=now))
        issued = []
        for assignment, event in laggards:
            notice_and_context = unit_notice(
                session,
                assignment,
                NoticeKind.ASSIGNMENT,
                title=f"关于{assignment.unit.name}未按期报送“{assignment.item.title}”{period_text(event.period)}进展的督查通知单",
                body_template="notice_period_laggard.txt",
                context={"period": event.period, "report_day": event.report_day},
                issued_by=rules().office_name,
                now=now,
                seq=next(numbers),
                flush=False,
            )
            issued.append(notice_and_context)
        if issued:
            session.flush()  # the notices get their ids, for their mails
        notices = iter(issued)
        mails = []
        for assignment, event in self.entries:
            recipients = contacts[assignment.unit_id]
            if event.kind == ReminderKind.LAGGARD:
                notice, context = next(notices)
                mail = unit_mail(
                    assignment,
                    kind=NoticeKind.ASSIGNMENT.value,
                    template="period_laggard",
                    context=context,
                    recipients=recipients,
                    dedupe_key=f"notice:{notice.number}",
                    notice=notice,
                )
            else:  # a plain reminder e-mail (no numbered notice) that a period's report is coming due
                mail = unit_mail(
                    assignment,
                    kind="period_reminder",
                    template="period_reminder",
                    context={"period": event.period, "report_day": event.report_day},
                    recipients=recipients,
                    dedupe_key=f"period-reminder:{assignment.id}:{event.period}",
                )
            mails.append(mail)
        queue_mails(session, mails, now=now)


def handle_period_events(
    session: Session,
    assignment: Assignment,
    calendar: WorkCalendar,
    done: set,
    *,
    today: date,
    now: datetime,
    batch: PeriodBatch | None = None,
) -> tuple[int, date | None]:
    """Act on the latest due event of each period (earlier ones lapse after downtime); returns (acted, next day).
    The reminders and notices go into `batch` (sent by the caller), or out at once without one."""
    acted = 0
    own_batch = batch is None
    batch = PeriodBatch() if batch is None else batch
    events = period_events(assignment, calendar)
    latest: dict[str, PeriodEvent] = {}
    for event in events:
        if event.day <= today and (assignment.id, event.kind.value, event.period) not in done:
            latest[event.period] = event
    final_pending = assignment.status == AssignmentStatus.SUBMITTED  # the unit reported completion: periods are moot
    for event in latest.values():
        if final_pending:
            session.add(
                ReminderLog(
                    assignment_id=assignment.id, kind=event.kind, slot=event.day, period=event.period, created_at=now
                )
            )
            done.add((assignment.id, event.kind.value, event.period))
            continue
        already_checked = (assignment.id, ReminderKind.LAGGARD.value, event.period) in done
        if event.kind == ReminderKind.PERIOD and not already_checked and not reported(assignment, event.period, today):
            batch.add(assignment, event)
        elif event.kind == ReminderKind.LAGGARD and not reported(assignment, event.period, event.report_day):
            batch.add(assignment, event)  # a 督查通知单 (a reminder with a number, not a sanction: that is a verdict)
        session.add(
            ReminderLog(
                assignment_id=assignment.id, kind=event.kind, slot=event.day, period=event.period, created_at=now
            )
        )
        done.add((assignment.id, event.kind.value, event.period))
        acted += 1
    if own_batch:
        batch.send(session, now=now)
    upcoming = [e.day for e in events if e.day > today and (assignment.id, e.kind.value, e.period) not in done]
    return acted, min(upcoming) if upcoming else None


def notify_slow_progress(session: Session, assignment: Assignment, period: str, *, actor, now: datetime) -> None:
    """进度不理想: a supervisor judged a period report's progress unsatisfactory; the unit gets a 督查通知单."""
    notify_unit(
        session,
        assignment,
        NoticeKind.ASSIGNMENT,
        title=f"关于{assignment.unit.name}“{assignment.item.title}”{period_text(period)}进度不理想的督查通知单",
        body_template="notice_slow_progress.txt",
        mail_template="period_laggard",
        context={"period": period, "report_day": None, "slow": True},
        issued_by=str(actor) if actor is not None else rules().office_name,
        now=now,
    )
