"""Delivering the outbox to a real SMTP server: one connection per run, retries, faults, office hours, races."""

import multiprocessing
import os
import smtplib
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from clock import CHINA
from extensions import db
from models.outbox import OutboxMessage, OutboxStatus
from outbox.delivery import deliver_outbox, retry_delay
from tests.conftest import make_config
from tests.smtp import closed_port, smtp_server_fixture  # noqa: F401

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)  # a Thursday, a working day, in office hours
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """Mail to the test SMTP server."""
    return make_config(migrated_database, **smtp_server.mail_config(MAIL_TIMEOUT=1))


def queue(email: str = "zhang@example.org", name: str | None = "张三", **fields) -> OutboxMessage:
    """A queued outbox message, due since long ago, committed (the deliverer commits, so tests do too)."""
    message = OutboxMessage(
        message_id=f"<{uuid.uuid4().hex}@duban.test>",
        kind=fields.pop("kind", "reminder"),
        recipient_email=email,
        recipient_name=name,
        subject=fields.pop("subject", "催办通知：请于12月1日前反馈落实情况"),
        body_text=fields.pop("body_text", "张三同志：\n\n请于12月1日前反馈落实情况。\n"),
        body_html=fields.pop("body_html", "<p>张三同志：</p><p>请于<b>12月1日</b>前反馈落实情况。</p>"),
        status=fields.pop("status", OutboxStatus.QUEUED),
        attempts=fields.pop("attempts", 0),
        next_attempt_at=fields.pop("next_attempt_at", LONG_AGO),
        created_at=LONG_AGO,
        **fields,
    )
    db.session.add(message)
    db.session.commit()
    return message


def reload(message: OutboxMessage) -> OutboxMessage:
    """The message as the database has it now."""
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_should_deliver_a_queued_message_with_its_message_id_sender_recipient_and_both_bodies(app, smtp_server):
    message = queue()
    report = deliver_outbox(db.session, now=NOW)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["zhang@example.org"] and mail.mail_from == "duban@localhost"
    assert mail.header("Message-ID") == message.message_id
    assert parsedate_to_datetime(mail.header("Date")) == NOW
    sender, recipient = mail.message["From"].addresses[0], mail.message["To"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("林业局督查室", "duban@localhost")
    assert (recipient.display_name, recipient.addr_spec) == ("张三", "zhang@example.org")
    assert "=?utf-8?" in mail.raw.split(b"\r\n\r\n")[0].decode("ascii")  # the name travels encoded (RFC 2047)
    assert mail.subject == "催办通知：请于12月1日前反馈落实情况"
    assert mail.message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mail.message.iter_parts()] == ["text/plain", "text/html"]
    assert mail.text == "张三同志：\n\n请于12月1日前反馈落实情况。\n"
    assert "<b>12月1日</b>" in mail.html
    message = reload(message)
    assert message.status == OutboxStatus.SENT and message.sent_at == NOW and message.attempts == 1
    assert message.claimed_at is None and message.last_error is None


def test_should_send_a_text_only_message_as_plain_text(app, smtp_server):
    queue(body_html=None, name=None)
    deliver_outbox(db.session, now=NOW)
    (mail,) = smtp_server.wait_for(1)
    assert mail.message.get_content_type() == "text/plain" and "反馈落实情况" in mail.text
    assert mail.header("To") == "zhang@example.org"


def test_should_send_a_whole_batch_over_one_connection(app, smtp_server):
    for n in range(5):
        queue(f"user{n}@example.org")
    report = deliver_outbox(db.session, now=NOW)
    mails = smtp_server.wait_for(5)
    assert report.sent == 5 and report.connections == 1
    assert smtp_server.connections == 1 and {mail.connection for mail in mails} == {1}


def test_should_send_every_batch_of_a_run_over_one_connection_and_respect_the_limit(app, smtp_server):
    app.config["MAIL_BATCH_SIZE"] = 2
    for n in range(5):
        queue(f"user{n}@example.org")
    report = deliver_outbox(db.session, now=NOW, limit=4)
    smtp_server.wait_for(4)
    assert report.sent == 4 and report.connections == 1 and smtp_server.connections == 1
    assert deliver_outbox(db.session, now=NOW).sent == 1 and smtp_server.connections == 2


def test_should_open_a_new_connection_when_the_server_ends_the_session_mid_run(app, smtp_server):
    messages = [queue(f"user{n}@example.org") for n in range(4)]
    smtp_server.fail_next(1, code=421, text="4.7.0 Too many messages on this connection", after=2)
    report = deliver_outbox(db.session, now=NOW)
    mails = smtp_server.wait_for(4)
    assert (report.sent, report.retried, report.connection_error) == (4, 0, None)
    assert report.connections == smtp_server.connections == 2
    assert [mail.connection for mail in mails] == [1, 1, 2, 2]
    assert [mail.rcpt_tos for mail in mails] == [[message.recipient_email] for message in messages]


def test_should_stop_when_a_new_connection_is_ended_before_it_carried_anything(app, smtp_server):
    for n in range(3):
        queue(f"user{n}@example.org")
    smtp_server.fail_next(1, code=421)
    report = deliver_outbox(db.session, now=NOW)
    assert (report.sent, report.retried) == (0, 3) and "中止了会话（421" in report.connection_error
    assert smtp_server.connections == 1 and smtp_server.messages == []


def test_should_stop_when_the_new_connection_cannot_be_opened(app, smtp_server, monkeypatch):
    from outbox.smtp_transport import TimedConnection

    for n in range(3):
        queue(f"user{n}@example.org")
    smtp_server.fail_next(1, code=421, after=1)
    opened = []
    configure_host = TimedConnection.configure_host

    def fail_the_second(connection):
        opened.append(connection)
        if len(opened) > 1:
            raise OSError(113, "No route to host")
        return configure_host(connection)

    monkeypatch.setattr(TimedConnection, "configure_host", fail_the_second)
    report = deliver_outbox(db.session, now=NOW)
    assert (report.sent, report.retried) == (1, 2) and "无法连接邮件服务器" in report.connection_error
    assert len(opened) == 2 and len(smtp_server.wait_for(1)) == 1


def test_should_honour_mail_max_emails_with_a_new_connection(app, smtp_server):
    app.extensions["mail"].max_emails = 2
    for n in range(5):
        queue(f"user{n}@example.org")
    assert deliver_outbox(db.session, now=NOW).sent == 5
    assert [mail.connection for mail in smtp_server.wait_for(5)] == [1, 1, 2, 2, 3]


def test_should_back_off_1_5_15_30_60_minutes_then_hourly():
    assert [retry_delay(n) for n in range(1, 9)] == [timedelta(minutes=m) for m in (1, 5, 15, 30, 60, 60, 60, 60)]


def test_should_retry_a_451_later_with_backoff_and_deliver_it_exactly_once(app, smtp_server):
    message = queue()
    smtp_server.fail_next(1, code=451)
    report = deliver_outbox(db.session, now=NOW)
    assert report.retried == 1 and report.sent == 0
    message = reload(message)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert message.next_attempt_at == NOW + timedelta(minutes=1)
    assert "暂时无法送达" in message.last_error and "451 4.3.0 Try again later" in message.last_error

    assert deliver_outbox(db.session, now=NOW + timedelta(seconds=59)).attempted == 0  # not due yet
    assert deliver_outbox(db.session, now=NOW + timedelta(minutes=1)).sent == 1
    assert deliver_outbox(db.session, now=NOW + timedelta(minutes=2)).attempted == 0
    assert [mail.header("Message-ID") for mail in smtp_server.wait_for(1)] == [message.message_id]
    assert smtp_server.rejected == 1 and len(smtp_server.messages) == 1
    message = reload(message)
    assert message.status == OutboxStatus.SENT and message.attempts == 2 and message.last_error is None


def test_should_retry_a_451_at_rcpt_like_one_at_data(app, smtp_server):
    message = queue("busy@example.org")
    smtp_server.refuse("busy@example.org", code=451, text="4.2.1 Mailbox busy")
    assert deliver_outbox(db.session, now=NOW).retried == 1
    message = reload(message)
    assert message.status == OutboxStatus.QUEUED and "451 4.2.1 Mailbox busy" in message.last_error


def test_should_give_up_after_the_maximum_number_of_attempts(app, smtp_server):
    message = queue(attempts=app.config["MAIL_MAX_ATTEMPTS"] - 1)
    smtp_server.fail_next(1, code=451)
    assert deliver_outbox(db.session, now=NOW).failed == 1
    message = reload(message)
    assert message.status == OutboxStatus.FAILED and message.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert "不再重试" in message.last_error and "451" in message.last_error


def test_should_fail_a_refused_recipient_with_the_servers_answer_and_deliver_the_others(app, smtp_server):
    first, refused, last = queue("a@example.org"), queue("nobody@example.org"), queue("c@example.org")
    smtp_server.refuse("nobody@example.org")
    report = deliver_outbox(db.session, now=NOW)
    assert (report.sent, report.failed, report.retried) == (2, 1, 0)
    assert sorted(mail.rcpt_tos[0] for mail in smtp_server.wait_for(2)) == ["a@example.org", "c@example.org"]
    assert smtp_server.connections == 1
    refused = reload(refused)
    assert refused.status == OutboxStatus.FAILED
    assert refused.last_error == "邮件服务器拒收（550 5.1.1 Mailbox unavailable）"
    assert reload(first).status == reload(last).status == OutboxStatus.SENT


def test_should_fail_a_message_refused_at_data_with_5xx(app, smtp_server):
    message = queue()
    smtp_server.fail_next(1, code=554, text="5.7.1 Spam detected")
    assert deliver_outbox(db.session, now=NOW).failed == 1
    assert reload(message).last_error == "邮件服务器拒收（554 5.7.1 Spam detected）"


def test_should_keep_every_message_queued_with_backoff_when_the_connection_is_refused(app, monkeypatch):
    messages = [queue(f"user{n}@example.org") for n in range(3)]
    with closed_port() as port:
        monkeypatch.setattr(app.extensions["mail"], "port", port)
        report = deliver_outbox(db.session, now=NOW)
    assert (report.sent, report.retried, report.failed) == (0, 3, 0)
    assert "连接被拒绝" in report.connection_error
    for message in map(reload, messages):
        assert message.status == OutboxStatus.QUEUED and message.attempts == 1
        assert message.next_attempt_at == NOW + timedelta(minutes=1) and "连接被拒绝" in message.last_error


def test_should_give_up_on_a_hung_server_within_the_timeout_and_keep_the_message_queued(app, smtp_server):
    message = queue()
    smtp_server.hang(10)
    started = time.monotonic()
    report = deliver_outbox(db.session, now=NOW)
    # bounded by the timeout, not by the hang (10 s); the margin absorbs a busy machine (parallel test workers)
    assert time.monotonic() - started < app.config["MAIL_TIMEOUT"] + 4
    assert report.retried == 1 and "无响应（超过 1 秒）" in report.connection_error
    message = reload(message)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1 and "无响应" in message.last_error


def test_should_keep_what_was_sent_and_requeue_the_rest_when_the_server_hangs_mid_batch(app, smtp_server):
    first, second, third = (queue(f"user{n}@example.org") for n in range(3))
    smtp_server.hang(10, after=1)
    report = deliver_outbox(db.session, now=NOW)
    assert (report.sent, report.retried) == (1, 2)
    assert reload(first).status == OutboxStatus.SENT
    assert reload(second).status == reload(third).status == OutboxStatus.QUEUED


def test_should_have_a_strict_test_server_that_refuses_an_8bit_line_over_998_bytes(smtp_server):
    line = ("督查督办" * 500).encode()  # 2,000 characters, 6,000 bytes
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail("a@example.org", ["b@example.org"], raw + line + b"\r\n")
    assert refused.value.smtp_code == 500 and b"Line too long" in refused.value.smtp_error


def test_should_deliver_a_chinese_line_of_2000_characters_to_a_strict_server(app, smtp_server):
    line = ("请各单位高度重视并按时报送落实情况" * 120)[:2000]
    message = queue(body_text=f"张三同志：\n{line}\n", body_html=f"<p>{line}</p>")
    assert deliver_outbox(db.session, now=NOW).sent == 1
    (mail,) = smtp_server.wait_for(1)
    assert line in mail.text and line in mail.html
    assert max(len(raw_line) for raw_line in mail.raw.split(b"\r\n")) <= 998
    assert reload(message).status == OutboxStatus.SENT


@pytest.mark.parametrize(
    "moment, sends",
    [
        (datetime(2026, 11, 26, 7, 59, 59, tzinfo=CHINA), False),  # Thursday, one second before opening
        (datetime(2026, 11, 26, 8, 0, tzinfo=CHINA), True),
        (datetime(2026, 11, 26, 17, 59, 59, tzinfo=CHINA), True),
        (datetime(2026, 11, 26, 18, 0, tzinfo=CHINA), False),  # the end is exclusive
        (datetime(2026, 11, 28, 10, 0, tzinfo=CHINA), False),  # an ordinary Saturday
        (datetime(2026, 10, 10, 10, 0, tzinfo=CHINA), True),  # the make-up working Saturday after National Day
        (datetime(2026, 10, 5, 10, 0, tzinfo=CHINA), False),  # National Day holiday, a Monday
    ],
)
def test_should_send_only_in_office_hours_on_working_days(app, smtp_server, moment, sends):
    message = queue()
    report = deliver_outbox(db.session, now=moment)
    assert report.sent == (1 if sends else 0)
    assert report.waiting_for_office_hours == (0 if sends else 1)
    assert reload(message).status == (OutboxStatus.SENT if sends else OutboxStatus.QUEUED)
    assert reload(message).attempts == (1 if sends else 0)
    assert len(smtp_server.messages) == (1 if sends else 0) and smtp_server.connections == (1 if sends else 0)


def test_should_say_when_the_office_opens_again(app):
    queue()
    friday_evening = datetime(2026, 11, 27, 18, 30, tzinfo=CHINA)
    report = deliver_outbox(db.session, now=friday_evening)
    assert report.office_opens_at == datetime(2026, 11, 30, 8, 0, tzinfo=CHINA)
    early = deliver_outbox(db.session, now=datetime(2026, 11, 26, 7, 0, tzinfo=CHINA))
    assert early.office_opens_at == datetime(2026, 11, 26, 8, 0, tzinfo=CHINA)


def test_should_requeue_a_claim_abandoned_longer_than_the_claim_timeout(app, smtp_server):
    timeout = timedelta(minutes=app.config["MAIL_CLAIM_TIMEOUT_MINUTES"])
    fresh = queue("fresh@example.org", status=OutboxStatus.SENDING, claimed_at=NOW - timeout + timedelta(seconds=1))
    stale = queue("stale@example.org", status=OutboxStatus.SENDING, claimed_at=NOW - timeout)
    report = deliver_outbox(db.session, now=NOW)
    assert report.requeued_stale == 1 and report.sent == 1
    assert [mail.rcpt_tos for mail in smtp_server.wait_for(1)] == [["stale@example.org"]]
    assert reload(stale).status == OutboxStatus.SENT and reload(stale).attempts == 2
    assert reload(fresh).status == OutboxStatus.SENDING


def test_should_not_overwrite_a_result_when_another_deliverer_took_the_claim_over(app, smtp_server):
    from outbox.delivery import DeliveryReport, Outcome, claim_due_messages, record_outcomes

    message = queue()
    (envelope,) = claim_due_messages(db.session, now=NOW, limit=10)
    db.session.commit()
    later = NOW + timedelta(minutes=20)
    db.session.execute(
        db.update(OutboxMessage).where(OutboxMessage.id == message.id).values(claimed_at=later)
    )  # a newer deliverer's claim
    record_outcomes(db.session, [Outcome(envelope, "temporary", "x")], now=NOW, report=DeliveryReport())
    db.session.commit()
    message = reload(message)
    assert message.status == OutboxStatus.SENDING and message.claimed_at == later


def test_should_send_nothing_twice_when_send_mail_runs_twice(app, runner, smtp_server):
    queue()
    first = runner.invoke(args=["send-mail", "--now", "2026-11-26T10:00"])
    second = runner.invoke(args=["send-mail", "--now", "2026-11-26T10:00"])
    assert first.exit_code == 0 and "已发送 1 封" in first.output, first.output
    assert second.exit_code == 0 and "没有到期的待发送邮件" in second.output
    assert len(smtp_server.wait_for(1)) == 1 and smtp_server.rejected == 0


def test_should_explain_in_chinese_that_mail_waits_for_office_hours(app, runner, smtp_server):
    queue()
    result = runner.invoke(args=["send-mail", "--now", "2026-11-28T10:00"])
    assert result.exit_code == 0 and "不在办公时间" in result.output
    assert "1 封到期邮件等待发送" in result.output and "2026-11-30 08:00" in result.output
    assert smtp_server.messages == []


def test_should_report_a_connection_failure_and_refuse_a_bad_time_in_chinese(app, runner, monkeypatch):
    queue()
    with closed_port() as port:
        monkeypatch.setattr(app.extensions["mail"], "port", port)
        result = runner.invoke(args=["send-mail", "--now", "2026-11-26T10:00", "--limit", "5"])
    assert result.exit_code == 0 and "稍后重试 1 封" in result.output and "连接被拒绝" in result.output
    bad = runner.invoke(args=["send-mail", "--now", "明天"])
    assert bad.exit_code == 2 and "无法识别的时间" in bad.output
    assert runner.invoke(args=["send-mail", "--help"]).exit_code == 0


def deliver_in_another_process(config: dict, barrier) -> int:
    """Worker process: build the app, wait for the others, deliver everything due; return how many it sent."""
    from app import create_app

    app = create_app(config)
    with app.app_context():
        barrier.wait()
        return deliver_outbox(db.session, now=NOW).sent


def test_should_deliver_every_message_exactly_once_when_deliverers_race(app, app_config, smtp_server):
    messages = [queue(f"user{n}@example.org") for n in range(60)]
    config = {**app_config, "MAIL_BATCH_SIZE": 4}
    context = multiprocessing.get_context("spawn")
    workers = 3
    with context.Manager() as manager:
        barrier = manager.Barrier(workers)
        with context.Pool(workers) as pool:
            sent = pool.starmap(deliver_in_another_process, [(config, barrier)] * workers)
    assert sum(sent) == 60
    received = [mail.header("Message-ID") for mail in smtp_server.wait_for(60)]
    assert len(received) == len(set(received)) == 60
    assert set(received) == {message.message_id for message in messages}
    db.session.expire_all()
    statuses = db.session.scalars(db.select(OutboxMessage.status)).all()
    assert statuses == [OutboxStatus.SENT] * 60


def test_should_requeue_at_once_the_claims_of_a_deliverer_on_this_machine_that_has_ended(app, smtp_server):
    import socket
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host = socket.gethostname()
    dead = queue(
        "dead@example.org", status=OutboxStatus.SENDING, claimed_at=NOW, claimed_by=f"{host}:{ended.stdout.strip()}:a"
    )
    alive = queue(
        "alive@example.org", status=OutboxStatus.SENDING, claimed_at=NOW, claimed_by=f"{host}:{os.getpid()}:b"
    )
    elsewhere = queue("far@example.org", status=OutboxStatus.SENDING, claimed_at=NOW, claimed_by="other-host:1:c")
    report = deliver_outbox(db.session, now=NOW)
    assert report.requeued_stale == 1 and report.sent == 1
    assert [mail.rcpt_tos for mail in smtp_server.wait_for(1)] == [["dead@example.org"]]
    assert reload(dead).status == OutboxStatus.SENT and reload(dead).claimed_by is None
    assert reload(alive).status == reload(elsewhere).status == OutboxStatus.SENDING
