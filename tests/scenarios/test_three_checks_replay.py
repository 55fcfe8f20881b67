"""The demo office left alone for three months: every working-day morning cron runs `flask sweep --now …` (and again
in the afternoon), once a week `flask send-mail --now …` delivers to a real SMTP server on loopback, and nobody gives
a verdict. The units get reminders (催办), check requests (【第一次督查】…) and period notices — never a
整改通知书, 黄牌警告, 提请追责 or 通报批评: the check records pile up in the supervisor's queue instead."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from audit import act_as
from clock import CHINA, china_date
from demo.office import seed_demo
from extensions import db
from models import (
    AuditEvent,
    CheckState,
    Circular,
    CircularKind,
    Escalation,
    Notice,
    NoticeStatus,
    OutboxMessage,
    OutboxStatus,
    ReminderLog,
    SupervisionCheck,
)
from tests.conftest import empty_all_tables, make_config
from tests.smtp import SMTPTestServer
from workdays import WorkCalendar
from workflows.sanctions import RUNG_KINDS

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)  # the demo's `now` (the test suite's wall clock)
END = date(2027, 2, 26)  # three months on
SWEEP_AT, AGAIN_AT, MAIL_AT = time(7, 30), time(14, 0), time(10, 0)
# What may reach a unit when nobody decides anything: reminders, check requests, period reminders and the period
# laggards' 督查通知单 (…未报送).
# the sweep's own mail: reminders, check requests, period notices, and the supervisor's upward deadlines (上报提醒)
ALLOWED = re.compile(r"【(催办通知|第[一二三]次督查|进展报送提醒|上报提醒)】|【督查通知单】.*未报送）$")
PUNITIVE = ("整改通知书", "黄牌警告", "提请追责", "通报批评", "追责决定")


@dataclass
class Replay:
    """What the three months left behind: the mail the server received and what each sweep changed."""

    mails: list = field(default_factory=list)
    due_by_day: list[tuple[date, int]] = field(default_factory=list)
    second_sweeps: list[tuple[date, tuple, tuple]] = field(default_factory=list)
    sweep_outputs: list[str] = field(default_factory=list)
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    outbox_ids: tuple[int, int] = (0, 0)


def count(*criteria, model=None) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*criteria))


def due_checks() -> int:
    return count(SupervisionCheck.state == CheckState.DUE, model=SupervisionCheck)


def fingerprint() -> tuple:
    """What a sweep can add: mail, notices, reminders' bookkeeping, check records, rungs, audit events."""
    models = (OutboxMessage, Notice, ReminderLog, Escalation, Circular, AuditEvent)
    return (*(count(model=model) for model in models), due_checks())


def snapshot() -> dict:
    """The counts of what a verdict or a person would have changed."""
    return {
        "decided": count(SupervisionCheck.state == CheckState.DECIDED, model=SupervisionCheck),
        "due": due_checks(),
        "escalations": count(model=Escalation),
        "issued_rungs": count(Notice.kind.in_(RUNG_KINDS), Notice.status == NoticeStatus.ISSUED, model=Notice),
        "criticisms": count(Circular.kind == CircularKind.CRITICISM, model=Circular),
        "sent_circulars": count(Circular.sent_at.is_not(None), model=Circular),  # the monthly ones wait as drafts
    }


def invoke(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def moment(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=CHINA).isoformat()


@pytest.fixture(scope="class")
def replay(migrated_database):
    """Seed the demo at NOW, then run the office's cron for three months with nobody deciding a check."""
    server = SMTPTestServer().start()
    application = create_app(make_config(migrated_database, **server.mail_config()))
    try:
        with application.app_context():
            act_as(db.session, "演示数据", now=NOW)
            seed_demo(db.session, now=NOW)
            db.session.commit()
            yield run_three_months(application.test_cli_runner(), server)
            db.session.remove()
            with db.engine.begin() as connection:
                empty_all_tables(connection)
            db.engine.dispose()
    finally:
        server.stop()


def run_three_months(runner, server: SMTPTestServer) -> Replay:
    """Every working day: the sweep at 07:30 and again at 14:00; the week's mail on its last working day."""
    record = Replay(before=snapshot())
    first_message = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id)))
    calendar = WorkCalendar.load(db.session)
    day = china_date(NOW) + timedelta(days=1)
    while day <= END:
        if calendar.is_workday(day):
            record.sweep_outputs.append(invoke(runner, "sweep", "--now", moment(day, SWEEP_AT)))
            record.due_by_day.append((day, due_checks()))
            once = fingerprint()
            invoke(runner, "sweep", "--now", moment(day, AGAIN_AT))
            record.second_sweeps.append((day, once, fingerprint()))
            following = calendar.next_workday(day, include_today=False)
            if following.isocalendar()[1] != day.isocalendar()[1] or following > END:
                invoke(runner, "send-mail", "--now", moment(day, MAIL_AT))
        day += timedelta(days=1)
    db.session.expire_all()
    record.after = snapshot()
    record.outbox_ids = (first_message, db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))))
    record.mails = list(server.messages)
    return record


def new_messages(record: Replay) -> list[OutboxMessage]:
    first, last = record.outbox_ids
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > first, OutboxMessage.id <= last)).all()


@pytest.mark.usefixtures("replay")
class TestThreeMonthsWithoutVerdicts:
    """Three months of cron on the demo office, and nobody at the screens."""

    def test_should_send_only_reminders_check_requests_and_period_notices(self, replay):
        subjects = [mail.subject for mail in replay.mails]
        assert subjects
        assert [s for s in subjects if not ALLOWED.match(s)] == []
        assert not [s for s in subjects if any(word in s for word in PUNITIVE)]
        kinds = Counter(re.match(r"【([^】]+)】", s).group(1) for s in subjects)
        assert kinds["催办通知"] > 0
        assert sum(kinds[f"第{n}次督查"] for n in "一二三") > 0, kinds

    def test_should_deliver_every_message_of_the_three_months_once(self, replay):
        messages = new_messages(replay)
        assert messages and all(m.status == OutboxStatus.SENT for m in messages)
        kinds = {"reminder", "check_request", "period_reminder", "assignment", "upward_reminder"}
        assert {m.kind for m in messages} <= kinds
        assert all(m.subject.endswith("未报送）") for m in messages if m.kind == "assignment")  # period laggards
        assert len(replay.mails) == len(messages)
        message_ids = [mail.header("Message-ID") for mail in replay.mails]
        assert len(set(message_ids)) == len(message_ids)

    def test_should_pile_up_check_records_in_the_queue_without_any_verdict_or_sanction(self, replay):
        before, after = replay.before, replay.after
        assert after["due"] > before["due"] and after["decided"] == before["decided"]
        for key in ("escalations", "issued_rungs", "criticisms", "sent_circulars"):
            assert after[key] == before[key], key
        counts = [due for _, due in replay.due_by_day]
        assert counts == sorted(counts)  # only a verdict takes a check out of the queue
        opened = db.session.scalars(sa.select(SupervisionCheck).where(SupervisionCheck.opened_at > NOW)).all()
        assert len(opened) == after["due"] - before["due"]
        assert all(c.state == CheckState.DUE and c.proposed is not None and c.verdict is None for c in opened)
        assert {c.round for c in opened} == {1, 2, 3}
        assert all(c.requested_at is not None and c.requested_at < c.opened_at for c in opened)

    def test_should_add_nothing_when_the_sweep_runs_again_the_same_day(self, replay):
        assert len(replay.second_sweeps) > 55
        assert [(day, once, again) for day, once, again in replay.second_sweeps if once != again] == []
        assert any("生成待裁定督查记录 0 份" not in output for output in replay.sweep_outputs)
