"""Benchmark: requests per second of the item list through one gunicorn server and through two sharing one database.

    .venv/bin/python scripts/bench_two_servers.py [--database-url URL] [--items 10000] [--clients 8] [--seconds 15]

Starts gunicorn servers on loopback ports (tests/servers.py), signs `--clients` browsers in and has them fetch
/admin/item/ for `--seconds`: first all through server A, then alternating between A and B (as a load balancer
would). Prints requests/s and the median and 95th percentile latency of each. Two servers help only as far as the
machine has idle cores (and the database keeps up): on a shared two-core machine expect little.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_item_list import load_items_office  # noqa: E402
from bench_load import hammer as hammer_urls  # noqa: E402

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.servers import Browser, GunicornServer  # noqa: E402

PAGE = "/admin/item/"


def prepare(url: str, items: int, workdir: str) -> None:
    """Migrate the empty database and load the bench office: 54 units, 8 leaders, a supervisor and `items` items."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "INSTANCE_PATH": workdir})  # nosec B105
    load_items_office(app, items)
    with app.app_context():
        db.engine.dispose()


def hammer(servers: list[GunicornServer], clients: int, seconds: float) -> tuple[float, list[float], int]:
    """Requests/s, latencies and failures of `clients` signed-in browsers fetching PAGE round-robin over servers."""
    browsers = []
    for n in range(clients):
        browser = Browser()
        status, _, _ = browser.post(
            servers[n % len(servers)].url + "/login", {"username": "bench", "password": PASSWORD}
        )
        assert status == 302, status  # nosec B101
        browsers.append(browser)
    return hammer_urls(browsers, [server.url + PAGE for server in servers], seconds)


def main() -> None:
    """Prepare, then measure one server and two."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="duban-bench-")
    url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    prepare(url, args.items, workdir)
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",  # nosec B105
        "INSTANCE_PATH": workdir,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_ADDRESS_MAX_FAILURES": 10_000,
    }
    servers = [GunicornServer(config, Path(workdir) / f"{name}.log", workers=args.workers) for name in "ab"]
    try:
        for server in servers:
            server.wait_until_healthy(timeout=120)
        print(
            f"{args.items:,} items, {args.clients} clients, {args.workers} gunicorn workers per server, "
            f"{url.split(':')[0]}"
        )
        rates = []
        for label, chosen in (("one server ", servers[:1]), ("two servers", servers)):
            hammer(chosen, args.clients, 2)  # warm up
            rate, latencies, failures = hammer(chosen, args.clients, args.seconds)
            p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) > 20 else max(latencies)
            print(
                f"{label}: {rate:6.1f} requests/s   median {statistics.median(latencies) * 1000:6.0f} ms   "
                f"p95 {p95 * 1000:6.0f} ms   failures {failures}",
                flush=True,
            )
            rates.append((rate, p95))
    finally:
        for server in servers:
            server.stop()

    (one_rate, one_p95), (two_rate, two_p95) = rates
    print(
        f"RESULT items={args.items} clients={args.clients} one_server_rps={one_rate:.1f} "
        f"one_server_p95_ms={one_p95 * 1000:.0f} two_servers_rps={two_rate:.1f} two_servers_p95_ms={two_p95 * 1000:.0f}"
    )


if __name__ == "__main__":
    main()
