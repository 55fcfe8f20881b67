"""分包 on the screens: a supervisor's lists open on 我分包的 with a way to 全部, a share's page hands it to another
supervisor (audited), and a unit's form names its supervisor."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from admin_views.organisation import UnitView
from extensions import db
from models import AuditEvent, Role, Unit
from tests.checking import due_check
from tests.conftest import csrf_token_from
from tests.factories import login, make_user
from tests.office import assigned_item, at, build_office

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only

ASSIGNED = at(2026, 11, 20)


@pytest.fixture
def office(app):
    """Two items: one led by the forest farm (李督查's), one by the finance section (nobody's)."""
    office = build_office()
    office.li = make_user("li", Role.SUPERVISOR, display_name="李督查")
    office.chen = make_user("chen", Role.SUPERVISOR, display_name="陈督查")
    office.forest.supervisor = office.li
    office.mine = assigned_item(office, deadline=date(2026, 12, 20), now=ASSIGNED, title="林场的事项")
    office.other = assigned_item(office, deadline=date(2026, 12, 21), now=ASSIGNED, title="别人的事项")
    for share in office.other.assignments:
        if share.unit == office.forest:
            share.supervisor = office.chen  # this item's forest share was handed to 陈督查
    db.session.commit()
    return office


def titles_listed(client, url: str) -> set[str]:
    html = client.get(url).get_data(as_text=True)
    return {title for title in ("林场的事项", "别人的事项") if title in html}


def test_should_open_a_supervisors_item_list_on_mine_with_a_link_to_all(client, office):
    login(client, "li")
    html = client.get("/admin/item/").get_data(as_text=True)
    assert "我分包的" in html and "scope=all" in html
    assert titles_listed(client, "/admin/item/") == {"林场的事项"}
    assert titles_listed(client, "/admin/item/?scope=all") == {"林场的事项", "别人的事项"}
    # the scope stays on the list's own links (sorting, paging) and the item's own page always opens
    all_page = client.get("/admin/item/?scope=all").get_data(as_text=True)
    assert re.search(r'href="[^"]*sort=[^"]*scope=all|href="[^"]*scope=all[^"]*sort=', all_page)
    assert client.get(f"/admin/item/details/?id={office.other.id}").status_code == 200


def test_should_show_everything_to_a_supervisor_with_nothing_in_charge_and_to_leaders(client, office):
    office.chen.role = Role.SUPERVISOR
    nobody = make_user("zhou", Role.SUPERVISOR)
    make_user("boss", Role.LEADER)
    db.session.commit()
    for username in (nobody.username, "boss"):
        login(client, username)
        html = client.get("/admin/item/").get_data(as_text=True)
        assert "我分包的" not in html
        assert titles_listed(client, "/admin/item/") == {"林场的事项", "别人的事项"}
        client.post("/logout")


def test_should_scope_the_share_list_and_the_check_queue_to_the_supervisors_shares(client, office):
    forest_other = next(a for a in office.other.assignments if a.unit == office.forest)
    forest_mine = next(a for a in office.mine.assignments if a.unit == office.forest)
    due_check(forest_mine, now=at(2026, 11, 26))
    due_check(forest_other, now=at(2026, 11, 26))
    db.session.commit()
    login(client, "chen")
    shares = client.get("/admin/assignment/").get_data(as_text=True)
    assert "别人的事项" in shares and "林场的事项" not in shares and "陈督查" in shares
    queue = client.get("/admin/check_queue/").get_data(as_text=True)
    assert "别人的事项" in queue and "林场的事项" not in queue
    queue_all = client.get("/admin/check_queue/?scope=all").get_data(as_text=True)
    assert "别人的事项" in queue_all and "林场的事项" in queue_all


def test_should_hand_a_share_to_another_supervisor_from_its_page(client, office):
    share = next(a for a in office.mine.assignments if a.unit == office.forest)
    login(client, "li")
    page = client.get(f"/admin/assignment/details/?id={share.id}").get_data(as_text=True)
    assert "分包督查员：李督查" in page and "调整分包督查员" in page
    form = client.get(f"/admin/assignment/in_charge/?id={share.id}").get_data(as_text=True)
    assert "现由李督查督查" in form
    response = client.post(
        f"/admin/assignment/in_charge/?id={share.id}",
        data={"csrf_token": csrf_token_from(form), "supervisor": str(office.chen.id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert share.supervisor_id == office.chen.id
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "分包")).one()
    assert event.actor_name == "李督查" and "李督查 → 陈督查" in event.summary
    refused = client.post(
        f"/admin/assignment/in_charge/?id={share.id}",
        data={"csrf_token": csrf_token_from(form), "supervisor": "99999"},
    )
    assert refused.status_code == 200 and "陈督查" in refused.get_data(as_text=True)  # not a choice: the form again


def test_should_name_a_units_supervisor_on_its_form_and_filter_by_it(client, office):
    login(client, "li")
    form = client.get(f"/admin/unit/edit/?id={office.school.id}").get_data(as_text=True)
    assert "分包督查员" in form and "陈督查" in form
    listing = client.get(f"/admin/unit/?flt0_{len(UnitView.column_filters) - 1}={office.li.id}").get_data(as_text=True)
    names = set(re.findall(r"东方红林场|林业第一中学|计财科", listing))
    assert "东方红林场" in names and "计财科" not in names
    assert db.session.get(Unit, office.forest.id).supervisor_id == office.li.id


def test_should_put_a_supervisors_units_first_on_the_dashboard(client, office):
    login(client, "li")
    html = client.get("/admin/").get_data(as_text=True)
    assert "您分包的单位排在前面" in html
    first = re.search(r'class="duban-unit duban-unit-\w+( duban-unit-mine)?"[^>]*data-unit="(\d+)"', html)
    assert first.group(1) and int(first.group(2)) == office.forest.id
    client.post("/logout")
    login(client, "chen")  # 陈督查 has one share but no unit: no unit of theirs to put first
    assert "您分包的单位排在前面" not in client.get("/admin/").get_data(as_text=True)


def test_should_show_an_upward_deadline_on_the_dashboard_until_it_is_reported(client, office):
    from models import HigherInstruction

    record = HigherInstruction(
        item_id=office.mine.id, issuing_body="省林草局", received_on=date(2026, 11, 2), report_due=date(2026, 11, 25)
    )
    db.session.add(record)
    db.session.commit()
    login(client, "li")
    card = client.get("/admin/").get_data(as_text=True)
    assert 'id="upward"' in card and "2026-11-25 逾期" in card
    record.reported_on = date(2026, 11, 26)
    db.session.commit()
    assert 'id="upward"' not in client.get("/admin/").get_data(as_text=True)
