"""Every admin URL with malformed ids, pages, sorts, filters and row ids: a 404 or a Chinese message, never a 500."""

from datetime import date

import pytest
from flask_admin.model import BaseModelView

from extensions import db
from models import Role
from models.item import Item, ItemStatus
from tests.factories import login, make_item, make_user
from tests.office import assigned_item, build_office, report
from workflows.lifecycle import assign_item

BAD_IDS = ["abc", "-1", "99999999999", "99999999999999999999", "１"]
BAD_LIST_ARGS = [
    {"page": "99999999999999999999"},
    {"page": "99999999999"},
    {"page": "-5"},
    {"page": "abc"},
    {"page_size": "99999999999999999999"},
    {"page_size": "-1"},
    {"page_size": "0"},
    {"sort": "999"},
    {"sort": "abc"},
    {"sort": "-1"},
    {"sort": "99999999999999999999"},
    {"desc": "x"},
    {"sort": "0", "desc": "99999999999999999999"},
    {"search": "'\"%_\\"},
    {"search": "%"},
    {"search": "100%' OR '1'='1"},
]
BAD_FILTER_VALUES = ["2", "abc", "-1", "99999999999999999999", "2026-13-45"]
BAD_ROW_IDS = ["abc", "-1", "99999999999999999999"]


@pytest.fixture
def office(app, now):
    """Three units with an assigned item, a feedback to review, and an account per role."""
    office = build_office()
    item = assigned_item(office, deadline=date(2026, 12, 31), now=now)
    report(item.assignments[0], 50, progress="林场的进展")
    make_user("walk-admin", Role.ADMIN)
    make_user("walk-super", Role.SUPERVISOR)
    make_user("walk-liaison", Role.LIAISON, unit=office.forest)
    db.session.commit()
    return office


def model_views(app) -> list[BaseModelView]:
    """The model screens of the admin."""
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, BaseModelView)]


def admin_rules(app):
    """Every admin URL rule without a path variable (except export's type), with its methods."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin/") or rule.endpoint == "admin.static":
            continue
        if rule.arguments - {"export_type"}:
            continue
        path = rule.rule.replace("<export_type>", "csv")
        yield rule.endpoint, path, rule.methods - {"HEAD", "OPTIONS"}


class Walk:
    """Requests many URLs and collects those answered with a 500 (the app turns any exception into one)."""

    def __init__(self, client):
        self.client, self.failures, self.count = client, [], 0

    def get(self, path, **args):
        self._check("GET", path, self.client.get(path, query_string=args))

    def post(self, path, data, **args):
        self._check("POST", path, self.client.post(path, query_string=args, data=data))

    def _check(self, method, path, response):
        self.count += 1
        if response.status_code >= 500:
            self.failures.append(f"{method} {response.request.full_path} -> {response.status_code}")


def walk_lists(walk: Walk, app):
    """Every list and export, with bad paging, sorting, searching and each filter given junk."""
    for view in model_views(app):
        base = view.url
        for args in BAD_LIST_ARGS:
            walk.get(base + "/", **args)
        for key in (view._filter_args or {}).keys():
            for value in BAD_FILTER_VALUES:
                walk.get(base + "/", **{f"flt0_{key}": value})
            # the export reads the same arguments: one bad page and the junk that reaches the database
            walk.get(base + "/export/csv/", page="-5", **{f"flt0_{key}": "2"})
        walk.get(base + "/", flt0_999="1", fltx_0="2")


def walk_records(walk: Walk, app):
    """Every URL that names a record by ?id=, and every POST that names rows, with malformed ids."""
    for endpoint, path, methods in admin_rules(app):
        name = endpoint.split(".")[-1]
        if name in ("index_view", "export", "index"):
            continue
        if "GET" in methods:
            for bad in BAD_IDS:
                walk.get(path, id=bad, unit_id=bad, item_id=bad, assignment_id=bad)
            if name == "ajax_lookup":
                for field in ("lead_unit", "co_units", "responsible_leader", "assignment", "item", "unit", "junk"):
                    walk.get(path, name=field, query="'%", offset="99999999999999999999", limit="-1")
        if "POST" in methods:
            for bad in BAD_IDS:
                walk.post(path, {"id": bad, "rowid": bad, "pk": bad, "value": "x", "list_form_pk": bad}, id=bad)
    for view in model_views(app):
        for action_name, _ in view._actions:
            for bad in BAD_ROW_IDS:
                walk.post(view.url + "/action/", {"action": action_name, "rowid": bad})
            walk.post(view.url + "/action/", {"action": action_name, "rowid": ["1", "99999999999999999999"]})
        walk.post(view.url + "/action/", {"action": "junk", "rowid": "1"})


@pytest.mark.parametrize(
    "username, parts",
    [
        ("walk-admin", (walk_lists, walk_records)),
        # the supervisor runs the workflow steps; a liaison's lists are scoped to their unit
        ("walk-super", (walk_records,)),
        ("walk-liaison", (walk_lists,)),
    ],
    ids=["admin", "supervisor", "liaison"],
)
def test_should_never_answer_malformed_urls_with_a_500(client, app, office, username, parts):
    login(client, username)
    walk = Walk(client)
    for part in parts:
        part(walk, app)
    assert walk.count > 300
    assert walk.failures == [], "\n".join(walk.failures)


def flashed(response) -> str:
    """The page a redirect leads to, as text (its flashed messages included)."""
    return response.get_data(as_text=True)


def test_should_say_in_chinese_that_a_filter_value_is_not_one_of_its_options(client, office):
    login(client, "walk-admin")
    page = client.get("/admin/item/?flt0_0=2")
    assert page.status_code == 200
    assert "筛选条件“来源”的值“2”无效，已忽略。" in page.get_data(as_text=True)


def test_should_answer_ids_and_pages_beyond_the_database_with_not_found(client, office):
    login(client, "walk-admin")
    for bad in ("99999999999", "99999999999999999999"):
        details = client.get(f"/admin/item/details/?id={bad}", follow_redirects=True)
        assert details.status_code == 200 and "记录不存在。" in flashed(details)
        assert client.get(f"/admin/item/suspend/?id={bad}").status_code == 404
    assert client.get("/admin/item/?page=99999999999999999999").status_code == 404
    assert client.get("/admin/item/?page=-5").status_code == 404


def test_should_refuse_garbled_row_ids_of_an_action_in_chinese(client, office):
    login(client, "walk-admin")
    for rowid in ("abc", "99999999999999999999"):
        response = client.post(
            "/admin/outbox/action/", data={"action": "resend", "rowid": rowid}, follow_redirects=True
        )
        assert response.status_code == 200
        assert "所选记录编号无效，操作未执行。" in flashed(response)


def test_should_assign_several_items_at_once_from_the_item_list(client, office, now):
    first = make_item(office.forest, [office.school], now=now)
    second = make_item(office.school, now=now)
    db.session.commit()
    login(client, "walk-super")
    response = client.post(
        "/admin/item/action/", data={"action": "assign", "rowid": [first.id, second.id]}, follow_redirects=True
    )
    assert response.status_code == 200 and "已交办 2 项。" in flashed(response)
    db.session.expire_all()
    assert {db.session.get(Item, i).status for i in (first.id, second.id)} == {ItemStatus.ASSIGNED}


def test_should_filter_feedback_and_items_by_unit(client, office, now):
    school_item = make_item(office.school, now=now, title="学校的事项")
    db.session.flush()
    assign_item(db.session, school_item, actor=None, now=now)
    report(school_item.assignments[0], 30, progress="学校的进展")
    db.session.commit()
    login(client, "walk-admin")
    feedback = client.get(f"/admin/feedback/?flt0_2={office.school.id}")
    assert feedback.status_code == 200
    page = feedback.get_data(as_text=True)
    assert "学校的进展" in page and "林场的进展" not in page
    items = client.get(f"/admin/item/?flt0_4={office.school.id}").get_data(as_text=True)
    assert "学校的事项" in items and "测试事项" not in items
