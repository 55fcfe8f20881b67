"""Every admin URL with malformed ids, pages, sorts, filters and row ids: a 404 or a Chinese message, never a 500."""

from datetime import date

import pytest
from flask_admin.model import BaseModelView

from extensions import db
from models import Role
from tests.factories import login, make_user
from tests.office import assigned_item, build_office, report

BAD_IDS = ["abc", "-1", "0", "1.5", "99999999999", "99999999999999999999", "", "1 OR 1=1", "１"]
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
BAD_FILTER_VALUES = ["2", "abc", "-1", "99999999999", "99999999999999999999", "", "'%", "2026-13-45", "1.5"]
BAD_ROW_IDS = ["abc", "-1", "99999999999", "99999999999999999999", "1.5", ""]


@pytest.fixture
def office(app, now):
    """Three units with an assigned item, a feedback to review, and an account per role."""
    office = build_office()
    item = assigned_item(office, deadline=date(2026, 12, 31), now=now)
    report(item.assignments[0], 50)
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
        for target in (base + "/", base + "/export/csv/"):
            for args in BAD_LIST_ARGS:
                walk.get(target, **args)
            for key in (view._filter_args or {}).keys():
                for value in BAD_FILTER_VALUES:
                    walk.get(target, **{f"flt0_{key}": value})
            walk.get(target, flt0_999="1", fltx_0="2")


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


@pytest.mark.parametrize("username", ["walk-admin", "walk-super", "walk-liaison"])
def test_should_never_answer_malformed_urls_with_a_500(client, app, office, username):
    login(client, username)
    walk = Walk(client)
    walk_lists(walk, app)
    walk_records(walk, app)
    assert walk.count > 500
    assert walk.failures == [], "\n".join(walk.failures)
