"""The sweep: everything that is due — reminders, the three checks' report requests and records, periodic cycles,
roster confirmations, upward deadlines of instructions from above — exactly once. It never decides a check nor
issues a sanction: those are a person's.

It locks first (two sweeps at once take turns), looks only at assignments whose next_action_on has come (so its
cost follows what is due, not the size of the table), acts, writes each assignment's next date, and records a
SweepRun. The caller commits once: a sweep that fails halfway leaves nothing half-done, and no e-mail leaves
before the commit (they wait in the outbox).
"""

import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, Integer, bindparam, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from audit import act_as
from clock import china_date
from models.assignment import Assignment
from models.item import Item
from models.periodic import SweepLock, SweepRun
from models.reminder import ReminderLog
from workdays import WorkCalendar, calendar_warnings
from workflows.check_requests import CheckRequestBatch
from workflows.checks import due_check_steps
from workflows.circulars import circular_due, draft_monthly_circular
from workflows.confirmation import due_campaign, remind_non_responders, send_confirmations
from workflows.in_charge import load_supervisors
from workflows.lifecycle import WORKING
from workflows.periodic import PeriodBatch, done_period_events, handle_period_events
from workflows.reminders import ReminderBatch, due_slot, last_reminders, next_slot_day, reminder_slots
from workflows.upward import remind_upward_reports

LOCK_NAME = "sweep"


@dataclass
class SweepReport:
    """What one sweep did."""

    examined: int = 0
    reminders: int = 0
    reminder_notices: int = 0
    check_requests: int = 0
    checks_opened: int = 0
    period_events: int = 0
    circulars: int = 0
    confirmations: int = 0
    confirmation_reminders: int = 0
    upward_reminders: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def take_sweep_lock(session: Session, *, now: datetime) -> None:
    """Hold the sweep lock until this transaction ends; a second sweep waits here (PostgreSQL row lock, SQLite
    write lock) and then finds the work already done."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(SweepLock).values(name=LOCK_NAME).on_conflict_do_nothing(index_elements=["name"]))
    if dialect == "postgresql":
        session.execute(select(SweepLock).where(SweepLock.name == LOCK_NAME).with_for_update())
    session.execute(
        update(SweepLock)
        .where(SweepLock.name == LOCK_NAME)
        .values(holder=f"{socket.gethostname()}:{os.getpid()}", taken_at=now)
    )


FAR_PAST = date(1, 1, 1)  # before any next_action_on: the lower bound of the due range on PostgreSQL
IDS_PER_QUERY = 1000  # due shares loaded per statement (after downtime, or the upgrade that made every share due)


def due_ids(session: Session, today: date) -> list[int]:
    """The ids of the shares whose next_action_on has come, read through that column's index on both databases.

    Left to choose, SQLite (always) and PostgreSQL (without statistics: right after a bulk load, or with autovacuum
    off) read the status index — every open share — or the whole table, so the sweep would grow with the table.
    SQLite is told the index (INDEXED BY); PostgreSQL is given a range (from FAR_PAST), which even without statistics
    it expects to be narrow, rather than a bare `<=`, which it then expects to hold a third of the table.
    """
    today_ = bindparam("today", today, type_=Date)
    if session.get_bind().dialect.name == "sqlite":
        statement = text(
            "SELECT id FROM assignment INDEXED BY ix_assignment_next_action_on WHERE next_action_on <= :today"
        ).bindparams(today_)
    else:
        statement = text("SELECT id FROM assignment WHERE next_action_on BETWEEN :far_past AND :today").bindparams(
            bindparam("far_past", FAR_PAST, type_=Date), today_
        )
    return sorted(session.scalars(statement.columns(id=Integer)))


def due_assignments(session: Session, today: date) -> list[Assignment]:
    """Open assignments whose next check day has come, with what the rules read eagerly loaded.

    They are loaded by id, their status checked here: with the status in the query, PostgreSQL without statistics
    would again combine it with the status index. A share no longer open that still has a next day (set outside the
    workflows) has it cleared, as the sweep clears it when a share closes, so that it is not read again.
    """
    ids = due_ids(session, today)
    loaded = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        loaded += session.scalars(
            select(Assignment)
            .where(Assignment.id.in_(ids[start : start + IDS_PER_QUERY]))
            .options(
                joinedload(Assignment.item).joinedload(Item.lead_unit),
                joinedload(Assignment.unit),
                selectinload(Assignment.feedbacks),
                selectinload(Assignment.checks),
            )
            .order_by(Assignment.id)
        ).all()
    assignments = [assignment for assignment in loaded if assignment.status in WORKING]
    closed = [assignment for assignment in loaded if assignment.status not in WORKING]
    if closed:
        session.execute(
            update(Assignment)
            .where(Assignment.id.in_([assignment.id for assignment in closed]))
            .values(next_action_on=None)
            .execution_options(synchronize_session=False)
        )
        for assignment in closed:
            set_committed_value(assignment, "next_action_on", None)
    # who signs and is named in the units' mail: the shares' own supervisors and their units' (one statement, if any)
    load_supervisors(session, [*assignments, *{a.unit_id: a.unit for a in assignments}.values()])
    return assignments


def run_sweep(session: Session, *, now: datetime) -> SweepReport:
    """Do everything due at `now` (flushes, never commits)."""
    started = time.perf_counter()
    act_as(session, "系统（自动督办）", now=now)
    take_sweep_lock(session, now=now)
    report = SweepReport()
    calendar = WorkCalendar.load(session)
    today = china_date(now)
    assignments = due_assignments(session, today)
    report.examined = len(assignments)
    ids = [a.id for a in assignments]
    last_sent = last_reminders(session, ids)
    periods_done = done_period_events(session, ids)
    batch, requests, period_batch = ReminderBatch(), CheckRequestBatch(), PeriodBatch()

    for assignment in assignments:
        step = due_check_steps(session, assignment, calendar, today=today, now=now)
        report.checks_opened += step.opened
        for check in step.requests:
            requests.add(check)
        report.check_requests += len(step.requests)

        acted, next_period_day = handle_period_events(
            session, assignment, calendar, periods_done, today=today, now=now, batch=period_batch
        )
        report.period_events += acted

        slots = reminder_slots(assignment, calendar, until=today)
        slot = due_slot(slots, today=today, last_sent=last_sent.get(assignment.id))
        if slot is not None and assignment.status in WORKING and not step.requests:
            batch.add(assignment, slot)
            report.reminders += 1
        elif slot is not None:
            # the unit was asked today to report for a check: the reminder's slot is spent without a second mail
            session.add(ReminderLog(assignment_id=assignment.id, kind=slot.kind, slot=slot.day, created_at=now))

        upcoming = [day for day in (next_slot_day(slots, today=today), next_period_day, step.next_day) if day]
        upcoming = [day for day in upcoming if day > today]
        assignment.next_action_on = min(upcoming) if upcoming and assignment.status in WORKING else None

    period_batch.send(session, now=now)  # in the order a share at a time wrote them: period mails, requests, digests
    requests.send(session, now=now)
    report.reminder_notices = len(batch.send(session, now=now))
    month = circular_due(calendar, today)
    if month and draft_monthly_circular(session, *month, calendar, now=now):
        report.circulars += 1
    campaign = due_campaign(session, today)
    if campaign:
        report.confirmations = send_confirmations(session, campaign, now=now)
    report.confirmation_reminders = remind_non_responders(session, now=now)
    report.upward_reminders = remind_upward_reports(session, calendar, now=now)
    report.warnings = calendar_warnings(calendar, today)
    report.seconds = round(time.perf_counter() - started, 3)
    session.add(
        SweepRun(started_at=now, finished_at=now, as_of=now, summary=json.dumps(asdict(report), ensure_ascii=False))
    )
    session.flush()
    return report
