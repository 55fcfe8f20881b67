"""Benchmark: deliver queued outbox messages to a local aiosmtpd server (`deliver_outbox`), beside a plain smtplib loop.

    .venv/bin/python scripts/bench_outbox.py [--messages 2000] [--rounds 5] [--batch-size 100] [--database-url URL]

Prints the delivery rate in messages per second (claim, send over the run's one connection, record each result), and
the floor measured against the same server in the same run: a plain smtplib loop over one connection sending the
same kind of messages as bytes built beforehand. The messages are split into rounds; each round queues its share,
then runs the floor and `deliver_outbox` one after the other (the order alternating from round to round), so both
see the same load on a busy machine; the rates are the medians of the rounds'. Targets: ≥ 1,000 messages/s and
≥ 0.5x the floor. The last line is `RESULT messages=… per_second=… floor_per_second=…`.
"""

import argparse
import smtplib
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from clock import CHINA  # noqa: E402
from extensions import db  # noqa: E402
from models.outbox import OutboxMessage, OutboxStatus  # noqa: E402
from outbox.delivery import Envelope, build_email, deliver_outbox  # noqa: E402
from tests.smtp import SMTPTestServer  # noqa: E402

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)  # a working Thursday, in office hours
BODY = "张三同志：\n\n请于2026年12月1日前通过督查督办系统反馈“国土绿化行动”落实情况。\n\n林业局督查室\n"


def queue_messages(count: int) -> None:
    """Insert `count` queued messages by bulk Core inserts (the shape queue_mail writes), committed."""
    rows = [
        {
            "message_id": f"<{uuid.uuid4().hex}@bench.test>",
            "kind": "reminder",
            "recipient_email": f"liaison{n}@example.org",
            "recipient_name": f"联络员{n}",
            "subject": f"催办通知单：督〔2026〕{n}号事项请按时反馈",
            "body_text": BODY,
            "body_html": "<p>" + BODY.replace("\n", "<br>") + "</p>",
            "status": OutboxStatus.QUEUED,
            "attempts": 0,
            "next_attempt_at": NOW,
            "created_at": NOW,
        }
        for n in range(count)
    ]
    db.session.execute(sa.insert(OutboxMessage), rows)
    db.session.commit()


def plain_smtplib(server, count: int) -> float:
    """Seconds a plain smtplib loop takes to send `count` pre-built messages over one connection to `server`."""
    sender = "督查室 <duban@bench.test>"
    messages = [
        (
            f"liaison{n}@example.org",
            build_email(
                Envelope(n, f"<{uuid.uuid4().hex}@bench.test>", f"liaison{n}@example.org", f"联络员{n}",
                         f"催办通知单：督〔2026〕{n}号事项请按时反馈", BODY,
                 "<p>" + BODY.replace("\n", "<br>") + "</p>", 0),
                now=NOW,
            ).as_bytes(),
        )
        for n in range(count)
    ]  # fmt: skip
    started = time.perf_counter()
    with smtplib.SMTP(server.host, server.port, timeout=30) as connection:
        for recipient, raw in messages:
            connection.sendmail(sender, [recipient], raw)
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds the messages are split into")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="duban-bench-outbox-")
    server = SMTPTestServer().start()
    rounds = []  # (messages, delivery seconds, floor seconds, SMTP connections of the delivery)
    try:
        app = create_app(
            {
                "SECRET_KEY": "bench",  # nosec B105
                "INSTANCE_PATH": workdir,
                "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{workdir}/bench.sqlite",
                "MAIL_BATCH_SIZE": args.batch_size,
                **server.mail_config(MAIL_TIMEOUT=30),
            }
        )
        with app.app_context():
            upgrade()
            backend = db.engine.dialect.name
            received = 0
            for number in range(args.rounds):
                count = args.messages // args.rounds + (number < args.messages % args.rounds)
                queue_messages(count)
                floor = plain_smtplib(server, count) if number % 2 == 0 else None
                connections = server.connections
                started = time.perf_counter()
                report = deliver_outbox(db.session, now=NOW)
                elapsed = time.perf_counter() - started
                connections = server.connections - connections
                assert report.sent == count, report  # nosec B101
                if floor is None:
                    floor = plain_smtplib(server, count)
                received += 2 * count
                server.wait_for(received, timeout=30)
                rounds.append((count, elapsed, floor, connections))
    finally:
        server.stop()
    sent = sum(count for count, *_ in rounds)
    rate = statistics.median(count / elapsed for count, elapsed, _, _ in rounds)
    floor_rate = statistics.median(count / floor for count, _, floor, _ in rounds)
    heading = ("round", "messages", "deliver s", "msg/s", "floor s", "msg/s", "connections")
    print("\n" + " ".join(f"{text:>{width}s}" for text, width in zip(heading, (5, 8, 9, 7, 8, 7, 11), strict=True)))
    for number, (count, elapsed, floor, connections) in enumerate(rounds, 1):
        print(
            f"{number:5d} {count:8d} {elapsed:9.3f} {count / elapsed:7.0f} {floor:8.3f} {count / floor:7.0f} "
            f"{connections:11d}"
        )
    print(f"deliver_outbox ({backend}), median of the rounds: {rate:.0f} msg/s")
    print(f"floor: plain smtplib, pre-built bytes, one connection, median of the rounds: {floor_rate:.0f} msg/s")
    print(f"ratio {rate / floor_rate:.2f}x the floor (target ≥ 0.5x and ≥ 1,000 msg/s)")
    print(f"RESULT messages={sent} per_second={rate:.0f} floor_per_second={floor_rate:.0f} backend={backend}")


if __name__ == "__main__":
    main()
