"""One delivery at a time, whichever process or server starts it: a lock in the database (PostgreSQL advisory lock,
SQLite lease), freed when its holder ends — even killed."""

import signal
import subprocess  # nosec B404: a fixed helper process
import sys

from extensions import db
from tests.conftest import TEST_WALL_CLOCK
from tests.servers import ROOT
from workflows.locking import alone

# Another deliverer: takes the lock in a process of its own and holds it until killed.
HOLDER = """
import sys, time
from datetime import UTC, datetime
from sqlalchemy import create_engine
import database  # the SQLite pragmas (busy timeout) every Duban process sets
from workflows.locking import alone
with alone(create_engine(sys.argv[1]), "delivery", now=datetime.now(UTC)) as holder:
    print("held" if holder is None else "refused", flush=True)
    time.sleep(600)
"""
REFUSED = "另一个发信进程"


def test_should_let_one_delivery_run_at_a_time_in_one_process(app):
    with alone(db.engine, "delivery", now=TEST_WALL_CLOCK) as first:
        with alone(db.engine, "delivery", now=TEST_WALL_CLOCK) as second:
            assert first is None and second is not None
    with alone(db.engine, "delivery", now=TEST_WALL_CLOCK) as again:
        assert again is None  # given back at the end of the first


def test_should_refuse_send_mail_while_another_process_delivers_and_free_the_lock_when_it_is_killed(app, runner):
    holder = subprocess.Popen(  # nosec B603
        [sys.executable, "-c", HOLDER, app.config["SQLALCHEMY_DATABASE_URI"]],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = runner.invoke(args=["send-mail"])
        assert result.exit_code == 0 and REFUSED in result.output, result.output
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no clean release
        holder.wait()
        holder.stdout.close()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and REFUSED not in result.output, result.output


def test_should_never_start_the_in_process_timer_from_the_app_factory_that_gunicorn_calls(app):
    import threading

    from app import create_app
    from tests.conftest import make_config

    def timers() -> int:
        return sum(thread.name == "duban-scheduler" for thread in threading.enumerate())

    before = timers()  # another test's timer may still be winding down in this process
    create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    assert timers() <= before
