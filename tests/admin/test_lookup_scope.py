"""The type-ahead lookups are scoped like the lists: a liaison gets their own unit's rows, or a 403."""

import json
from datetime import date

import pytest
from flask_login import login_user

from admin_views.lookups import assignment_loader, item_loader, leader_loader, unit_loader
from extensions import db
from models import Role, User
from tests.factories import login, make_item, make_user
from tests.office import assigned_item, build_office

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def office(app, now):
    """Three units, an item of the forest farm and one of the school only, a liaison of the farm and a supervisor."""
    office = build_office()
    farm_item = assigned_item(office, deadline=date(2026, 12, 31), now=now, title="林场事项")
    school_item = make_item(office.school, now=now, title="学校事项")
    make_user("farm-liaison", Role.LIAISON, unit=office.forest)
    supervisor = make_user("lookup-super", Role.SUPERVISOR)
    db.session.commit()
    return office, farm_item, school_item, supervisor


def suggestions(response) -> list[str]:
    """The labels a lookup suggests."""
    assert response.status_code == 200
    return [label for _, label in json.loads(response.get_data(as_text=True))]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/item/ajax/lookup/?name=lead_unit&query=",
        "/admin/item/ajax/lookup/?name=co_units&query=",
        "/admin/item/ajax/lookup/?name=responsible_leader&query=",
        "/admin/item/ajax/lookup/?name=ordering_leader&query=",
        "/admin/quarter_target/ajax/lookup/?name=assignment&query=",
        "/admin/unit/ajax/lookup/?name=leader_in_charge&query=",
        "/admin/user/ajax/lookup/?name=unit&query=",
        "/admin/liaison/ajax/lookup/?name=unit&query=",
        "/admin/instruction/ajax/lookup/?name=item&query=",
    ],
)
def test_should_refuse_a_liaison_the_lookups_of_forms_they_cannot_fill(client, office, url):
    login(client, "farm-liaison")
    assert client.get(url).status_code == 403


def test_should_refuse_a_liaison_the_feedback_screens_share_lookup(client, office):
    # a liaison reports through the unit page, not the admin feedback form, so its lookup is not theirs to use
    login(client, "farm-liaison")
    assert client.get("/admin/feedback/ajax/lookup/?name=assignment&query=").status_code == 403


def test_should_suggest_everything_to_a_supervisor(client, office):
    login(client, "lookup-super")
    units = suggestions(client.get("/admin/item/ajax/lookup/?name=lead_unit&query="))
    assert {"东方红林场", "林业第一中学", "计财科"} <= set(units)
    assert len(suggestions(client.get("/admin/item/ajax/lookup/?name=responsible_leader&query="))) == 2


def test_should_scope_every_loader_to_a_liaisons_unit(app, office):
    office_, farm_item, school_item, _ = office
    liaison = db.session.scalar(db.select(User).filter_by(username="farm-liaison"))
    with app.test_request_context():
        login_user(liaison)
        assert [u.name for u in unit_loader("u").get_list("")] == ["东方红林场"]
        assert unit_loader("u").get_one(str(office_.school.id)) is None
        assert unit_loader("u").get_one(str(office_.forest.id)).name == "东方红林场"
        assert [leader.name for leader in leader_loader("l").get_list("")] == ["钱副局长"]
        assert [item.title for item in item_loader("i").get_list("")] == ["林场事项"]
        assert item_loader("i").get_one(str(school_item.id)) is None
        assert {a.unit_id for a in assignment_loader("a").get_list("")} == {office_.forest.id}
        assert unit_loader("u").get_one("99999999999999999999") is None
        assert unit_loader("u").get_list("", 99999999999999999999, -1) is not None
