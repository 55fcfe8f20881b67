"""The in-process timer of a single-machine install (`serve` only; gunicorn never starts it): sweep, then deliver
the outbox, every few minutes. Started anyway in several processes, the sweep's lock and the delivery's lock still
let one of each run at a time."""

import logging
import threading

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from audit import act_as
from cli.mail import DELIVERY_LOCK
from clock import utcnow
from extensions import db
from outbox.delivery import deliver_outbox
from workflows.locking import alone
from workflows.sweep import run_sweep

log = logging.getLogger(__name__)


def run_due_work(app: Flask) -> None:
    """One tick: the sweep (committed on its own), then the outbox; a failure is logged, never raised."""
    with app.app_context():
        now = utcnow()
        act_as(db.session, None, now=now)  # the timer's edge: the system acts, at this tick
        try:
            report = run_sweep(db.session, now=now)
            db.session.commit()
            log.info(
                "督办扫描：检查 %s 项，催办 %s 项，待裁定督查 %s 份",
                report.examined,
                report.reminders,
                report.checks_opened,
            )
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("督办扫描失败，将在下次重试")
        try:
            with alone(db.engine, DELIVERY_LOCK, now=utcnow()) as holder:
                if holder is None:
                    deliver_outbox(db.session, now=utcnow())
                else:
                    log.info("另一个发信进程（%s）正在运行，本次不发信", holder)
        except Exception:  # the timer must survive a broken mail server or database hiccup
            db.session.rollback()
            log.exception("发送邮件失败，将在下次重试")
        finally:
            db.session.remove()


def start_scheduler(app: Flask, interval_seconds: int) -> threading.Event:
    """Run `run_due_work` now and then every `interval_seconds` in a daemon thread; set the event to stop it."""
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            run_due_work(app)
            stop.wait(interval_seconds)

    threading.Thread(target=loop, name="duban-scheduler", daemon=True).start()
    return stop
