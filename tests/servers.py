"""Real app servers for tests: gunicorn processes on loopback ports sharing one database, and a small cookie-keeping
HTTP client (one browser, whichever server it talks to)."""

import json
import os
import signal
import socket
import subprocess  # nosec B404: the tests start gunicorn, a fixed command line
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

from time_machine import escape_hatch

ROOT = Path(__file__).resolve().parent.parent


def real_time() -> float:
    """The real wall clock, whether or not this process travels in time."""
    return escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """`gunicorn tests.server_app:app` on a free loopback port, configured by `config`, on the test's clock."""

    def __init__(self, config: dict, log: Path, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {
            **os.environ,
            "DUBAN_TEST_SERVER_CONFIG": json.dumps(config),
            "DUBAN_TEST_SERVER_CLOCK": datetime.now(UTC).isoformat(),  # the test's (pinned, ticking) clock
            "DUBAN_TEST_SERVER_REAL": repr(real_time()),  # the real moment it was read
        }
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        command += ["--threads", "2", "--chdir", str(ROOT), "--log-level", "warning", "tests.server_app:app"]
        self.output = log.open("wb")
        self.process = subprocess.Popen(command, env=env, stdout=self.output, stderr=subprocess.STDOUT)  # nosec B603

    def wait_until_healthy(self, timeout: float = 30) -> None:
        """Poll /healthz until it answers 200 (the load balancer's question)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # nosec B310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn never became healthy: {self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        """Stop this server (and its workers) at once (SIGINT: gunicorn's quick shutdown) and wait for it."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser's cookies (a cookie is the host's, whatever the port), without following redirects."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """Status, headers and body of one request."""
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 (loopback only)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, url: str) -> tuple[int, dict, bytes]:
        """GET."""
        return self.request(url)

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, dict, bytes]:
        """POST a form (multipart when `files` maps a field to (file name, bytes))."""
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            return self.request(url, body, {"Content-Type": "application/x-www-form-urlencoded"})
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
