"""The sweep: reminders and check requests on their days, check records on the check days — never a sanction —
exactly once, after downtime, and concurrently."""

import multiprocessing
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import (
    AssignmentStatus,
    CheckState,
    Escalation,
    FailureReason,
    Notice,
    OutboxMessage,
    ReminderLog,
    Role,
    SupervisionCheck,
)
from tests.factories import make_user
from tests.office import assigned_item, at, build_office, outbox, subjects_to, sweep, sweep_days
from workflows.checks import stop_checks as stop_escalation
from workflows.feedback import acknowledge
from workflows.sweep import run_sweep

ASSIGNED = at(2026, 12, 1)  # Tuesday
DEADLINE = date(2026, 12, 15)  # Tuesday: 10 working days; checks on 8, 10 and 15 December, asked for on 3, 7, 10


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


def counts() -> tuple[int, int, int, int]:
    """(outbox messages, notices, reminder logs, escalations)."""
    return tuple(
        db.session.scalar(db.select(db.func.count()).select_from(m))
        for m in (OutboxMessage, Notice, ReminderLog, Escalation)
    )


def test_should_send_nothing_twice_when_run_twice_or_later_the_same_day(office):
    assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 16, 9))
    first = counts()
    sweep(at(2026, 12, 16, 9))
    sweep(at(2026, 12, 16, 17))
    assert counts() == first


def test_should_catch_up_after_ten_days_of_downtime_with_one_reminder_per_assignment(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 1, 10))
    sweep(at(2026, 12, 11, 10))  # missed: 3 Dec (签收提醒) and 10 Dec (到期前提醒)
    logs = db.session.scalars(db.select(ReminderLog).order_by(ReminderLog.assignment_id)).all()
    assert [(log.assignment_id, log.slot, log.kind.value) for log in logs] == [
        (a.id, date(2026, 12, 10), "before") for a in item.assignments
    ]
    assert len(subjects_to("wang@forest.example.org")) == 2  # the notice and one reminder


def test_should_send_one_digest_to_a_unit_with_several_reminders_due(office):
    first = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    second = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    for assignment in [*first.assignments, *second.assignments]:
        acknowledge(db.session, assignment, "联络员", now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 10))  # the day the third check is asked for: one request listing both, no reminder
    (request,) = [m for m in outbox(recipient_email="wang@forest.example.org") if m.kind not in ("decision",)]
    assert request.kind == "check_request"
    assert request.subject == f"【第三次督查】{first.number} {first.title}等2项"
    assert first.number in request.body_text and second.number in request.body_text
    sweep(at(2026, 12, 15))
    (digest,) = [m for m in outbox(recipient_email="wang@forest.example.org") if m.kind == "reminder"]
    assert digest.subject == f"【催办通知】{first.number} 等2项督查事项"
    assert first.number in digest.body_text and second.number in digest.body_text
    assert digest.body_text.count("/unit/") == 2
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Notice).where(Notice.kind == "reminder")) == 3
    )  # one per unit


def test_should_keep_reminding_every_two_working_days_when_the_checks_are_stopped(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    share = item.assignments[0]
    acknowledge(db.session, share, "王林", now=ASSIGNED)
    stop_escalation(db.session, share, "领导同意缓办", actor=None, now=ASSIGNED)
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2026, 12, 22))
    assert share.escalation_level == 0
    kinds = db.session.scalars(
        db.select(ReminderLog.kind).where(ReminderLog.assignment_id == share.id).order_by(ReminderLog.slot)
    ).all()
    slots = db.session.scalars(
        db.select(ReminderLog.slot).where(ReminderLog.assignment_id == share.id).order_by(ReminderLog.slot)
    ).all()
    # every 2 working days after Tuesday 15 December: Thursday 17 and Monday 21
    assert [k.value for k in kinds] == ["before", "due", "overdue", "overdue"]
    assert slots == [date(2026, 12, 10), date(2026, 12, 15), date(2026, 12, 17), date(2026, 12, 21)]


def test_should_count_working_days_across_national_day_for_reminders(office):
    item = assigned_item(office, deadline=date(2026, 10, 9), now=at(2026, 9, 21))
    share = item.assignments[0]
    acknowledge(db.session, share, "王林", now=at(2026, 9, 21))
    db.session.commit()
    sweep_days(date(2026, 9, 21), date(2026, 10, 9))
    slots = db.session.scalars(
        db.select(ReminderLog.slot).where(ReminderLog.assignment_id == share.id).order_by(ReminderLog.slot)
    ).all()
    # 3 working days before Friday 9 October: 8 Oct, 30 Sep, 29 Sep (1–7 October are the holiday).
    assert slots == [date(2026, 9, 29), date(2026, 10, 9)]


def test_should_refuse_a_skipped_or_repeated_rung_in_the_database(office):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()

    def rung(level, previous):
        db.session.add(
            Escalation(
                assignment_id=share.id,
                level=level,
                previous_level=previous,
                round_date=DEADLINE,
                reason=FailureReason.NO_FEEDBACK,
                created_at=ASSIGNED,
                created_by_name="测试",
            )
        )
        db.session.flush()

    for level, previous in ((2, 1), (2, None), (3, 1)):
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                rung(level, previous)
    rung(1, None)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            rung(1, None)
    rung(2, 1)


def test_should_only_look_at_what_is_due(office):
    assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    assert sweep(at(2026, 12, 1, 10)).examined == 3
    assert sweep(at(2026, 12, 2, 10)).examined == 0  # next look: 3 December
    assert sweep(at(2026, 12, 3, 10)).examined == 3


def test_should_clear_the_next_day_of_a_share_closed_outside_the_workflows(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    share = item.assignments[0]
    share.status = AssignmentStatus.CANCELLED  # as by an edit of the record: its next day stays
    db.session.commit()
    assert share.next_action_on == date(2026, 12, 1)
    assert sweep(at(2026, 12, 1, 10)).examined == 2
    db.session.expire_all()
    assert share.next_action_on is None  # not read by the next sweeps
    assert sweep(at(2026, 12, 3, 10)).examined == 2


def run_sweep_in_process(database_url: str, moment_iso: str, barrier) -> None:
    """Worker process: one sweep, started at the same moment as the others."""
    from datetime import datetime

    from app import create_app
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    with app.app_context():
        barrier.wait()
        run_sweep(db.session, now=datetime.fromisoformat(moment_iso))
        db.session.commit()


def test_should_not_duplicate_anything_when_two_sweeps_run_at_once(office, database_url):
    for _ in range(3):
        assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    moment = at(2026, 12, 8).isoformat()  # the first checks' day, and the day the second ones are asked for
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            pool.starmap(run_sweep_in_process, [(database_url, moment, barrier)] * 2)
    db.session.expire_all()
    states = db.session.scalars(db.select(SupervisionCheck.state).where(SupervisionCheck.round == 1)).all()
    assert states == [CheckState.DUE] * 9  # every share's first check opened once
    assert db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 0
    keys = db.session.scalars(db.select(OutboxMessage.dedupe_key)).all()
    assert len(keys) == len(set(keys))
    assert [m.kind for m in outbox(recipient_email="wang@forest.example.org")] == ["decision"] * 3 + ["check_request"]


def sweep_cost(moment) -> tuple[int, int, int]:
    """(statements, flushes, assignments examined) of one sweep at `moment`, rolled back to a savepoint after."""
    statements, flushes = [], []
    count_statement = lambda *args: statements.append(1)  # noqa: E731
    count_flush = lambda *args: flushes.append(1)  # noqa: E731
    savepoint = db.session.begin_nested()
    sa.event.listen(db.engine, "before_cursor_execute", count_statement)
    sa.event.listen(db.session, "before_flush", count_flush)
    try:
        report = run_sweep(db.session, now=moment)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_statement)
        sa.event.remove(db.session, "before_flush", count_flush)
    savepoint.rollback()
    return len(statements), len(flushes), report.examined


def test_should_cost_the_same_statements_whatever_the_number_of_shares_due(office):
    supervisor = make_user("li", Role.SUPERVISOR, display_name="李督查", email="li@office.example.org")
    office.forest.supervisor = office.school.supervisor = supervisor
    for _ in range(2):
        item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    item.assignments[-1].supervisor = make_user("chen", Role.SUPERVISOR, display_name="陈督查")  # a share's own
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2026, 12, 15))
    overdue = at(2026, 12, 17)  # every share gets an overdue reminder, one digest per unit
    few = sweep_cost(overdue)
    for _ in range(4):
        assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2026, 12, 15))
    db.session.expire_all()  # nothing of the office is left loaded: whatever the sweep reads, it reads itself
    many = sweep_cost(overdue)
    assert few[2] == 6 and many[2] == 18
    assert many[:2] == few[:2]  # the digests, their logs, mails and trail are written in batches
    assert few[1] <= 4
