"""E-mailed links follow the address `serve` serves on unless DUBAN_PUBLIC_URL is set; the dashboard warns otherwise."""

from types import SimpleNamespace

import pytest

import cli.server
from app import create_app
from extensions import db
from models import Role
from models.outbox import OutboxMessage, OutboxStatus
from outbox.mail import Recipient, queue_mail
from outbox.public_address import public_address, serving_url
from tests.conftest import make_config
from tests.factories import login, make_user
from workflows.tokens import assignment_link


@pytest.fixture
def app_config(migrated_database, tmp_path):
    """No PUBLIC_URL, and an instance folder of this test's own."""
    return make_config(migrated_database, PUBLIC_URL="", INSTANCE_PATH=str(tmp_path / "instance"))


@pytest.fixture
def serve(runner, monkeypatch):
    """Run `serve` up to the point where it would start serving; return its output."""
    monkeypatch.setattr(cli.server, "run_simple", lambda *args, **kwargs: None)
    monkeypatch.setattr(cli.server, "start_scheduler", lambda *args, **kwargs: None)

    def run(*args):
        result = runner.invoke(args=["serve", *args])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def queue_returned_feedback(now) -> OutboxMessage:
    """A 反馈退回 e-mail with the unit's link in it, as a workflow would queue it."""
    from datetime import date

    link = assignment_link(SimpleNamespace(id=7, token_version=1))
    (message,) = queue_mail(
        db.session,
        kind="feedback_returned",
        template="feedback_returned",
        context={
            "link": link,
            "item": SimpleNamespace(number="督〔2026〕1号", title="林地清收"),
            "feedback": SimpleNamespace(submitted_at=now, review_status="returned", review_comment="请补充"),
            "assignment": SimpleNamespace(deadline=date(2026, 12, 1)),
        },
        recipients=[Recipient("zhang@example.org", "张三")],
        now=now,
    )
    return message


def test_should_put_the_served_port_in_links_when_public_url_is_not_set(app, serve, app_config, now):
    assert public_address().url == "http://127.0.0.1:5000" and public_address().source == "default"
    output = serve("--port", "5201")
    assert "邮件链接 links: http://127.0.0.1:5201/ （未设置 DUBAN_PUBLIC_URL，使用本服务的地址" in output
    message = queue_returned_feedback(now)
    assert "http://127.0.0.1:5201/unit/" in message.body_text and message.public_url == "http://127.0.0.1:5201"
    # A sweep from cron is another process with no server in it: it reads the recorded address.
    cron = create_app(app_config)
    with cron.app_context():
        assert public_address().url == "http://127.0.0.1:5201"
        assert assignment_link(SimpleNamespace(id=7, token_version=1)).startswith("http://127.0.0.1:5201/unit/")


def test_should_use_public_url_when_it_is_set_and_say_so_at_start_up(app, serve):
    app.config["PUBLIC_URL"] = "https://duban.example.gov.cn/"
    output = serve("--port", "5201")
    assert "邮件链接 links: https://duban.example.gov.cn/ （由 DUBAN_PUBLIC_URL 设置）" in output
    assert "只有本机能打开" not in output
    assert assignment_link(SimpleNamespace(id=7, token_version=1)).startswith("https://duban.example.gov.cn/unit/")


def test_should_warn_at_start_up_that_a_loopback_address_opens_only_here(app, serve):
    assert "只有本机能打开" in serve("--port", "5201")


def test_should_name_this_machine_when_serving_on_every_interface():
    assert "0.0.0.0" not in serving_url("0.0.0.0", 8080) and serving_url("0.0.0.0", 8080).endswith(":8080")
    assert serving_url("::1", 8080) == "http://[::1]:8080"


def test_should_warn_on_the_dashboard_while_queued_mail_links_to_another_address(app, client, serve, now):
    make_user("sup1", Role.SUPERVISOR)
    serve("--port", "5000")
    old = OutboxMessage(
        message_id="<old@duban.test>",
        kind="reminder",
        recipient_email="zhang@example.org",
        subject="催办通知单",
        body_text="http://127.0.0.1:5000/unit/x\n",
        status=OutboxStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        public_url="http://127.0.0.1:5000",
    )
    db.session.add(old)
    db.session.commit()
    login(client, "sup1")
    assert "不是本系统当前的地址" not in client.get("/admin/").get_data(as_text=True)

    serve("--port", "5201")  # the server moved: the queued mail still carries links to port 5000
    page = client.get("/admin/").get_data(as_text=True)
    assert "有 1 封待发送邮件中的链接指向 http://127.0.0.1:5000，不是本系统当前的地址" in page
    assert "http://127.0.0.1:5201" in page

    old.status = OutboxStatus.SENT
    db.session.commit()
    assert "不是本系统当前的地址" not in client.get("/admin/").get_data(as_text=True)
