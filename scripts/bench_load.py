"""Benchmark: the item list and the dashboard under load, served by gunicorn (4 workers) on PostgreSQL.

    .venv/bin/python scripts/bench_load.py [--database-url URL] [--items 100000] [--clients 1,4,16] [--seconds 10]

Loads `--items` items into an empty PostgreSQL database (default: a new `test_bench` on 127.0.0.1:5432), starts
gunicorn as the README deploys it (`app:create_app()`, 4 workers, CSRF on), signs clients in through the login form
and has them fetch each page for `--seconds` at each number of clients, on loopback. Prints requests/s and the
50th, 95th and 99th percentile latency. The clients are threads of this process: on a two-core machine they share
the cores with the workers and PostgreSQL, so the figures are the whole machine's, not the server's alone.
The last line is `RESULT item_rps_4=… item_p95_ms_4=… dashboard_rps_4=… …`.
"""

import argparse
import os
import re
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_item_list import load_items_office  # noqa: E402
from fresh_bench_database import fresh_database  # noqa: E402

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.servers import Browser  # noqa: E402

PAGES = {"item": "/admin/item/", "dashboard": "/admin/"}
SECRET = "bench-load-secret"  # nosec B105 (a throwaway database on loopback)


def prepare(url: str, items: int, workdir: str) -> None:
    """Migrate the empty database and load the bench office: 54 units, 8 leaders, a supervisor and `items` items."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": workdir})  # nosec B105
    load_items_office(app, items)
    with app.app_context():
        db.engine.dispose()


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(url: str, workdir: str, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn serving `app:create_app()` as the README deploys it; returns the process and its base URL."""
    port = free_port()
    env = {**os.environ, "DUBAN_SQLALCHEMY_DATABASE_URI": url, "DUBAN_SECRET_KEY": SECRET}
    factory = f"app:create_app({{'INSTANCE_PATH': {workdir!r}}})"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--chdir", str(ROOT), "--log-level", "warning", factory]
    log = open(Path(workdir) / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # nosec B603
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit((Path(workdir) / "gunicorn.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # nosec B310 (loopback)
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn never became healthy")


def signed_in(base: str) -> Browser:
    """A browser signed in as the bench supervisor through the login form (with its CSRF token)."""
    browser = Browser()
    status, _, body = browser.get(base + "/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        rb'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', body
    )
    fields = {"username": "bench", "password": PASSWORD}
    if token:
        fields["csrf_token"] = token.group(1).decode()
    status, _, _ = browser.post(base + "/login", fields)
    if status != 302:
        raise SystemExit(f"login answered {status}")
    return browser


def hammer(browsers: list[Browser], urls: list[str], seconds: float) -> tuple[float, list[float], int]:
    """Requests/s, latencies and failures of the browsers fetching back to back for `seconds`, each going round
    `urls` from its own place in the list (one address, or one page on each of several servers)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(turn: int, browser: Browser) -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status, _, _ = browser.get(urls[turn % len(urls)])
            elapsed = time.perf_counter() - started
            turn += 1
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=run, args=(n, browser)) for n, browser in enumerate(browsers)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - began), latencies, failures[0]


def percentile(values: list[float], share: float) -> float:
    """The `share` (0–1) percentile of values, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main() -> None:
    """Prepare the database, start gunicorn, measure each page at each number of clients, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a new test_bench on loopback)")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    url = args.database_url or fresh_database("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    workdir = tempfile.mkdtemp(prefix="duban-bench-")
    started = time.perf_counter()
    prepare(url, args.items, workdir)
    print(f"-- {args.items:,} items on PostgreSQL (loaded in {time.perf_counter() - started:.1f} s)", flush=True)
    process, base = start_gunicorn(url, workdir, args.workers)
    results = {}
    try:
        counts = [int(n) for n in args.clients.split(",")]
        browsers = [signed_in(base) for _ in range(max(counts))]
        print(f"gunicorn, {args.workers} workers; {args.seconds:g} s per measure on loopback")
        print(f"{'page':10s} {'clients':>7s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'failed':>6s}")
        for page, path in PAGES.items():
            hammer(browsers[:4], [base + path], 1)  # warm every worker's caches
            for clients in counts:
                rate, latencies, failures = hammer(browsers[:clients], [base + path], args.seconds)
                if not latencies:
                    raise SystemExit(f"{page}: no request succeeded ({failures} failed)")
                p50, p95, p99 = (percentile(latencies, share) for share in (0.50, 0.95, 0.99))
                results[(page, clients)] = (rate, p50, p95, p99)
                print(f"{page:10s} {clients:7d} {rate:8.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {failures:6d}", flush=True)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    fields = []
    for (page, clients), (rate, p50, p95, p99) in results.items():
        fields += [f"{page}_rps_{clients}={rate:.1f}", f"{page}_p50_ms_{clients}={p50:.1f}"]
        fields += [f"{page}_p95_ms_{clients}={p95:.1f}", f"{page}_p99_ms_{clients}={p99:.1f}"]
    print(f"RESULT items={args.items} " + " ".join(fields))


if __name__ == "__main__":
    main()
