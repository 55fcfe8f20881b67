"""A real browser: a hotline call registered while on the phone (a handful of fields), the unit answers from its
e-mailed link, the supervisor accepts, and the office records the call-back with the caller's satisfaction."""

import re
import time

import pytest
import sqlalchemy as sa

from clock import utcnow
from extensions import db
from models import HotlineCall, ItemStatus, Role, Satisfaction
from outbox.delivery import deliver_outbox
from tests.browser import ARTIFACTS, live_server_fixture, sign_in  # noqa: F401  (the live_server fixture)
from tests.conftest import make_config
from tests.factories import make_user
from tests.office import build_office
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """CSRF on, mail to the test SMTP server."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True, **smtp_server.mail_config())


def test_should_take_a_call_from_the_phone_to_the_call_back(app, live_server, smtp_server, page):
    office = build_office()
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    db.session.commit()
    sign_in(page, live_server.url, "duchayuan")

    # 来电登记: time and deadline come filled in; the person types three things and picks two
    page.goto(live_server.url + "/admin/hotline/new/")
    fields = page.evaluate(
        "document.querySelectorAll('#quick-call input:not([type=hidden]), #quick-call select, "
        "#quick-call textarea').length"
    )
    started = time.monotonic()
    page.fill("#caller", "张大爷")
    page.fill("#phone", "13945671234")
    page.select_option("#category", label="供暖")
    page.fill("#said", "家属区3号楼暖气不热，室温只有十二度。")
    page.select_option("#unit", label="东方红林场")
    page.click("button:has-text('登记并交办')")
    page.wait_for_selector("text=来电已登记为")
    seconds = time.monotonic() - started
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hotline-call.png"), full_page=True)
    (ARTIFACTS / "hotline-call-seconds.txt").write_text(f"{seconds:.2f}\n")
    assert fields == 7 and seconds < 30  # time, caller, phone, category, what they said, unit, working days
    call = db.session.scalars(sa.select(HotlineCall)).one()
    assert call.category.name == "供暖" and call.item.lead_unit_id == office.forest.id

    deliver_outbox(db.session, now=utcnow())
    (mail,) = smtp_server.wait_for(1)
    link = re.search(rf"{re.escape(live_server.url)}/unit/\S+", mail.text).group(0)
    page.context.clear_cookies()
    page.goto(link)
    page.fill("#ack-name", "王林")
    page.click("button:has-text('签收')")
    page.wait_for_selector("text=已签收")
    page.fill("#fb-progress", "已更换循环泵，室温恢复到二十度，已告知来电人。")
    page.fill("#fb-percent_complete", "100")
    page.fill("#fb-contact_name", "王林")
    page.fill("#fb-contact_phone", "0457-1234567")
    page.click("button:has-text('提交反馈')")
    page.wait_for_selector("text=反馈已提交，等待督查室审核")

    sign_in(page, live_server.url, "duchayuan")
    share = call.item.assignments[0]
    page.goto(live_server.url + f"/admin/assignment/details/?id={share.id}")
    page.click("a.btn:has-text('审核反馈')")
    page.check("input[value='accepted']")
    page.click("button:has-text('提交审核结论')")
    page.wait_for_selector("text=审核完成：通过")

    page.goto(live_server.url + f"/admin/hotline/callback/?id={call.id}")
    page.check("input[value='satisfied']")
    page.fill("#note", "来电人确认暖气已热，对处理结果满意。")
    page.click("button:has-text('保存回访')")
    page.wait_for_selector("text=回访已登记")
    page.screenshot(path=str(ARTIFACTS / "hotline-call-back.png"), full_page=True)
    db.session.expire_all()
    call = db.session.get(HotlineCall, call.id)
    assert call.satisfaction == Satisfaction.SATISFIED and call.callback_on is not None
    assert call.item.status == ItemStatus.CLOSED and call.item.satisfaction == Satisfaction.SATISFIED
