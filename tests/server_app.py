"""The WSGI app the multi-server tests run under gunicorn: the configuration and the suite's wall clock come from
the environment (DUBAN_TEST_SERVER_CONFIG as JSON; DUBAN_TEST_SERVER_CLOCK, the test's clock as ISO, read at the
real moment DUBAN_TEST_SERVER_REAL), so every server agrees with the test about the time to the second (a unit's
link signed by the test is never "from the future" for a server)."""

import json
import os
import time
from datetime import datetime, timedelta

import time_machine

from app import create_app

_started_late = time.time() - float(os.environ["DUBAN_TEST_SERVER_REAL"])
_clock = datetime.fromisoformat(os.environ["DUBAN_TEST_SERVER_CLOCK"]) + timedelta(seconds=_started_late)
time_machine.travel(_clock, tick=True).start()
time.time()  # time-machine's clock ticks from its first reading: start it now, not at the first request
app = create_app(json.loads(os.environ["DUBAN_TEST_SERVER_CONFIG"]))
