"""A real browser (Debian's Chromium via Playwright): sign in, create an item with two units, find it in the list."""

import pytest

from extensions import db
from models import Item, Role, User
from tests.browser import ARTIFACTS, choose_in_select, choose_in_typeahead
from tests.conftest import make_config
from tests.factories import PASSWORD, make_leader, make_unit, make_user


@pytest.fixture
def app_config(migrated_database):
    """CSRF on, as in production."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True)


def test_should_sign_in_create_an_item_with_two_units_and_see_it_in_the_list(app, live_server, page):
    make_user("duchayuan", Role.SUPERVISOR, display_name="李督查")
    make_unit("东方红林场")
    make_unit("营林科")
    make_leader("王建国", title="局长")
    db.session.commit()

    page.goto(live_server.url + "/admin/item/")
    assert page.url.startswith(live_server.url + "/login")
    page.fill("input[name=username]", "duchayuan")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/item/**")
    assert "督查事项" in page.title()

    page.click("a:has-text('创建')")
    page.fill("#title", "春季森林防火专项检查")
    choose_in_select(page, "source", "重要文件、会议决定事项")
    page.fill("#content", "各林场于月底前完成辖区防火检查，并报送检查情况。")
    choose_in_typeahead(page, "lead_unit", "东方红林场")
    choose_in_typeahead(page, "co_units", "营林科")
    choose_in_typeahead(page, "responsible_leader", "王建国")
    page.fill("#deadline", "2026-12-15")
    ARTIFACTS.mkdir(exist_ok=True)
    page.click("input[type=submit][value='保存'], button:has-text('保存')")
    page.wait_for_url("**/admin/item/?*")
    assert page.is_visible("text=春季森林防火专项检查")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "item-list.png"), full_page=True)

    page.goto(live_server.url + "/admin/liaison/new/")
    page.click("#since")
    assert page.is_visible(".daterangepicker th:text-is('一')")  # the date pickers speak Chinese

    item = db.session.scalar(db.select(Item).filter_by(title="春季森林防火专项检查"))
    assert sorted(a.unit.name for a in item.assignments) == ["东方红林场", "营林科"]
    assert item.responsible_leader.name == "王建国"


def test_should_run_list_actions_and_delete_confirmations_under_the_content_security_policy(app, live_server, page):
    make_user("root", Role.ADMIN, display_name="管理员")
    make_user("zhang", Role.SUPERVISOR, display_name="张督查", locked_until=None)
    db.session.commit()
    page.goto(live_server.url + "/login")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server.url + "/admin/user/")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    row = page.locator("tr:has(td:text-is('zhang'))")
    row.locator("button[data-duban-confirm]").click()  # delete asks first; dismissed, nothing is deleted
    assert len(dialogs) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2

    row.locator("input.action-checkbox").check()
    page.locator(".dropdown-menu:has([data-duban-action]) >> xpath=preceding-sibling::a[1]").click()
    page.click("[data-duban-action=unlock]")  # no confirmation: the hidden action form is submitted
    page.wait_for_selector("text=已解除所选账户的登录锁定")
