"""The public address e-mailed links carry: DUBAN_PUBLIC_URL when set, else the address `serve` serves on.

Mail is rendered when it is queued, often by a `sweep` run from cron while no web server is in that process, so
`serve` writes the address it serves on to instance/serving_url and every process reads it from there:
configured PUBLIC_URL → the recorded serving address → http://127.0.0.1:5000.
"""

import ipaddress
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
SERVING_URL_FILE = "serving_url"
CONFIGURED, SERVING, DEFAULT = "configured", "serving", "default"


@dataclass(frozen=True)
class PublicAddress:
    """The base URL of links, and where it came from (CONFIGURED, SERVING or DEFAULT)."""

    url: str
    source: str

    @property
    def is_loopback(self) -> bool:
        """True when only this machine can open the links (127.0.0.1, ::1, localhost)."""
        host = urlsplit(self.url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


def serving_url(host: str, port: int) -> str:
    """The address a browser uses to reach `serve --host host --port port` (a wildcard host: this machine's name)."""
    # recognises a wildcard host (binds nothing)
    if host in ("", "0.0.0.0", "::"):  # nosec B104
        host = socket.getfqdn() or socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


def _recorded_file(app: Flask) -> Path:
    return Path(app.instance_path) / SERVING_URL_FILE


def configured_public_url(app: Flask) -> str:
    """DUBAN_PUBLIC_URL (or PUBLIC_URL in instance/config.py), without a trailing slash; '' when not set."""
    return str(app.config.get("PUBLIC_URL") or "").strip().rstrip("/")


def record_serving_address(app: Flask, host: str, port: int) -> PublicAddress:
    """Called by `serve`: decide the links' address and, when PUBLIC_URL is not set, record the serving one."""
    configured = configured_public_url(app)
    if configured:
        return PublicAddress(configured, CONFIGURED)
    url = serving_url(host, port)
    path = _recorded_file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(url + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: a sweep reading it meanwhile sees the old or the new address, whole
    return PublicAddress(url, SERVING)


def public_address(app: Flask | None = None) -> PublicAddress:
    """The base URL links carry now: configured PUBLIC_URL, else the recorded serving address, else the default."""
    app = app or current_app
    configured = configured_public_url(app)
    if configured:
        return PublicAddress(configured, CONFIGURED)
    try:
        recorded = _recorded_file(app).read_text(encoding="utf-8").strip().rstrip("/")
    except OSError:
        recorded = ""
    if recorded:
        return PublicAddress(recorded, SERVING)
    return PublicAddress(DEFAULT_PUBLIC_URL, DEFAULT)


def public_url() -> str:
    """The base URL (no trailing slash) of every link put in an e-mail or shown as a unit's link."""
    return public_address().url
