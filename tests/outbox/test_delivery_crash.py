"""A real `send-mail` killed with SIGKILL mid-run against a real SMTP server: nothing lost, one sent twice at most."""

import collections
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extensions import db
from models.outbox import OutboxMessage, OutboxStatus
from tests.conftest import make_config
from tests.smtp import smtp_server_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
QUEUED = 300


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """Mail to the test SMTP server."""
    return make_config(migrated_database, **smtp_server.mail_config())


def send_mail_process(database_url: str, smtp_port: int, now: str) -> subprocess.Popen:
    """`flask --app app send-mail --now …` as a separate process on the test database and the test SMTP server."""
    env = {
        **os.environ,
        "DUBAN_SQLALCHEMY_DATABASE_URI": database_url,
        "DUBAN_MAIL_SERVER": "127.0.0.1",
        "DUBAN_MAIL_PORT": str(smtp_port),
        "DUBAN_MAIL_TIMEOUT": "10",
        "DUBAN_SECRET_KEY": "crash-test",
        "DUBAN_PUBLIC_URL": "http://duban.test",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "send-mail", "--now", now],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def queue_many(count: int) -> set[str]:
    """Queue `count` due messages, committed; return their Message-IDs."""
    ids = set()
    for n in range(count):
        message_id = f"<{uuid.uuid4().hex}@duban.test>"
        ids.add(message_id)
        db.session.add(
            OutboxMessage(
                message_id=message_id,
                kind="reminder",
                recipient_email=f"user{n}@example.org",
                recipient_name=f"联络员{n}",
                subject=f"催办通知 {n}",
                body_text="请于12月1日前反馈落实情况。\n",
                body_html="<p>请于12月1日前反馈落实情况。</p>",
                status=OutboxStatus.QUEUED,
                attempts=0,
                next_attempt_at=LONG_AGO,
                created_at=LONG_AGO,
            )
        )
    db.session.commit()
    return ids


def test_should_send_at_most_the_message_in_flight_twice_when_send_mail_is_killed(app, smtp_server, migrated_database):
    queued = queue_many(QUEUED)
    smtp_server.slow(0.01)  # 10 ms per message: the run takes seconds, so the kill lands in the middle of it

    first = send_mail_process(migrated_database, smtp_server.port, "2026-11-26T10:00")
    smtp_server.wait_for(60, timeout=60)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate(timeout=30)
    assert first.returncode == -signal.SIGKILL
    time.sleep(0.2)  # let the server finish the message it was answering
    received_at_kill = len(smtp_server.messages)
    assert received_at_kill < QUEUED, "the kill came too late to test anything"

    second = send_mail_process(migrated_database, smtp_server.port, "2026-11-26T10:01")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err

    counts = collections.Counter(mail.header("Message-ID") for mail in smtp_server.messages)
    twice = sum(n - 1 for n in counts.values())
    db.session.expire_all()
    statuses = collections.Counter(db.session.scalars(db.select(OutboxMessage.status)).all())
    figures = (
        f"received before the kill {received_at_kill}, delivered {len(set(counts) & queued)} of {QUEUED}, "
        f"delivered twice {twice}, left sending {statuses[OutboxStatus.SENDING]}; second run: {out.strip()}"
    )
    assert set(counts) == queued, figures
    assert twice <= 1, figures
    assert statuses == {OutboxStatus.SENT: QUEUED}, figures
