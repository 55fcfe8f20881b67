"""党政领导大接访: the visit is registered beside its item (who came, to which leader, what they asked), the item page
leads to it, and the item closes only once the result given to the visitors is recorded."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db
from models import AssignmentStatus, BureauLeader, ItemSource, ItemStatus, ReceptionVisit, Role
from tests.conftest import csrf_token_from
from tests.factories import login, make_user
from tests.office import assigned_item, at, build_office
from workflows.lifecycle import TransitionError, record_answer, refresh_item_status

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only

NOW = at(2026, 11, 20)


@pytest.fixture
def office(app):
    """A reception-visit item led by the forest farm, a supervisor and a liaison."""
    office = build_office()
    office.chief = db.session.scalars(sa.select(BureauLeader).where(BureauLeader.name == "赵局长")).one()
    office.item = assigned_item(
        office, deadline=date(2026, 12, 20), now=NOW, source=ItemSource.RECEPTION_VISIT, title="职工反映房屋渗水"
    )
    office.item.ordering_leader = office.chief
    make_user("li", Role.SUPERVISOR, display_name="李督查")
    make_user("wang", Role.LIAISON, unit=office.forest)
    db.session.commit()
    return office


def test_should_register_the_visit_from_the_item_page(client, office):
    login(client, "li")
    page = client.get(f"/admin/item/details/?id={office.item.id}").get_data(as_text=True)
    assert "登记来访人和诉求" in page
    form = client.get(f"/admin/reception_visit/new/?item_id={office.item.id}").get_data(as_text=True)
    # the item's ordering leader is the receiving leader by default
    assert re.search(rf'id="leader" name="leader" type="hidden" value="{office.chief.id}"', form)
    response = client.post(
        "/admin/reception_visit/new/",
        data={
            "csrf_token": csrf_token_from(form),
            "item": str(office.item.id),
            "received_on": "2026-11-18",
            "leader": str(office.chief.id),
            "visitors": "张桂兰等回迁户代表",
            "visitor_count": "4",
            "request": "回迁楼屋面渗水，要求尽快维修。",
        },
    )
    assert response.status_code == 302
    visit = db.session.scalars(sa.select(ReceptionVisit)).one()
    assert (visit.item_id, visit.leader_id, visit.visitor_count) == (office.item.id, office.chief.id, 4)
    assert "来访登记" in client.get(f"/admin/item/details/?id={office.item.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, "wang")
    assert client.get(f"/admin/reception_visit/details/?id={visit.id}").status_code == 403


def test_should_refuse_an_empty_visit_in_chinese_and_keep_what_was_typed(client, office):
    login(client, "li")
    form = client.get("/admin/reception_visit/new/").get_data(as_text=True)
    response = client.post(
        "/admin/reception_visit/new/",
        data={"csrf_token": csrf_token_from(form), "item": str(office.item.id), "request": "屋面渗水"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "请填写来访人" in text and "屋面渗水" in text
    assert db.session.scalar(sa.select(sa.func.count(ReceptionVisit.id))) == 0


def test_should_close_only_after_the_result_is_given_to_the_visitors(office):
    for share in office.item.assignments:
        share.status = AssignmentStatus.ACCEPTED
    assert refresh_item_status(db.session, office.item, now=at(2026, 12, 1)) == ItemStatus.UNDER_REVIEW
    with pytest.raises(TransitionError, match="请填写答复内容"):
        record_answer(db.session, office.item, " ", None, actor=None, now=at(2026, 12, 1))
    record_answer(db.session, office.item, "已当面告知来访人维修安排。", "satisfied", actor=None, now=at(2026, 12, 2))
    assert office.item.status == ItemStatus.CLOSED
