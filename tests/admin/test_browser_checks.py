"""A real browser (Debian's Chromium via Playwright): a supervisor works the verdict queue (待裁定督查) — overrides one
proposal on its verdict page, confirms another with the bulk action — and the item form names the scope's default."""

from datetime import date

import pytest

from extensions import db
from models import Escalation, Role
from models.check import CheckState, Verdict
from tests.browser import ARTIFACTS, choose_in_select, sign_in
from tests.checking import due_check
from tests.conftest import make_config
from tests.factories import make_user
from tests.office import assigned_item, at, build_office

NOW = at(2026, 11, 26, 9)


@pytest.fixture
def app_config(migrated_database):
    """CSRF on, as in production."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True)


def test_should_override_one_proposal_and_confirm_another_from_the_verdict_queue(app, live_server, page):
    office = build_office()
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    item = assigned_item(office, deadline=date(2026, 12, 31), now=NOW, title="林区防火检查", three_checks=True)
    checks = {share.unit.name: due_check(share, 1, now=NOW) for share in item.assignments}  # nothing reported
    db.session.commit()
    sign_in(page, live_server.url, "duchayuan")

    page.click("a.card:has-text('待裁定督查')")  # the dashboard's card opens the queue
    page.wait_for_url("**/admin/check_queue/**")
    assert page.locator("tr:has(a:text-is('裁定'))").count() == 3

    # override: the system proposes 不合格 (nothing reported); the supervisor saw the work in person
    page.locator("tr:has-text('东方红林场')").locator("a:text-is('裁定')").click()
    page.wait_for_url("**/admin/check/decide/**")
    assert page.is_visible("text=系统建议：不合格（未按时报送）")
    assert page.is_checked("input[name=verdict][value=fail]") and page.is_checked("input[value='未按时报送']")
    page.check("input[name=verdict][value=pass]")
    page.fill("#comment", "已到现场核实，防火通道已开通")
    page.fill("#in_person_on", "2026-11-25")
    page.click("button:has-text('提交裁定')")
    page.wait_for_url("**/admin/check_queue/**")  # back to the queue it came from
    page.wait_for_selector("text=已裁定：合格。")
    assert page.locator("tr:has(a:text-is('裁定'))").count() == 2

    # confirm: the school's proposal (不合格, 未按时报送) as it stands, from the list
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.locator("tr:has-text('林业第一中学')").locator("input.action-checkbox").check()
    page.locator(".dropdown-menu:has([data-duban-action]) >> xpath=preceding-sibling::a[1]").click()
    page.click("[data-duban-action=follow]")
    page.wait_for_selector("text=已按建议裁定 1 项（合格 0 项，不合格 1 项）。")
    assert dialogs and "按系统建议裁定" in dialogs[0]
    assert page.is_visible("text=已起草《整改通知书》（待签发）")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "check-queue.png"), full_page=True)

    db.session.expire_all()
    forest, school, finance = (checks[n] for n in ("东方红林场", "林业第一中学", "计财科"))
    assert (forest.verdict, forest.in_person_on, forest.decided_by_name) == (Verdict.PASS, date(2026, 11, 25), "李督查")
    assert (school.verdict, school.grounds) == (Verdict.FAIL, "未按时报送")
    assert finance.state == CheckState.DUE
    escalation = db.session.scalar(db.select(Escalation))
    assert escalation.assignment_id == school.assignment_id and escalation.notice.is_draft


def test_should_name_the_scope_default_of_the_chosen_source_on_a_new_item(app, live_server, page):
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    db.session.commit()
    sign_in(page, live_server.url, "duchayuan")
    page.goto(live_server.url + "/admin/item/new/")
    default = page.locator("#under_checks option[value=default]")
    choose_in_select(page, "source", "便民公开电话")
    assert default.text_content() == "按来源默认（不纳入）"
    choose_in_select(page, "source", "十项利民工程")
    assert default.text_content() == "按来源默认（纳入）"
