"""A real browser: a supervisor opens 结果 → 目标考核, follows a unit's deduction to the record behind it, and freezes
the year (定稿); the page, as frozen, is saved as a screenshot."""

import pytest

from extensions import db
from models import Role
from tests.browser import ARTIFACTS
from tests.conftest import make_config
from tests.factories import PASSWORD, make_user
from tests.workflows.test_assessment import build_scene


@pytest.fixture
def app_config(migrated_database):
    """CSRF on, as in production."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True)


def test_should_follow_a_deduction_to_its_record_and_freeze_the_year(app, live_server, page):
    build_scene()
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    db.session.commit()
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "duchayuan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")

    page.goto(live_server.url + "/admin/assessment/?period=2026")
    assert page.locator("table.assessment-table").count() == 2  # 局直单位 and 部办, ranked apart
    page.click("a:text-is('东方红林场')")
    page.wait_for_url("**/admin/assessment/unit/**")
    page.click("#deductions + table a:has-text('整改通知书')")
    page.wait_for_url("**/admin/notice/details/**")
    assert page.is_visible("text=督整〔2026〕1号")

    page.goto(live_server.url + "/admin/assessment/?period=2026")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:text-is('定稿')")
    page.wait_for_selector("text=已定稿")
    assert page.is_visible("text=李督查")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "assessment.png"), full_page=True)
