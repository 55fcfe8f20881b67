"""Benchmark: queue N outbox messages and deliver them to a local aiosmtpd server with `deliver_outbox`.

    .venv/bin/python scripts/bench_outbox.py [--messages 2000] [--batch-size 100] [--database-url URL]

Prints the delivery rate in messages per second (claim, send over one connection per batch, record), and the floor
measured against the same server in the same run: a plain smtplib loop over one connection sending the same messages
as bytes built beforehand. Targets: ≥ 1,000 messages/s and ≥ 0.5x the floor. The last line is
`RESULT messages=… per_second=… floor_per_second=…`.
"""

import argparse
import smtplib
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
    """Insert `count` queued messages by bulk Core inserts (the shape queue_mail writes)."""
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
    """Run the benchmark and print the rate."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="duban-bench-outbox-")
    server = SMTPTestServer().start()
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
            queue_messages(args.messages)
            started = time.perf_counter()
            report = deliver_outbox(db.session, now=NOW)
            elapsed = time.perf_counter() - started
            server.wait_for(args.messages, timeout=30)
            assert report.sent == args.messages, report  # nosec B101
            backend = db.engine.dialect.name
            connections = server.connections
            floor = plain_smtplib(server, args.messages)
            server.wait_for(2 * args.messages, timeout=30)
    finally:
        server.stop()
    rate, floor_rate = report.sent / elapsed, args.messages / floor
    print(f"\n{'':44s} {'messages':>8s} {'seconds':>8s} {'msg/s':>8s}")
    print(
        f"{'deliver_outbox (' + backend + f', {connections} connections)':44s} "
        f"{report.sent:8d} {elapsed:8.2f} {rate:8.0f}"
    )
    print(f"{'floor: plain smtplib, pre-built bytes':44s} {args.messages:8d} {floor:8.2f} {floor_rate:8.0f}")
    print(f"ratio {rate / floor_rate:.2f}x the floor (target ≥ 0.5x and ≥ 1,000 msg/s)")
    print(f"RESULT messages={report.sent} per_second={rate:.0f} floor_per_second={floor_rate:.0f} backend={backend}")


if __name__ == "__main__":
    main()
