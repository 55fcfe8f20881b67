"""A list page builds its own addresses without url_for (SecureModelView.get_url): each one is url_for's."""

import pytest
from flask import request
from flask_admin.base import BaseView

ARGUMENTS = [
    {},
    {"page": None, "sort": None},
    {"page": 2, "sort": 5, "desc": 1, "search": "a b&c/é?x=1#", "page_size": 20},
    {"flt0_2": "in_progress", "flt1_3": ["a", "b", None], "scope": "all", "x": 3.5, "y": True},
    {"z": "+%20~!$'()*,/:;?@[]"},
]


@pytest.mark.parametrize("root", ["", "/duban"])
def test_should_build_the_same_list_addresses_as_url_for(app, root):
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "item")
    with app.test_request_context("/admin/item/", base_url=f"http://localhost{root}"):
        request.url_rule = app.url_map._rules_by_endpoint["item.index_view"][0]
        for arguments in ARGUMENTS:
            assert view.get_url(".index_view", **arguments) == BaseView.get_url(view, ".index_view", **arguments)
        assert view.get_url(".index_view", _anchor="top") == BaseView.get_url(view, ".index_view", _anchor="top")
        assert view.get_url(".export", export_type="csv") == BaseView.get_url(view, ".export", export_type="csv")
