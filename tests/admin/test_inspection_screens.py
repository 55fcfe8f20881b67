"""领导督查: recording a leader's on-site supervision writes it into the items' histories; 据此立项 registers the task
the leader gave as an item with the leader as the one who ordered it; who may do what."""

from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db
from models import AuditEvent, BureauLeader, Item, ItemSource, LeaderInspection, Role
from tests.conftest import csrf_token_from
from tests.factories import login, make_item, make_user
from tests.office import at, build_office
from workflows.inspections import inspection_count

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def office(app):
    """The three-unit office, an item of the forest farm, and one user per role."""
    office = build_office()
    office.item = make_item(office.forest, [], deadline=date(2026, 12, 20), now=at(2026, 11, 20), title="防火隔离带")
    office.chief = db.session.scalars(sa.select(BureauLeader).where(BureauLeader.name == "赵局长")).one()
    make_user("li", Role.SUPERVISOR, display_name="李督查")
    make_user("boss", Role.LEADER, leader=office.chief)
    make_user("wang", Role.LIAISON, unit=office.forest)
    db.session.commit()
    return office


def record_visit(client, office, **overrides) -> LeaderInspection:
    form = client.get("/admin/leader_inspection/new/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(form),
        "held_on": "2026-11-24",
        "leader": str(office.chief.id),
        "place": "东方红林场三工区",
        "units": [str(office.forest.id)],
        "items": [str(office.item.id)],
        "findings": "防火隔离带进度偏慢，要求十二月中旬前完工。",
        **overrides,
    }
    response = client.post("/admin/leader_inspection/new/", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(sa.select(LeaderInspection).order_by(LeaderInspection.id.desc())).first()


def test_should_write_a_visit_into_the_history_and_page_of_the_items_it_concerned(client, office):
    login(client, "li")
    visit = record_visit(client, office)
    assert visit.units == [office.forest] and visit.items == [office.item]
    step = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "领导督查")).one()
    assert step.item_id == office.item.id and "防火隔离带进度偏慢" in step.summary and step.actor_name == "李督查"
    page = client.get(f"/admin/item/details/?id={office.item.id}").get_data(as_text=True)
    assert "领导督查" in page and "东方红林场三工区" in page
    assert inspection_count(db.session, 2026) == 1 and inspection_count(db.session, 2025) == 0


def test_should_register_the_leaders_task_as_an_item_from_the_visit(client, office):
    login(client, "li")
    visit = record_visit(client, office)
    url = f"/admin/leader_inspection/follow_up/?id={visit.id}"
    form = client.get(url).get_data(as_text=True)
    assert "据此立项" in form
    refused = client.post(
        url, data={"csrf_token": csrf_token_from(form), "title": "清理林下可燃物", "deadline": "2026-12-31"}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "请选择牵头单位" in text and "清理林下可燃物" in text  # nothing typed is lost
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token_from(form),
            "title": "清理林下可燃物",
            "content": "各林场组织清理。",
            "lead_unit": str(office.forest.id),
            "co_units": [str(office.school.id)],
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    item = db.session.scalars(sa.select(Item).where(Item.title == "清理林下可燃物")).one()
    assert item.source == ItemSource.LEADER_INSTRUCTION and item.ordering_leader_id == office.chief.id
    assert item.instruction == visit.findings and item.lead_unit_id == office.forest.id
    assert {u.name for u in item.co_units} == {"林业第一中学"} and item.deadline == date(2026, 12, 31)
    db.session.expire_all()
    assert {i.title for i in db.session.get(LeaderInspection, visit.id).items} == {"防火隔离带", "清理林下可燃物"}
    assert db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "领导督查交办")).one().item_id == item.id


def test_should_let_leaders_record_and_read_but_not_register_items_and_keep_units_out(client, office):
    login(client, "boss")
    visit = record_visit(client, office)
    assert visit.leader_id == office.chief.id
    assert client.get(f"/admin/leader_inspection/follow_up/?id={visit.id}").status_code == 403
    assert "据此立项" not in client.get(f"/admin/leader_inspection/details/?id={visit.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, "wang")
    assert client.get("/admin/leader_inspection/").status_code == 403
    assert client.get(f"/admin/leader_inspection/details/?id={visit.id}").status_code == 403
