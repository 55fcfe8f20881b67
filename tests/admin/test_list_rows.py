"""A list page's rows, rendered in one call (SecureModelView.list_rows), show what Flask-Admin's row loop showed."""

from datetime import date

import pytest
from flask_admin.model.base import BaseModelView
from flask_login import login_user
from markupsafe import escape

from extensions import db
from models import Item, ItemStatus, Role
from tests.factories import make_item, make_leader, make_unit, make_user

pytestmark = pytest.mark.sqlite_only  # what is compared is rendering; the list's queries run on both databases


def expected_cells(view, row, columns) -> str:
    """The cells as Flask-Admin's template gave them: get_value per column, a relation shown as str() of it."""
    cells = []
    for name, _ in columns:
        if name in ("lead_unit", "responsible_leader"):
            related = getattr(db.session.get(Item, row.id), name)
            value = "" if related is None else str(related)
        else:
            value = BaseModelView._get_list_value(
                view, None, row, name, view.column_formatters, view.column_type_formatters
            )
        cells.append(f'<td class="col-{name}">{escape(value)}</td>')
    return "".join(cells)


def test_should_render_each_item_row_as_flask_admins_row_loop(app):
    units = [make_unit("第一林场"), make_unit("营林科")]
    leader = make_leader("王局长", title="局长")
    untitled = make_leader("张主任", title="")
    user = make_user("sup", Role.SUPERVISOR)
    make_item(units[0], [units[1]], title="<b>整改</b> & 落实", responsible_leader=leader)
    make_item(units[1], deadline=date(2020, 1, 1), responsible_leader=untitled)
    closed = make_item(units[1], deadline=date(2020, 1, 1))
    closed.status = ItemStatus.CLOSED
    db.session.commit()
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "item")
    with app.test_request_context("/admin/item/"):
        login_user(user)
        _, rows = view.get_list(0, None, False, None, [])
        columns = view.get_list_columns()
        links = view.row_links(view.get_list_row_actions(), "/admin/item/")
        html = view.list_rows(None, rows, columns, links, True)
        expected = [expected_cells(view, row, columns) for row in rows]
    assert len(rows) == 3
    for row, cells in zip(rows, expected, strict=True):
        assert cells in html
        assert f'<input type="checkbox" name="rowid" class="action-checkbox" value="{row.id}"' in html
        assert f'href="/admin/item/details/?id={row.id}&amp;url=/admin/item/"' in html
    assert "&lt;b&gt;整改&lt;/b&gt; &amp; 落实" in html
    assert "王局长（局长）" in html and ">张主任<" in html
    assert html.count(" 逾期</span>") == 1  # the open overdue item, not the closed one
