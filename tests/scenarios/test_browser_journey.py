"""A real browser, the whole journey on a port that is not 5000 and no PUBLIC_URL: new item, 交办, the unit answers
from the e-mailed link, an extension approved from the screens, the acceptance mailed."""

import contextvars
import re

import pytest

from extensions import db
from models import Assignment, ExtensionRequest, ExtensionStatus, Item, ItemStatus, Role
from outbox.delivery import deliver_outbox
from outbox.public_address import record_serving_address
from tests.browser import LiveServer, choose_in_select, choose_in_typeahead, sign_in
from tests.conftest import make_config
from tests.factories import make_leader, make_liaison, make_unit, make_user
from tests.office import at
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


@pytest.fixture
def app_config(migrated_database, smtp_server, tmp_path):
    """CSRF on, mail to the test SMTP server, no PUBLIC_URL, an instance folder of this test's own."""
    return make_config(
        migrated_database,
        WTF_CSRF_ENABLED=True,
        PUBLIC_URL="",
        INSTANCE_PATH=str(tmp_path / "instance"),
        **smtp_server.mail_config(),
    )


@pytest.fixture
def live_server(app):
    """The app on a free port (never 5000), recorded as `serve` records it: PUBLIC_URL is not set."""
    server = contextvars.Context().run(LiveServer, app)
    assert server.server.server_port != 5000
    with server:
        record_serving_address(app, "127.0.0.1", server.server.server_port)
        yield server


def mail_at(smtp_server, count: int, when):
    """Deliver the outbox at `when` and return the `count`-th message the server has received."""
    deliver_outbox(db.session, now=when)
    return smtp_server.wait_for(count)[count - 1]


def test_should_run_the_whole_journey_on_another_port_with_links_that_open(app, live_server, smtp_server, page):
    base = live_server.url
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    make_liaison(make_unit("东方红林场"), "王林", email="wanglin@example.org")
    make_leader("王建国", title="局长")
    db.session.commit()

    # A supervisor registers the item and 交办 it from its page.
    sign_in(page, base, "duchayuan")
    page.goto(base + "/admin/item/new/")
    page.fill("#title", "冬季森林防火巡查")
    choose_in_select(page, "source", "重要文件、会议决定事项")
    page.fill("#content", "各林场加强冬季巡查，按时报送巡查情况。")
    choose_in_typeahead(page, "lead_unit", "东方红林场")
    choose_in_typeahead(page, "responsible_leader", "王建国")
    page.fill("#deadline", "2026-12-15")
    page.click("input[type=submit][value='保存'], button:has-text('保存')")
    page.wait_for_url(re.compile(r".*/admin/item/(\?.*)?$"))
    item = db.session.scalar(db.select(Item).filter_by(title="冬季森林防火巡查"))
    page.goto(base + f"/admin/item/details/?id={item.id}")
    page.click("a.btn:has-text('交办')")
    page.click("button:has-text('确认交办'), input[value='确认交办']")
    page.wait_for_selector("text=已交办")

    # The notice's link carries this server's port, and it opens.
    notice = mail_at(smtp_server, 1, at(2026, 11, 26, 10, 5))
    link = re.search(r"http://\S+/unit/\S+", notice.text).group(0)
    assert link.startswith(base + "/unit/"), (link, base)
    page.context.clear_cookies()
    page.goto(link)
    assert page.is_visible("text=冬季森林防火巡查") and page.is_visible("text=尚未签收")
    page.fill("#ack-name", "王林")
    page.click("button:has-text('签收')")
    page.wait_for_selector("text=已签收")
    page.fill("#ext-requested_deadline", "2026-12-31")
    page.fill("#ext-requested_by", "王林")
    page.fill("#ext-reason", "大雪封山，巡查路线需顺延。")
    page.click("button:has-text('提交延期申请')")
    page.wait_for_selector("text=已有一份延期申请等待督查室审批")

    # The supervisor finds the request from the dashboard card and approves it from the screens.
    sign_in(page, base, "duchayuan")
    page.goto(base + "/admin/")
    page.click("a.card:has-text('待审批延期')")
    page.wait_for_selector("text=大雪封山")
    page.click("a.btn:text-is('审批')")
    page.check("input[value='approve']")
    page.click("button:has-text('提交审批结果'), input[value='提交审批结果']")
    page.wait_for_selector("text=2026-12-31")
    db.session.expire_all()
    share = db.session.scalar(db.select(Assignment).filter_by(item_id=item.id))
    request = db.session.scalar(db.select(ExtensionRequest).filter_by(assignment_id=share.id))
    assert request.status == ExtensionStatus.APPROVED
    assert str(share.deadline) == "2026-12-31"

    # The unit reports from the same link; the supervisor accepts; the unit is told by mail.
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#fb-progress", "全部巡查路线已完成，未发现火情。")
    page.fill("#fb-measures", "每日两次巡查，专人值守。")
    page.fill("#fb-percent_complete", "100")
    page.fill("#fb-contact_name", "王林")
    page.fill("#fb-contact_phone", "0457-1234567")
    page.click("button:has-text('提交反馈')")
    page.wait_for_selector("text=反馈已提交，等待督查室审核")
    sign_in(page, base, "duchayuan")
    page.goto(base + "/admin/")
    page.click("a.card:has-text('待审核反馈')")
    page.click("a[title='查看记录'], .fa-eye")
    page.click("a.btn:text-is('审核')")
    page.check("input[value='accepted']")
    page.click("button:has-text('提交审核结论')")
    page.wait_for_selector("text=审核完成：通过")
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.CLOSED

    deliver_outbox(db.session, now=at(2026, 11, 27, 10))  # the extension's decision, then the closing
    decision, closed = smtp_server.wait_for(3)[1:]
    assert "已批准" in decision.text and "2026年12月31日" in decision.text and base + "/unit/" in decision.text
    assert closed.subject.startswith("【任务办结】") and closed.rcpt_tos == notice.rcpt_tos and "已办结" in closed.text
