"""Two gunicorn servers on two loopback ports, one database: whatever one server learns, the other knows.

Nothing that matters lives in a process: the login lock, the server-side sessions, the uploaded files and the
import previews are all rows, so a request may land on either server (as behind a load balancer).
"""

import re
from datetime import date
from html import unescape

import pytest

from extensions import db
from models import Attachment, Role, Unit
from tests.conftest import TEST_WALL_CLOCK, csrf_token_from
from tests.data.workbooks import UNIT_HEADERS, xlsx
from tests.factories import PASSWORD, make_user
from tests.office import assigned_item, build_office
from tests.servers import Browser, GunicornServer
from workflows.tokens import make_token

WRONG = "not-the-password-1"


@pytest.fixture
def share(app):
    """An assigned item's first share, a supervisor and a second supervisor account for the lock."""
    office = build_office()
    item = assigned_item(office, deadline=date(2026, 12, 31), now=TEST_WALL_CLOCK)
    make_user("sup", Role.SUPERVISOR)
    make_user("victim", Role.SUPERVISOR)
    db.session.commit()
    return item.assignments[0]


@pytest.fixture
def servers(app, share, tmp_path):
    """Servers A and B (gunicorn, one worker each) on the test's database, with CSRF on as in production."""
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],  # the same key everywhere: cookies, CSRF and unit links
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
        "MAIL_SUPPRESS_SEND": True,
        "PUBLIC_URL": "http://duban.test",
    }
    started = [GunicornServer(config, tmp_path / f"{name}.log") for name in "ab"]
    try:
        for server in started:
            server.wait_until_healthy()
        yield started
    finally:
        for server in started:
            server.stop()


def form_token(browser: Browser, url: str, name: str = "csrf_token") -> str:
    """The CSRF token (field `name`) of a form on the page at `url`."""
    status, _, body = browser.get(url)
    assert status == 200, url
    return unescape(re.search(rf'name="{name}"[^>]*value="([^"]+)"', body.decode()).group(1))


def sign_in(browser: Browser, server, username: str, password: str = PASSWORD):
    """Post the sign-in form of `server`."""
    token = form_token(browser, server.url + "/login")
    return browser.post(server.url + "/login", {"csrf_token": token, "username": username, "password": password})


def test_should_share_locks_sessions_files_and_import_previews_between_two_servers(app, share, servers):
    a, b = servers

    # A lock earned on A holds on B, even for the right password.
    for _ in range(5):
        status, _, body = sign_in(Browser(), a, "victim", WRONG)
    assert status == 401 and "锁定" in body.decode()
    status, _, body = sign_in(Browser(), b, "victim")
    assert status == 401 and "该账户已被暂时锁定" in body.decode()

    supervisor = Browser()
    status, headers, _ = sign_in(supervisor, a, "sup")
    assert status == 302, headers
    assert supervisor.get(b.url + "/admin/item/")[0] == 200  # the session started on A is known on B

    # A file uploaded through A downloads through B.
    unit = Browser()
    page = f"/unit/{make_token(share)}"
    fields = {
        "fb-csrf_token": form_token(unit, a.url + page, "fb-csrf_token"),
        "fb-progress": "已完成全部检查",
        "fb-percent_complete": "100",
        "fb-contact_name": "联络员王林",
        "fb-contact_phone": "0457-1234567",
    }
    report = b"%PDF-1.4 " + bytes(range(256)) * 100
    status, headers, _ = unit.post(a.url + page + "/feedback", fields, {"fb-attachments": ("report.pdf", report)})
    assert status == 302, headers
    attachment = db.session.scalar(db.select(Attachment))
    status, _, body = supervisor.get(f"{b.url}/admin/feedback/attachment/?id={attachment.id}")
    assert status == 200 and body == report

    # An import uploaded and previewed on A is confirmed on B.
    workbook = xlsx(
        [UNIT_HEADERS, ["JZ99", "向阳林场", "局直单位", "周场长", "head@xy.example.org", None, None, None, None]]
    )
    token = form_token(supervisor, a.url + "/admin/import/", "units-csrf_token")
    status, headers, _ = supervisor.post(
        a.url + "/admin/import/units/upload", {"units-csrf_token": token}, {"units-file": ("单位.xlsx", workbook)}
    )
    assert status == 302 and "/admin/import/units/preview/" in headers["Location"], headers
    status, _, body = supervisor.get(a.url + headers["Location"].split(a.url)[-1])
    preview = body.decode()
    assert status == 200 and "向阳林场" in preview
    hidden = {n: unescape(re.search(rf'name="{n}"[^>]*value="([^"]*)"', preview).group(1)) for n in ("token", "sha256")}
    status, headers, _ = supervisor.post(
        b.url + "/admin/import/units/confirm", {"csrf_token": csrf_token_from(preview), **hidden}
    )
    assert status == 302 and headers["Location"].endswith("/admin/unit/"), headers
    assert db.session.scalar(db.select(Unit.name).where(Unit.code == "JZ99")) == "向阳林场"

    # Signing out on A ends the session on B.
    logout = form_token(supervisor, b.url + "/admin/")
    assert supervisor.post(a.url + "/logout", {"csrf_token": logout})[0] == 302
    status, headers, _ = supervisor.get(b.url + "/admin/item/")
    assert status == 302 and "/login" in headers["Location"]
