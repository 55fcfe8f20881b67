"""Reminders on their own (workflows/reminders.py): the slots, the due one, and one digest per unit and day."""

from datetime import date

import pytest

from extensions import db
from models import Notice, ReminderKind, ReminderLog
from tests.office import assigned_item, at, build_office, outbox
from workdays import WorkCalendar
from workflows.checks import stop_checks as stop_escalation
from workflows.feedback import acknowledge
from workflows.reminders import ReminderBatch, Slot, due_slot, last_reminders, next_slot_day, reminder_slots

ASSIGNED = at(2026, 12, 1)  # Tuesday
DEADLINE = date(2026, 12, 15)  # Tuesday


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


@pytest.fixture
def calendar(app) -> WorkCalendar:
    """The working-day calendar (statutory 2026 holidays and make-up days)."""
    return WorkCalendar.load(db.session)


def slots_of(share, calendar, until=date(2026, 12, 31), *, overdue=False) -> list[tuple[date, str]]:
    """(day, kind) of the share's reminder slots (up to the deadline, unless `overdue`)."""
    slots = [(slot.day, slot.kind.value) for slot in reminder_slots(share, calendar, until=until)]
    return slots if overdue else [(day, kind) for day, kind in slots if kind != "overdue"]


def test_should_schedule_the_acknowledgement_reminder_the_days_before_and_the_day(office, calendar):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    assert slots_of(share, calendar) == [
        (date(2026, 12, 3), "unacknowledged"),  # 2 working days after assignment
        (date(2026, 12, 10), "before"),  # 3 working days before the deadline
        (date(2026, 12, 15), "due"),
    ]


def test_should_drop_the_acknowledgement_reminder_once_acknowledged(office, calendar):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    acknowledge(db.session, share, "王林", now=ASSIGNED)
    assert [kind for _, kind in slots_of(share, calendar)] == ["before", "due"]


def test_should_count_the_make_up_saturday_after_national_day_as_a_working_day(office, calendar):
    share = assigned_item(office, deadline=date(2026, 10, 12), now=at(2026, 9, 21)).assignments[0]
    acknowledge(db.session, share, "王林", now=at(2026, 9, 21))
    # 3 working days before Monday 12 October: Saturday 10 (make-up day), Friday 9, Thursday 8 October
    assert slots_of(share, calendar) == [(date(2026, 10, 8), "before"), (date(2026, 10, 12), "due")]


def test_should_remind_on_the_last_working_day_when_the_deadline_falls_in_the_holiday(office, calendar):
    share = assigned_item(office, deadline=date(2026, 10, 3), now=at(2026, 9, 21)).assignments[0]
    acknowledge(db.session, share, "王林", now=at(2026, 9, 21))
    # 3 working days before Saturday 3 October (National Day): 30, 29 and 28 September
    assert slots_of(share, calendar) == [(date(2026, 9, 28), "before"), (date(2026, 9, 30), "due")]


def test_should_remind_every_two_working_days_after_the_deadline_until_done(office, calendar):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    acknowledge(db.session, share, "王林", now=ASSIGNED)
    overdue = [
        day for day, kind in slots_of(share, calendar, until=date(2026, 12, 22), overdue=True) if kind == "overdue"
    ]
    assert overdue == [date(2026, 12, 17), date(2026, 12, 21), date(2026, 12, 23)]  # the first after `until` ends it
    stop_escalation(db.session, share, "领导同意缓办", actor=None, now=ASSIGNED)  # stopping the checks keeps reminding
    assert [
        d for d, k in slots_of(share, calendar, until=date(2026, 12, 22), overdue=True) if k == "overdue"
    ] == overdue


def test_should_space_overdue_reminders_by_the_item_own_interval(office, calendar):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED, check_interval_days=5).assignments[0]
    overdue = [
        day for day, kind in slots_of(share, calendar, until=date(2026, 12, 28), overdue=True) if kind == "overdue"
    ]
    assert overdue == [date(2026, 12, 22), date(2026, 12, 29)]


def test_should_pick_only_the_latest_slot_that_has_come_and_was_not_sent():
    slots = [Slot(date(2026, 12, 3), ReminderKind.UNACKNOWLEDGED), Slot(date(2026, 12, 10), ReminderKind.BEFORE)]
    assert due_slot(slots, today=date(2026, 12, 2), last_sent=None) is None
    assert due_slot(slots, today=date(2026, 12, 3), last_sent=None) == slots[0]
    assert due_slot(slots, today=date(2026, 12, 11), last_sent=None) == slots[1]  # the 3 December one lapses
    assert due_slot(slots, today=date(2026, 12, 11), last_sent=date(2026, 12, 10)) is None
    assert next_slot_day(slots, today=date(2026, 12, 3)) == date(2026, 12, 10)
    assert next_slot_day(slots, today=date(2026, 12, 10)) is None


def test_should_send_one_digest_per_liaison_for_the_unit_reminders_of_the_day(office):
    first = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    second = assigned_item(office, deadline=date(2026, 12, 14), now=ASSIGNED)
    batch = ReminderBatch()
    for item in (first, second):
        for share in item.assignments:
            batch.add(share, Slot(date(2026, 12, 10), ReminderKind.BEFORE))
    notices = batch.send(db.session, now=at(2026, 12, 10))
    assert sorted(n.addressee for n in notices) == ["东方红林场", "林业第一中学", "计财科"]
    (digest,) = [m for m in outbox(recipient_email="wang@forest.example.org") if m.kind == "reminder"]
    assert digest.subject == f"【催办通知】{second.number} 等2项督查事项"  # the earliest deadline first
    assert digest.body_text.index(second.number) < digest.body_text.index(first.number)
    forest_notice = next(n for n in notices if n.addressee == "东方红林场")
    assert forest_notice.number.startswith("督催〔2026〕") and forest_notice.assignment_id is None


def test_should_not_send_a_reminder_twice_when_run_twice(office, calendar):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    today, now = date(2026, 12, 10), at(2026, 12, 10)

    def run_once():
        slots = reminder_slots(share, calendar, until=today)
        slot = due_slot(slots, today=today, last_sent=last_reminders(db.session, [share.id]).get(share.id))
        batch = ReminderBatch()
        if slot is not None:
            batch.add(share, slot)
        return batch.send(db.session, now=now)

    assert len(run_once()) == 1
    assert run_once() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(ReminderLog)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Notice).where(Notice.kind == "reminder")) == 1
    assert len([m for m in outbox(recipient_email="wang@forest.example.org") if m.kind == "reminder"]) == 1
