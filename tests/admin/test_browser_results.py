"""A real browser (Debian's Chromium via Playwright) on the demo office: a leader's dashboard shows the units they are
in charge of first, every unit's light and the two charts drawn; a supervisor opens 年度统计 and follows a figure to its
list. Screenshots: test-artifacts/dashboard-leader.png, test-artifacts/year-numbers.png."""

import re

import pytest
import sqlalchemy as sa

from extensions import db
from models import BureauLeader, Role, Unit
from tests.browser import ARTIFACTS, sign_in
from tests.conftest import make_config
from tests.factories import make_user


@pytest.fixture
def app_config(migrated_database):
    """CSRF on, as in production."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True)


def test_should_show_a_leader_their_units_first_and_a_supervisor_the_year_in_numbers(
    app, demo_office, live_server, page
):
    demo_office(sweep=False)
    leader_id, units = db.session.execute(
        sa.select(Unit.leader_in_charge_id, sa.func.count())
        .where(Unit.leader_in_charge_id.is_not(None), Unit.active.is_(True))
        .group_by(Unit.leader_in_charge_id)
        .order_by(sa.func.count().desc())
    ).first()
    make_user("fenguan", Role.LEADER, leader_id=leader_id, display_name=db.session.get(BureauLeader, leader_id).name)
    make_user("tongji", Role.SUPERVISOR)
    db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    sign_in(page, live_server.url, "fenguan")
    tiles = page.locator("#unit-lights a.duban-unit")
    assert tiles.count() == db.session.scalar(sa.select(sa.func.count()).where(Unit.active.is_(True)))
    first = tiles.evaluate_all("tiles => tiles.map(t => t.classList.contains('duban-unit-mine'))")
    assert first[:units] == [True] * units and not any(first[units:])
    assert {t.get_attribute("data-light") for t in tiles.all()} <= {"red", "yellow", "green"}
    for chart in ("#chart-on-time", "#chart-notices"):  # Chart.js drew on the canvas
        assert page.locator(chart).evaluate("c => c.width > 0 && !!window.Chart.getChart(c)")
    page.screenshot(path=str(ARTIFACTS / "dashboard-leader.png"), full_page=True)

    page.click("button:has-text('退出')")
    sign_in(page, live_server.url, "tongji")
    page.goto(live_server.url + "/admin/year_numbers/?year=2026")
    summary = page.inner_text("#year-summary")
    assert re.search(r"2026年，督查室共立项督查事项\d+件", summary)
    page.screenshot(path=str(ARTIFACTS / "year-numbers.png"), full_page=True)
    link = page.locator("#table-sources a[data-figure='source.all.registered']")
    count = int(link.get_attribute("data-count"))
    assert count > 0
    link.click()
    page.wait_for_url("**/admin/item/**")
    assert page.locator("a[href*='/admin/item/details/']").evaluate_all(
        "links => new Set(links.map(l => l.href.match(/id=(\\d+)/)[1])).size"
    ) == min(count, 20)
