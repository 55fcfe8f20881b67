"""A real browser (Debian's Chromium via Playwright): a bureau leader signs in and decides a 提请追责."""

from datetime import date

import pytest

from extensions import db
from models import Escalation, Role
from models.escalation import AccountabilityDecision
from tests.browser import ARTIFACTS
from tests.conftest import make_config
from tests.factories import PASSWORD, make_item, make_user
from tests.office import at, build_office, fail_next_check, outbox
from workflows.lifecycle import assign_item
from workflows.sanctions import issue_draft

NOW = at(2026, 11, 26)


@pytest.fixture
def app_config(migrated_database):
    """CSRF on, as in production."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True)


def test_should_let_a_leader_sign_in_and_decide_a_submitted_request(app, live_server, page):
    office = build_office()
    supervisor = make_user("duchayuan", Role.SUPERVISOR, display_name="李督查", email="li@office.example.org")
    make_user("juzhang", Role.LEADER, display_name="赵局长")
    item = make_item(office.forest, deadline=date(2026, 12, 31), now=NOW, title="林区防火通道建设", three_checks=True)
    assign_item(db.session, item, actor=None, now=NOW)
    for _ in range(3):
        rung = fail_next_check(item.assignments[0], now=NOW, grounds=("未按时保质保量完成",), actor=supervisor)
        issue_draft(db.session, rung.notice, actor=supervisor, now=NOW)
    db.session.commit()

    page.goto(live_server.url + "/admin/")
    page.fill("input[name=username]", "juzhang")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    card = page.locator("a.card:has-text('待决定提请追责')")
    assert card.get_attribute("data-count") == "1"
    card.click()
    page.click("a[title='查看记录'], a[href*='/admin/escalation/details/']")
    page.wait_for_selector("text=提请追责已提交，待局领导决定。")
    assert page.is_visible("text=第三次督查") and page.is_visible("text=督警〔2026〕1号")

    page.click("text=作出决定（同意追责 / 不予追责）")
    page.wait_for_selector("text=妥否，请批示。")
    page.check("input[value=decline]")
    page.click("button:has-text('提交决定')")
    page.wait_for_selector("text=不予追责时须填写意见。")
    page.check("input[value=decline]")
    page.fill("textarea[name=comment]", "该单位已作书面检讨，暂不追责")
    page.click("button:has-text('提交决定')")
    page.wait_for_selector("text=已决定：不予追责")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "accountability-decided.png"), full_page=True)

    db.session.expire_all()
    decided = db.session.scalar(db.select(Escalation).where(Escalation.level == 3))
    assert decided.decision == AccountabilityDecision.DECLINED and decided.decided_by_name == "赵局长"
    assert decided.decision_comment == "该单位已作书面检讨，暂不追责"
    told = {m.recipient_email for m in outbox(kind="accountability_decision")}
    assert {"wang@forest.example.org", "head@forest.example.org", "li@office.example.org"} == told
