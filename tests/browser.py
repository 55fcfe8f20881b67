"""Shared pieces of the real-browser tests: Debian's Chromium through Playwright, and a live server thread."""

import contextvars
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",  # the office's browsers speak Chinese: native widgets (file, date) too
]


def require_browser() -> None:
    """Skip when Chromium is missing, unless DUBAN_REQUIRE_BROWSER says it must be there (CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("DUBAN_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium and fonts-wqy-microhei")
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-wqy-microhei)")


class LiveServer:
    """The app served on a free loopback port in a background thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(name="live_server")
def live_server_fixture(app):
    """`live_server`: the app served on a free port, with the links in its e-mails pointing at it.

    Import it as `live_server_fixture` and ask for `live_server` (as tests.smtp's smtp_server_fixture)."""
    server = contextvars.Context().run(LiveServer, app)
    with server:
        app.config["PUBLIC_URL"] = server.url
        yield server


# Chromium logs CSP refusals to the console; the listener below also turns each `securitypolicyviolation`
# event into a console error, so a refused inline handler or style is caught even when Chromium stays quiet.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + (e.blockedURI || "inline") + " "
                + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch_csp(page) -> list[str]:
    """Start collecting the Content-Security-Policy violations the page reports; returns the (growing) list."""
    violations: list[str] = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


def choose_in_select(page, field_id: str, label: str) -> None:
    """Pick an option of a select2 drop-down by its visible label."""
    page.click(f"#s2id_{field_id}")
    page.click(f".select2-drop-active .select2-result-label:text-is('{label}')")


def choose_in_typeahead(page, field_id: str, text: str) -> None:
    """Pick an entry of a Flask-Admin select2 type-ahead the way a person does: click, type, choose."""
    page.click(f"#s2id_{field_id}")
    page.keyboard.type(text)
    page.wait_for_selector(f".select2-result-label:has-text('{text}')")
    page.keyboard.press("Enter")


def sign_in(page, base: str, username: str, password: str | None = None) -> None:
    """Sign in through the login page as a person does (after clearing the browser's cookies)."""
    from tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")
