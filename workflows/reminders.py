"""Reminders (催办): before the deadline, on the day, every few working days after it until done, and for 签收.

Each reminder has a scheduled day (its slot). A sweep sends, per assignment, only the latest slot that has come
and is newer than the last one sent, so a sweep run twice sends nothing twice and a sweep after ten days of
downtime sends one reminder, not ten. A unit's reminders of one sweep go out as one 催办通知单 (a digest).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from clock import china_date
from models.assignment import Assignment, AssignmentStatus
from models.notice import Notice, NoticeKind
from models.reminder import ReminderKind, ReminderLog
from outbox.mail import queue_mails, render_text
from workdays import WorkCalendar
from workflows.in_charge import signature, unit_supervisor
from workflows.notices import issue_notice, notice_mail, take_notice_numbers
from workflows.recipients import units_contacts
from workflows.rules import rules
from workflows.tokens import assignment_link

OVERDUE_HORIZON = 400  # overdue slots are generated this many reminder periods ahead at most


@dataclass(frozen=True)
class Slot:
    """A scheduled reminder: which kind, on which day."""

    day: date
    kind: ReminderKind


def reminder_slots(assignment: Assignment, calendar: WorkCalendar, *, until: date) -> list[Slot]:
    """Every reminder day of an assignment up to and including the first one after `until`, in order."""
    office_rules = rules()
    assigned_on = china_date(assignment.assigned_at) if assignment.assigned_at else None
    if assigned_on is None:
        return []
    slots: list[Slot] = []
    if assignment.acknowledged_at is None:
        slots.append(
            Slot(
                calendar.add_working_days(assigned_on, office_rules.ack_reminder_after_days),
                ReminderKind.UNACKNOWLEDGED,
            )
        )
    if assignment.status != AssignmentStatus.SUBMITTED:
        for days_before in office_rules.reminder_days_before:
            day = calendar.add_working_days(assignment.deadline, -days_before)
            if day > assigned_on:
                slots.append(Slot(day, ReminderKind.BEFORE))
        due_day = (
            assignment.deadline
            if calendar.is_workday(assignment.deadline)
            else calendar.add_working_days(assignment.deadline, -1)
        )
        if due_day > assigned_on:
            slots.append(Slot(due_day, ReminderKind.DUE))
        every = assignment.item.check_interval_days or office_rules.overdue_reminder_every_days
        if every:
            day = assignment.deadline
            for _ in range(1, OVERDUE_HORIZON):
                day = calendar.add_working_days(day, every)  # the deadline + every × n working days
                slots.append(Slot(day, ReminderKind.OVERDUE))
                if day > until:
                    break
    slots.sort(key=lambda slot: (slot.day, slot.kind.value))
    return slots


def due_slot(slots: list[Slot], *, today: date, last_sent: date | None) -> Slot | None:
    """The latest slot that has come (≤ today) and is newer than the last reminder sent; earlier ones lapse."""
    ready = [s for s in slots if s.day <= today and (last_sent is None or s.day > last_sent)]
    return ready[-1] if ready else None


def next_slot_day(slots: list[Slot], *, today: date) -> date | None:
    """The first reminder day after today, for the sweep's schedule."""
    return next((s.day for s in slots if s.day > today), None)


def last_reminders(session: Session, assignment_ids: list[int]) -> dict[int, date]:
    """The last reminder slot sent per assignment (one query for the whole sweep)."""
    if not assignment_ids:
        return {}
    rows = session.execute(
        select(ReminderLog.assignment_id, func.max(ReminderLog.slot))
        .where(ReminderLog.assignment_id.in_(assignment_ids), ReminderLog.period.is_(None))
        .group_by(ReminderLog.assignment_id)
    )
    return dict(rows.all())


@dataclass
class ReminderBatch:
    """The reminders one sweep collects, per unit, before sending them as digests."""

    by_unit: dict[int, list[tuple[Assignment, Slot]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, assignment: Assignment, slot: Slot) -> None:
        """Queue a reminder of this assignment for its unit's digest."""
        self.by_unit[assignment.unit_id].append((assignment, slot))

    def send(self, session: Session, *, now: datetime) -> list[Notice]:
        """One 催办通知单 per unit listing its reminders, e-mailed to the unit's contacts; each slot is logged.

        Written in batches: the notices in one flush (their numbers taken at once), then the logs in one statement and
        the mails in another (after one look-up of their de-duplication keys).
        """
        if not self.by_unit:
            return []
        units = [entries[0][0].unit for entries in self.by_unit.values()]
        contacts = units_contacts(session, units, on=china_date(now))  # every unit's contacts at once
        numbers = iter(take_notice_numbers(session, NoticeKind.REMINDER, len(units), now=now))
        drafts = []
        for entries in self.by_unit.values():
            unit = entries[0][0].unit
            entries.sort(key=lambda entry: (entry[0].deadline, entry[0].id))
            lines = [
                {"item": a.item, "assignment": a, "kind": slot.kind, "link": assignment_link(a), "overdue_days": None}
                for a, slot in entries
            ]
            first = entries[0][0].item
            title = f"关于“{first.title}”{'等' + str(len(entries)) + '项事项' if len(entries) > 1 else ''}的催办通知单"
            notice = issue_notice(
                session,
                NoticeKind.REMINDER,
                title=title,
                addressee=unit.name,
                body=render_text("notice_reminder.txt", {"unit": unit, "lines": lines}),
                now=now,
                issued_by=signature(entries[0][0] if len(entries) == 1 else None, unit, rules().office_name),
                item=first if len(entries) == 1 else None,
                assignment=entries[0][0] if len(entries) == 1 else None,
                unit=unit,
                seq=next(numbers),
                flush=False,
            )
            drafts.append((notice, unit, entries, lines, first))
        session.flush()  # the notices get their ids, for the logs and the mails
        logs, mails = [], []
        for notice, unit, entries, lines, first in drafts:
            logs += [
                {"assignment_id": a.id, "kind": slot.kind, "slot": slot.day, "created_at": now, "notice_id": notice.id}
                for a, slot in entries
            ]
            mails.append(
                notice_mail(
                    notice,
                    template="reminder_digest",
                    context={"unit": unit, "lines": lines, "first": first, "in_charge": unit_supervisor(unit)},
                    recipients=contacts[unit.id],
                )
            )
        if logs:
            session.execute(insert(ReminderLog), logs)  # one statement (a flush writes them one by one on SQLite)
        queue_mails(session, mails, now=now)
        return [notice for notice, *_ in drafts]
