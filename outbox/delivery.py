"""Delivering the outbox: claim due messages in small batches, send them over one SMTP connection, record each result.

The commits live in deliver_outbox(), not in the caller, because delivery is many short transactions by nature:
the claim of a small batch is committed before we talk to SMTP (so a second deliverer sees it and never sends the
same message), and each message's result is committed right after the server's answer, on a connection of its
own in autocommit (so a crash, even SIGKILL, resends at most the one message that was on the wire). Claims name
their deliverer ("host:pid:run"): the claims of a deliverer on this machine that is no longer running are
requeued at once, any other claim after MAIL_CLAIM_TIMEOUT_MINUTES. Every other function here only flushes.
"""

import contextlib
import functools
import logging
import os
import smtplib
import socket
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from flask_mail import BadHeaderError
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from audit import record_step
from clock import CHINA
from models.outbox import OutboxMessage, OutboxStatus
from outbox.mail import Recipient, new_outbox_message
from outbox.smtp_transport import (
    OutboxEmail,
    SmtpConnectionLost,
    TimedConnection,
    envelope_sender,
    smtp_answer,
    wire_bytes,
)
from workdays import WorkCalendar

log = logging.getLogger(__name__)

# Wait this long after the n-th failed attempt; hourly after the last step.
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 15, 30, 60))
SENT, TEMPORARY, PERMANENT = "sent", "temporary", "permanent"
ERROR_CHARS = 500


@dataclass(frozen=True)
class Envelope:
    """What a claimed message needs on the wire: a plain snapshot, so SMTP runs with no database transaction open."""

    id: int
    message_id: str
    recipient_email: str
    recipient_name: str | None
    subject: str
    body_text: str
    body_html: str | None
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """The result of one message's attempt: sent, a temporary failure (retry later) or a permanent one."""

    envelope: Envelope
    result: str
    error: str = ""


@dataclass
class DeliveryReport:
    """What one run of the deliverer did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting_for_office_hours: int = 0
    office_opens_at: datetime | None = None
    requeued_stale: int = 0
    connections: int = 0
    connection_error: str | None = None

    @property
    def attempted(self) -> int:
        """Messages claimed and tried in this run."""
        return self.sent + self.retried + self.failed


@dataclass(frozen=True)
class RequeueResult:
    """What requeue_messages() did: failed messages queued again, sent ones copied anew, others left alone."""

    requeued: int
    copied: int
    skipped: int


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 5, 15, 30, 60 minutes, then hourly."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


# ----- office hours ---------------------------------------------------------------------------------------------
def office_hours() -> tuple[time, time]:
    """The configured office hours (China time): OFFICE_HOURS_START inclusive, OFFICE_HOURS_END exclusive."""
    config = current_app.config
    return time.fromisoformat(config["OFFICE_HOURS_START"]), time.fromisoformat(config["OFFICE_HOURS_END"])


def is_office_hours(calendar: WorkCalendar, now: datetime) -> bool:
    """True on a working day (holidays and make-up days per the calendar) between the office hours, China time."""
    start, end = office_hours()
    local = now.astimezone(CHINA)
    return calendar.is_workday(local.date()) and start <= local.time() < end


def next_office_opening(calendar: WorkCalendar, now: datetime) -> datetime:
    """When the office next opens after `now` (China time), for telling people when waiting mail will go."""
    start, _ = office_hours()
    local = now.astimezone(CHINA)
    today_open = local.time() < start
    day = calendar.next_workday(local.date(), include_today=today_open)
    return datetime.combine(day, start, CHINA)


# ----- claimants -------------------------------------------------------------------------------------------------
def new_claimant() -> str:
    """A name for one delivery run: this machine, this process, and a run number ("host:pid:run")."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def process_is_running(pid: int) -> bool:
    """True when a process with this id exists on this machine (signal 0 checks without touching it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except (OverflowError, ValueError):
        return False
    return True


def claimant_is_dead(claimant: str | None) -> bool:
    """True only when the claimant ran on this machine and its process has ended; unknown claimants are alive."""
    if not claimant:
        return False
    parts = claimant.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname()[:80] or not parts[1].isdigit():
        return False
    return not process_is_running(int(parts[1]))


def dead_claimants(session: Session) -> list[str]:
    """The claimants of messages still SENDING whose process on this machine has ended."""
    claimants = session.scalars(
        select(OutboxMessage.claimed_by)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_by.is_not(None))
        .distinct()
    ).all()
    return [claimant for claimant in claimants if claimant_is_dead(claimant)]


# ----- queries ----------------------------------------------------------------------------------------------------
def count_due_messages(session: Session, *, now: datetime) -> int:
    """Messages waiting to be sent whose next attempt is due."""
    return session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
    )


def requeue_stale_claims(session: Session, *, now: datetime) -> int:
    """Put back messages left SENDING by a deliverer that died; count it as an attempt.

    A claim is stale when its deliverer ran on this machine and has ended (at once), or when it is older than
    MAIL_CLAIM_TIMEOUT_MINUTES (a deliverer elsewhere, or one from before claims were named).
    """
    config = current_app.config
    cutoff = now - timedelta(minutes=config["MAIL_CLAIM_TIMEOUT_MINUTES"])
    abandoned = [OutboxMessage.claimed_at <= cutoff]
    dead = dead_claimants(session)
    if dead:
        abandoned.append(OutboxMessage.claimed_by.in_(dead))
    stale = (OutboxMessage.status == OutboxStatus.SENDING) & or_(*abandoned)
    # A message that keeps killing its deliverer must not loop forever: it, too, gives up after the max attempts.
    gave_up = session.execute(
        update(OutboxMessage)
        .where(stale, OutboxMessage.attempts + 1 >= config["MAIL_MAX_ATTEMPTS"])
        .values(
            status=OutboxStatus.FAILED,
            attempts=OutboxMessage.attempts + 1,
            claimed_at=None,
            claimed_by=None,
            last_error="发送过程多次中断，已停止重试。",
        ),
        execution_options={"synchronize_session": False},
    ).rowcount
    requeued = session.execute(
        update(OutboxMessage)
        .where(stale)
        .values(
            status=OutboxStatus.QUEUED,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now,
            claimed_at=None,
            claimed_by=None,
            last_error="上次发送中断（发送进程异常退出），已重新排队。",
        ),
        execution_options={"synchronize_session": False},
    ).rowcount
    session.flush()
    return gave_up + requeued


@dataclass(frozen=True)
class StuckClaims:
    """Messages SENDING for longer than a run needs (their deliverer probably died): how many, since when."""

    count: int
    oldest_claim: datetime | None


def stuck_cutoff(now: datetime) -> datetime:
    """Claims older than this are probably interrupted (MAIL_STUCK_MINUTES; a batch takes seconds)."""
    return now - timedelta(minutes=int(current_app.config["MAIL_STUCK_MINUTES"]))


def stuck_claims(session: Session, *, now: datetime) -> StuckClaims:
    """The messages left SENDING since before stuck_cutoff(now), for the outbox screen."""
    count, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.claimed_at)).where(
            OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at <= stuck_cutoff(now)
        )
    ).one()
    if isinstance(oldest, str):  # SQLite may hand an aggregate back as the stored UTC text
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return StuckClaims(count, oldest)


def claim_due_messages(session: Session, *, now: datetime, limit: int, claimant: str | None = None) -> list[Envelope]:
    """Mark up to `limit` due messages SENDING (by `claimant`) in one atomic statement; never two claimers per row.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets concurrent claimers take different rows without waiting. The
    candidates are a MATERIALIZED CTE because PostgreSQL may re-run a plain `IN (subquery ... LIMIT)` for each
    row it updates, and with SKIP LOCKED each re-run takes further rows: far more than `limit` got claimed.
    SQLite (which has no FOR UPDATE) serialises writers on its database lock; the `status = queued` test in the
    UPDATE then sees the other claimer's committed rows and leaves them alone. Commit before sending.
    """
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(due.c.id)), OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENDING, claimed_at=now, claimed_by=claimant)
        .returning(
            OutboxMessage.id,
            OutboxMessage.message_id,
            OutboxMessage.recipient_email,
            OutboxMessage.recipient_name,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
            OutboxMessage.attempts,
        ),
        execution_options={"synchronize_session": False},
    ).all()
    return sorted((Envelope(*row) for row in claimed), key=lambda envelope: envelope.id)


# ----- sending ----------------------------------------------------------------------------------------------------
def build_email(envelope: Envelope, *, now: datetime) -> OutboxEmail:
    """The e-mail of one outbox message: its stable Message-ID, Date `now`, From the default sender, text + HTML."""
    message = OutboxEmail(
        subject=envelope.subject,
        recipients=[(envelope.recipient_name or "", envelope.recipient_email)],
        body=envelope.body_text,
        html=envelope.body_html,
        date=now.timestamp(),
    )
    # The row's Message-ID, the same on every retry, so a receiver can drop a duplicate of an unclear attempt.
    message.msgId = envelope.message_id
    return message


def send_one(connection: TimedConnection, envelope: Envelope, *, now: datetime) -> None:
    """Send one message over the open connection: its bytes made directly (wire_bytes) and handed to smtplib, or,
    for an unusual message or when sending is suppressed (tests), through Flask-Mail as a whole message."""
    sender = current_app.extensions["mail"].default_sender
    sender = tuple(sender) if isinstance(sender, list) else sender
    recipient = (envelope.recipient_name or "", envelope.recipient_email)
    raw = None
    if connection.host is not None and sender:
        raw = wire_bytes(
            sender=sender,
            recipient=recipient,
            subject=envelope.subject,
            text=envelope.body_text,
            html=envelope.body_html,
            date=now.timestamp(),
            message_id=envelope.message_id,
        )
    if raw is None:
        connection.send(build_email(envelope, now=now))
        return
    # wire_bytes made bytes only for ASCII addresses without a line break: MAIL FROM and RCPT TO take them bare.
    connection.host.sendmail(envelope_sender(sender), [envelope.recipient_email], raw)


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def _connection_failure(error: Exception, timeout: float) -> tuple[str, bool]:
    """What went wrong with the connection, in Chinese, and whether a new connection may take the message again
    (not after a timeout: a server that stalls is not asked again in this run)."""
    if isinstance(error, SmtpConnectionLost):
        return str(error), True
    if isinstance(error, TimeoutError):
        return f"邮件服务器无响应（超过 {timeout:g} 秒）", False
    if isinstance(error, ConnectionRefusedError):
        return "无法连接邮件服务器（连接被拒绝）", False
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib turns a read timeout into "Connection unexpectedly closed: timed out"; say what happened.
        if isinstance(error.__context__, TimeoutError):
            return f"邮件服务器无响应（超过 {timeout:g} 秒）", False
        return f"邮件服务器断开了连接（{error}）", True
    if isinstance(error, smtplib.SMTPResponseException):  # greeting, EHLO, STARTTLS or login refused
        code, answer = smtp_answer(error)
        return f"邮件服务器暂不可用（{code} {answer}）", False
    return f"无法连接邮件服务器（{error}）", True


class SmtpLink:
    """The run's one SMTP connection: opened for the first message, kept for every batch, opened again when lost.

    A connection that is lost (421, a disconnect) after it carried at least one message is opened again and the
    message at hand goes over the new one, so a server that limits messages per connection does not stop the run;
    a new connection that fails before carrying anything, a refused connection or a stalled server (timeout) end
    the run's sending: the message at hand and the rest of the batch are temporary failures. MAIL_MAX_EMAILS, when
    set, closes the connection after that many messages (the next message opens a new one).
    """

    def __init__(self, report: DeliveryReport):
        self.mail = current_app.extensions["mail"]
        self.timeout = float(current_app.config["MAIL_TIMEOUT"])
        self.report = report
        self.connection: TimedConnection | None = None
        self.carried = 0  # messages the server took over the current connection
        self.used = 0  # messages tried over the current connection

    def __enter__(self) -> "SmtpLink":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def open(self) -> TimedConnection:
        """The open connection, or a new one (counted in the report when it is a real one)."""
        if self.connection is None:
            connection = TimedConnection(self.mail, timeout=self.timeout)
            connection.__enter__()
            self.connection, self.carried, self.used = connection, 0, 0
            self.report.connections += connection.host is not None  # none when MAIL_SUPPRESS_SEND (tests)
        return self.connection

    def close(self) -> None:
        """Say QUIT, or just close a broken connection (TimedConnection's exit)."""
        connection, self.connection, self.carried, self.used = self.connection, None, 0, 0
        if connection is not None:
            connection.__exit__(None, None, None)

    def attempt(self, envelope: Envelope, *, now: datetime) -> Outcome:
        """Send one message; a refusal of this message is its outcome, a connection failure raises."""
        connection = self.open()
        self.used += 1
        try:
            send_one(connection, envelope, now=now)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
            code, answer = smtp_answer(error)
            if code == 421 or isinstance(error, smtplib.SMTPHeloError):
                raise SmtpConnectionLost(f"邮件服务器中止了会话（{code} {answer}）") from error
            if 400 <= code < 500:
                return Outcome(envelope, TEMPORARY, _short(f"暂时无法送达，稍后重试（{code} {answer}）"))
            return Outcome(envelope, PERMANENT, _short(f"邮件服务器拒收（{code} {answer}）"))
        except (BadHeaderError, ValueError, UnicodeError) as error:  # a newline in a header, a bad address
            return Outcome(envelope, PERMANENT, _short(f"邮件内容或收件地址有误：{error!r}"))
        else:
            self.carried += 1
            return Outcome(envelope, SENT)
        finally:
            if self.mail.max_emails and self.used >= self.mail.max_emails:
                self.close()

    def send(self, envelopes: list[Envelope], *, now: datetime) -> Iterator[Outcome]:
        """Send the messages in order, yielding each outcome as soon as it is known (no database work).

        A refusal of one message (4xx/5xx at MAIL, RCPT or DATA) concerns that message only; the connection goes
        on. When the connection fails for good, the current and every remaining message are temporary failures
        and report.connection_error says why.
        """
        for index, envelope in enumerate(envelopes):
            while True:
                try:
                    outcome = self.attempt(envelope, now=now)
                except (SmtpConnectionLost, OSError) as error:  # smtplib's errors are OSErrors too
                    text, may_reconnect = _connection_failure(error, self.timeout)
                    may_reconnect = may_reconnect and self.carried > 0  # only a connection that worked
                    self.close()
                    if may_reconnect:
                        log.info("outbox: SMTP connection lost (%s); opening a new one", text)
                        continue
                    self.report.connection_error = _short(text)
                    for rest in envelopes[index:]:
                        yield Outcome(rest, TEMPORARY, self.report.connection_error)
                    return
                break
            yield outcome


@functools.lru_cache(maxsize=16)
def _outcome_update(by_claimant: bool, keys: tuple[str, ...]):
    """UPDATE of one message's result, if our claim still holds; built once per shape, its values bound per row."""
    ours = (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at == bindparam("claimed_now"))
    if by_claimant:
        ours &= OutboxMessage.claimed_by == bindparam("claimant")
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == bindparam("row_id"), ours)
        .values({key: bindparam(f"new_{key}") for key in keys})
    )


def record_outcomes(
    target: Session | Connection,
    outcomes: Iterable[Outcome],
    *,
    now: datetime,
    report: DeliveryReport,
    claimant: str | None = None,
) -> None:
    """Write each outcome to its row, if our claim (status SENDING, claimed at `now` by `claimant`) holds.

    `target` is the session (flushed; the caller commits) or the run's results connection (outcome_connection:
    each UPDATE is committed by itself).
    """
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    options = {} if isinstance(target, Connection) else {"synchronize_session": False}
    for outcome in outcomes:
        envelope, attempts = outcome.envelope, outcome.envelope.attempts + 1
        values = {"attempts": attempts, "claimed_at": None, "claimed_by": None}
        if outcome.result == SENT:
            values.update(status=OutboxStatus.SENT, sent_at=now, last_error=None)
            report.sent += 1
        elif outcome.result == TEMPORARY and attempts < max_attempts:
            values.update(status=OutboxStatus.QUEUED, next_attempt_at=now + retry_delay(attempts))
            values.update(last_error=outcome.error)
            report.retried += 1
        else:
            error = outcome.error
            if outcome.result == TEMPORARY:
                error = _short(f"已尝试 {attempts} 次仍未送达，不再重试。最后一次：{error}")
            values.update(status=OutboxStatus.FAILED, last_error=error)
            report.failed += 1
        stmt = _outcome_update(claimant is not None, tuple(sorted(values)))
        params = {f"new_{key}": value for key, value in values.items()}
        params.update(row_id=envelope.id, claimed_now=now, claimant=claimant)
        if target.execute(stmt, params, execution_options=options).rowcount == 0:
            # Another deliverer took the claim over (ours outlived MAIL_CLAIM_TIMEOUT_MINUTES); its result stands.
            log.warning(
                "outbox message %s: claim lost before its result (%s) was recorded", envelope.id, outcome.result
            )
    if not isinstance(target, Connection):
        target.flush()


class SentRecorder:
    """Marks a sent message SENT on the run's results connection: the one write most messages need, made cheap.

    The UPDATE is record_outcomes' own statement for a sent message, compiled once for the run with its values
    bound once (SENT, sent at `now`, no error, claim released; where our claim, `now` by `claimant`, holds); each
    message then only binds its id and attempt count and goes to the driver's cursor, skipping SQLAlchemy's
    per-statement work. A database error is raised as SQLAlchemy's (DBAPIError), as from any other statement.
    """

    KEYS = ("attempts", "claimed_at", "claimed_by", "last_error", "sent_at", "status")

    def __init__(self, connection: Connection, *, now: datetime, claimant: str, report: DeliveryReport):
        self.report = report
        dialect = connection.dialect
        compiled = _outcome_update(True, self.KEYS).compile(dialect=dialect)
        values = {"new_attempts": 0, "new_sent_at": now, "new_status": OutboxStatus.SENT, "row_id": 0}
        values.update(new_claimed_at=None, new_claimed_by=None, new_last_error=None)
        values.update(claimed_now=now, claimant=claimant)
        self.params = {}
        for name, value in compiled.construct_params(values).items():
            process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            self.params[name] = process(value) if process else value
        self.sql, self.order = compiled.string, compiled.positiontup if compiled.positional else None
        self.dbapi_error = dialect.loaded_dbapi.Error
        self.cursor = connection.connection.driver_connection.cursor()

    def record(self, envelope: Envelope) -> None:
        """Mark this message SENT (autocommitted), if our claim on it holds."""
        params = self.params
        params["row_id"], params["new_attempts"] = envelope.id, envelope.attempts + 1
        args = params if self.order is None else tuple(params[name] for name in self.order)
        try:
            self.cursor.execute(self.sql, args)
        except self.dbapi_error as error:
            raise DBAPIError.instance(self.sql, args, error, self.dbapi_error) from error
        self.report.sent += 1
        if self.cursor.rowcount == 0:
            # Another deliverer took the claim over (ours outlived MAIL_CLAIM_TIMEOUT_MINUTES); its result stands.
            log.warning("outbox message %s: claim lost before its result (sent) was recorded", envelope.id)


@contextlib.contextmanager
def outcome_connection(session: Session) -> Iterator[Connection]:
    """A database connection of its own for the run's results, on which every statement commits by itself.

    The crash guarantee needs one commit per message, after the server's answer and before the next message goes
    out: then a SIGKILL leaves at most the message on the wire unrecorded. So that commit must be cheap: one
    UPDATE in autocommit (no BEGIN, no COMMIT round trip, no session bookkeeping). SQLite runs in WAL with
    synchronous=NORMAL (database.py): a commit is a write into the WAL, not an fsync. PostgreSQL commits these
    results with synchronous_commit off (on this connection, for this run only, reset before it goes back to the
    pool): the server has the commit in memory and makes it visible at once; it is written to disk within a
    fraction of a second. Neither loses a committed result when the deliverer dies, whatever the signal; only a
    crash of the database server or the machine could forget the last fraction of a second of results, and then
    those messages are still claimed by the dead deliverer and go out once more with the same Message-ID, as
    after any interrupted run. Claims stay ordinary, durable commits on the session.
    """
    engine = session.get_bind(OutboxMessage).engine
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    postgresql = connection.dialect.name == "postgresql"
    try:
        if postgresql:
            connection.exec_driver_sql("SET synchronous_commit TO off")
        yield connection
    finally:
        try:
            if postgresql:
                connection.exec_driver_sql("RESET synchronous_commit")
        except SQLAlchemyError:
            connection.invalidate()  # never hand our setting (or a broken connection) back to the pool
        connection.close()


def deliver_outbox(session: Session, *, now: datetime, limit: int | None = None) -> DeliveryReport:
    """Deliver due messages in office hours over one SMTP connection, claiming small batches, recording each result.

    Each batch (MAIL_BATCH_SIZE) is claimed and committed, then sent over the run's SMTP connection; every
    message's result is committed right after the server's answer (outcome_connection), so a crash (even SIGKILL)
    leaves at most the message on the wire unrecorded. The run stops when nothing is due, after `limit` messages,
    or when the connection failed for good.
    """
    report = DeliveryReport()
    report.requeued_stale = requeue_stale_claims(session, now=now)
    session.commit()
    calendar = WorkCalendar.load(session)
    if not is_office_hours(calendar, now):
        report.waiting_for_office_hours = count_due_messages(session, now=now)
        report.office_opens_at = next_office_opening(calendar, now)
        session.commit()
        return report
    batch_size = int(current_app.config["MAIL_BATCH_SIZE"])
    claimant = new_claimant()
    with SmtpLink(report) as link, outcome_connection(session) as results:
        sent = SentRecorder(results, now=now, claimant=claimant, report=report)
        while limit is None or report.attempted < limit:
            size = batch_size if limit is None else min(batch_size, limit - report.attempted)
            envelopes = claim_due_messages(session, now=now, limit=size, claimant=claimant)
            session.commit()  # the claim must be visible to other deliverers before anything goes out
            if not envelopes:
                break
            recorded: set[int] = set()
            try:
                for outcome in link.send(envelopes, now=now):
                    # Committed at once (autocommit), right after the server's answer, before the next message.
                    if outcome.result == SENT:
                        sent.record(outcome.envelope)
                    else:
                        record_outcomes(results, [outcome], now=now, report=report, claimant=claimant)
                    recorded.add(outcome.envelope.id)
            except Exception as error:
                # Something unexpected broke the batch: give back the claims not yet tried, so the next run (even
                # in this same process) takes them up again, then let the error go on.
                session.rollback()
                unsent = [
                    Outcome(envelope, TEMPORARY, _short(f"发送过程出错：{error!r}"))
                    for envelope in envelopes
                    if envelope.id not in recorded
                ]
                try:
                    record_outcomes(session, unsent, now=now, report=report, claimant=claimant)
                    session.commit()
                except Exception:  # the database itself is gone: the claims wait for requeue_stale_claims()
                    session.rollback()
                    log.exception("outbox: could not give back %d claimed messages", len(unsent))
                raise
            if report.connection_error:
                break
    return report


# ----- sending again, from the outbox screen -------------------------------------------------------------------
def requeue_messages(session: Session, ids: Iterable[int], *, now: datetime) -> RequeueResult:
    """Send chosen messages again: a failed one is queued afresh, a sent one as a NEW message with a new Message-ID.

    Messages still queued or being sent are left alone. Each resend is recorded in the audit trail.
    """
    requeued = copied = skipped = 0
    wanted = [int(i) for i in ids]
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(wanted))).all():
        if message.status == OutboxStatus.FAILED:
            message.status = OutboxStatus.QUEUED
            message.attempts = 0
            message.next_attempt_at = now
            message.claimed_at = None
            message.last_error = None
            session.flush()
            record_step(session, "重新发送", message, f"{message.recipient_email}：{message.subject}", now=now)
            requeued += 1
        elif message.status == OutboxStatus.SENT:
            copy = copy_as_new_message(session, message, now=now)
            record_step(
                session,
                "重新发送",
                message,
                f"已发送的邮件另作新邮件（#{copy.id}，{copy.message_id}）再发一次：{message.recipient_email}",
                now=now,
            )
            copied += 1
        else:
            skipped += 1
    skipped += len(set(wanted)) - (requeued + copied + skipped)
    session.flush()
    return RequeueResult(requeued, copied, skipped)


def copy_as_new_message(session: Session, message: OutboxMessage, *, now: datetime) -> OutboxMessage:
    """A fresh queued copy of a message, with its own Message-ID (the receiver sees a new e-mail); flushed."""
    copy = new_outbox_message(
        kind=message.kind,
        recipient=Recipient(message.recipient_email, message.recipient_name or ""),
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        now=now,
        public_url=message.public_url,
        dedupe_key=None,  # the original keeps the key; a deliberate resend must not be de-duplicated away
        item_id=message.item_id,
        assignment_id=message.assignment_id,
        notice_id=message.notice_id,
    )
    session.add(copy)
    session.flush()
    return copy
