"""The in-process timer of `make run`: it sweeps and delivers, and survives a broken mail server."""

import time

import pytest

from extensions import db
from models import SweepRun
from tests.conftest import make_config
from tests.smtp import closed_port


@pytest.fixture
def app_config(migrated_database):
    """A mail server that refuses every connection."""
    with closed_port() as port:  # nothing listens: every delivery attempt fails
        yield make_config(
            migrated_database, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False, MAIL_TIMEOUT=1
        )


def test_should_sweep_at_once_and_keep_running_when_mail_cannot_be_sent(app):
    from cli.scheduler import run_due_work, start_scheduler

    run_due_work(app)  # must not raise although the mail server refuses connections
    stop = start_scheduler(app, interval_seconds=3600)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.scalar(db.select(db.func.count()).select_from(SweepRun)) >= 2:
                break
            time.sleep(0.1)
    finally:
        stop.set()
    assert db.session.scalar(db.select(db.func.count()).select_from(SweepRun)) >= 2
