"""A real browser: from the e-mailed link, a liaison acknowledges and reports; a supervisor accepts; the item closes."""

import re
from datetime import date

import pytest

from extensions import db
from models import Item, ItemStatus, Role
from outbox.delivery import deliver_outbox
from tests.browser import ARTIFACTS, live_server_fixture  # noqa: F401  (the live_server fixture)
from tests.conftest import make_config
from tests.factories import PASSWORD, make_item, make_user
from tests.office import at, build_office
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)
from workflows.lifecycle import assign_item


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """CSRF on, mail to the test SMTP server."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True, **smtp_server.mail_config())


def test_should_close_the_item_from_the_emailed_link_to_the_supervisors_acceptance(app, live_server, smtp_server, page):
    office = build_office()
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    item = make_item(office.forest, title="冬季供暖保障", deadline=date(2026, 12, 15))
    assign_item(db.session, item, actor=None, now=at(2026, 12, 1))
    db.session.commit()
    deliver_outbox(db.session, now=at(2026, 12, 1, 10))
    (mail,) = smtp_server.wait_for(1)
    link = re.search(rf"{re.escape(live_server.url)}/unit/\S+", mail.text).group(0)

    page.goto(link)
    assert page.is_visible("text=冬季供暖保障") and page.is_visible("text=尚未签收")
    page.fill("#ack-name", "王林")
    page.click("button:has-text('签收')")
    page.wait_for_selector("text=已签收")
    page.fill("#fb-progress", "供暖管网检修完毕，已全面供暖。")
    page.fill("#fb-measures", "成立专班，24小时值守。")
    page.fill("#fb-percent_complete", "100")
    page.fill("#fb-contact_name", "王林")
    page.fill("#fb-contact_phone", "0457-1234567")
    page.click("button:has-text('提交反馈')")
    page.wait_for_selector("text=反馈已提交，等待督查室审核")
    assert page.is_visible("text=正在等待督查室审核") and not page.is_visible("#fb-progress")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "unit-page.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "duchayuan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + "/admin/feedback/")
    page.click("a[title='查看记录'], a[title='View Record'], .fa-eye")
    page.click("a.btn:text-is('审核')")
    page.check("input[value='accepted']")
    page.click("button:has-text('提交审核结论')")
    page.wait_for_selector("text=审核完成：通过")
    page.goto(live_server.url + f"/admin/item/details/?id={item.id}")
    assert page.is_visible("td:has-text('办结')") or page.is_visible("span.badge:has-text('办结')")
    page.screenshot(path=str(ARTIFACTS / "item-closed.png"), full_page=True)
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.CLOSED

    deliver_outbox(db.session, now=at(2026, 12, 2, 10))  # the unit hears that its share is closed
    closed = smtp_server.wait_for(2)[1]
    assert closed.rcpt_tos == mail.rcpt_tos and closed.subject.startswith("【任务办结】") and "已办结" in closed.text
