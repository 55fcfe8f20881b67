"""Every list page (and the item details page) issues a fixed number of SQL statements, whatever the page holds."""

import csv
import io
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select

from admin_views.base import SecureModelView
from extensions import db
from models import Assignment, BureauLeader, Feedback, Instruction, Item, Liaison, Role, Unit
from models.calendar import CalendarDay
from models.check import CheckGround
from models.extension import ExtensionRequest, ExtensionStatus
from models.inspection import LeaderInspection
from models.periodic import QuarterTarget
from models.roster import StandIn
from tests.factories import login, make_item, make_leader, make_liaison, make_unit, make_user

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
EXPORT_STATEMENTS = 7  # the session and user, a supervisor's scope, small tables read whole, the one streamed query


@contextmanager
def counted_statements():
    """Count the SQL statements the engine executes inside the block."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def add_rows(n: int) -> None:
    """n rows of every kind, each pointing at its own unit and leader so N+1 loads would show."""
    for i in range(n):
        unit, co = make_unit(), make_unit()
        leader = make_leader()
        make_liaison(unit)
        make_user(f"user{unit.id}", Role.LIAISON, unit=unit)
        item = make_item(unit, [co], ordering_leader=leader, responsible_leader=leader)
        db.session.add(
            Feedback(assignment=item.assignments[0], progress=f"进展{i}", percent_complete=i, submitted_at=NOW)
        )
        db.session.add(Instruction(item=item, leader=leader, text=f"批示{i}"))
    db.session.commit()


PAGES = [
    "/admin/",
    "/admin/item/",
    "/admin/assignment/",
    "/admin/feedback/",
    "/admin/instruction/",
    "/admin/unit/",
    "/admin/liaison/",
    "/admin/leader/",
    "/admin/user/",
    "/admin/audit/",
]


def statements_per_page(client) -> dict[str, int]:
    """The number of SQL statements each list page issues."""
    counts = {}
    for page in PAGES:
        with counted_statements() as statements:
            response = client.get(page + ("?page_size=100" if page != "/admin/" else ""))
        assert response.status_code == 200, page
        counts[page] = len(statements)
    return counts


def test_should_issue_the_same_number_of_statements_for_3_rows_as_for_30(client):
    make_user("sup", Role.ADMIN)
    add_rows(3)
    login(client, "sup")
    few = statements_per_page(client)
    add_rows(27)
    many = statements_per_page(client)
    assert many == few, (few, many)
    assert max(few.values()) <= 15, few


FORMS = [
    "/admin/item/new/",
    "/admin/item/edit/?id={item}",
    "/admin/unit/new/",
    "/admin/unit/edit/?id={unit}",
    "/admin/liaison/new/",
    "/admin/user/new/",
    "/admin/feedback/new/",
    "/admin/instruction/new/",
    "/admin/assignment/deadline/?id={assignment}",
    "/admin/feedback/review/?id={feedback}",
]


def form_pages(client, ids) -> dict[str, tuple[int, int]]:
    """Statements and HTML size of every create/edit form."""
    result = {}
    for page in FORMS:
        with counted_statements() as statements:
            response = client.get(page.format(**ids))
        assert response.status_code == 200, page
        result[page] = (len(statements), len(response.get_data()))
    return result


def test_should_never_render_a_select_of_every_row_in_a_form(client):
    make_user("sup", Role.ADMIN)
    add_rows(3)
    item = db.session.scalar(db.select(Item).order_by(Item.id))
    ids = {
        "item": item.id,
        "unit": item.lead_unit_id,
        "assignment": item.assignments[0].id,
        "feedback": item.assignments[0].feedbacks[0].id,
    }
    login(client, "sup")
    few = form_pages(client, ids)
    add_rows(40)
    many = form_pages(client, ids)
    for page in FORMS:
        assert many[page][0] == few[page][0], page
        assert abs(many[page][1] - few[page][1]) < 200, page  # no <option> per unit, leader or item


@pytest.mark.parametrize("assignments", [1, 12])
def test_should_issue_a_fixed_number_of_statements_on_the_item_details_page(client, assignments):
    make_user("sup", Role.SUPERVISOR)
    lead = make_unit()
    item = make_item(lead, [make_unit() for _ in range(assignments - 1)])
    for assignment in item.assignments:
        db.session.add(Feedback(assignment=assignment, progress="进展", percent_complete=5, submitted_at=NOW))
    db.session.commit()
    item_id = item.id
    login(client, "sup")
    with counted_statements() as statements:
        assert client.get(f"/admin/item/details/?id={item_id}").status_code == 200
    assert len(statements) <= 12, statements


def statements_per_export(client) -> dict[str, int]:
    """The number of SQL statements each list's CSV and xlsx export issues."""
    counts = {}
    for page in PAGES[1:]:
        for kind in ("csv", "xlsx"):
            with counted_statements() as statements:
                response = client.get(f"{page}export/{kind}/")
            if response.status_code == 403:  # a list that is not exported (accounts)
                continue
            assert response.status_code == 200, page
            counts[f"{page}export/{kind}/"] = len(statements)
    return counts


def test_should_export_3_rows_or_30_with_the_same_number_of_statements(client, monkeypatch):
    monkeypatch.setattr(SecureModelView, "export_batch", 1)  # a load per batch of rows would show as one per row
    make_user("sup", Role.ADMIN)
    add_rows(3)
    login(client, "sup")
    few = statements_per_export(client)
    add_rows(27)
    many = statements_per_export(client)
    assert many == few, {page: (few[page], many[page]) for page in few if few[page] != many[page]}


def add_sparse_rows(n: int, start: int = 0) -> None:
    """n more rows of the kinds the demo office has few of (visits with units and items, stand-ins, calendar days,
    extension requests, quarter targets, check grounds), so that a query per row would show on every exported list;
    `start` numbers them on from an earlier call."""
    units = db.session.scalars(select(Unit).order_by(Unit.id).limit(3)).all()
    items = db.session.scalars(select(Item).order_by(Item.id).limit(3)).all()
    leader = db.session.scalar(select(BureauLeader).order_by(BureauLeader.id))
    liaison = db.session.scalar(select(Liaison).where(Liaison.unit_id == units[0].id))
    shares = db.session.scalars(select(Assignment).order_by(Assignment.id).offset(start).limit(n)).all()  # each its own
    for i in range(start, start + n):
        db.session.add(
            LeaderInspection(
                held_on=date(2026, 11, 1 + i), leader=leader, findings=f"情况{i}", units=units[:2], items=items[:2]
            )
        )
        day = date(2027, 2, 1 + i)
        db.session.add(StandIn(liaison=liaison, name=f"代理{i}", email=f"s{i}@example.org", start=day, end=day))
        db.session.add(CalendarDay(day=day, is_workday=False, note=f"调休{i}"))
        share = shares[i % len(shares)]
        db.session.add(
            ExtensionRequest(
                assignment=share,
                current_deadline=share.deadline,
                requested_deadline=share.deadline,
                reason=f"理由{i}",
                requested_by_name="王林",
                requested_at=NOW,
                status=ExtensionStatus.REFUSED,
            )
        )
        db.session.add(QuarterTarget(assignment=share, period=f"2030Q{i}", target=f"目标{i}"))
        db.session.add(CheckGround(name=f"情形{i}", sort_order=i))
    db.session.commit()


@pytest.fixture
def export_office(app, demo_office):
    """The demo office after a sweep with more of its sparse rows, and an account per role (the liaison's unit has
    shares, checks, notices …)."""
    demo_office(sweep=True)
    add_sparse_rows(8)
    unit = db.session.scalar(select(Unit).order_by(Unit.id))
    for role in Role:
        make_user(f"export-{role.value}", role, unit=unit if role == Role.LIAISON else None)
    db.session.commit()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.LIAISON])
def test_should_export_every_list_in_a_fixed_number_of_statements_whatever_its_rows(
    app, client, export_office, monkeypatch, role
):
    monkeypatch.setattr(SecureModelView, "export_batch", 1)  # a load per batch of rows would show as one per row
    login(client, f"export-{role.value}")
    rows, counts = {}, {}
    for view in app.extensions["admin"][0]._views:
        if not isinstance(view, SecureModelView):
            continue
        for kind in ("csv", "xlsx"):
            with counted_statements() as statements:
                response = client.get(f"{view.url}/export/{kind}/")
            if response.status_code == 403:  # a list this role may not export
                break
            assert response.status_code == 200, view.url
            counts[f"{view.url} {kind}"] = len(statements)
            if kind == "csv":
                rows[view.url] = len(list(csv.reader(io.StringIO(response.get_data(as_text=True))))) - 1
    assert max(counts.values()) <= EXPORT_STATEMENTS, {url: n for url, n in counts.items() if n > EXPORT_STATEMENTS}
    if role == Role.ADMIN:  # every list the office exports, each with rows enough that a query per row would show
        assert len(rows) >= 25, rows  # (at least 3 statements besides the rows: a query per row passes the bound)
        assert min(rows.values()) > EXPORT_STATEMENTS - 3, rows


def statements_per_list(app, client) -> dict[str, int]:
    """The statements of every list page (a page of up to 100 rows) of the signed-in person."""
    counts = {}
    for view in app.extensions["admin"][0]._views:
        if isinstance(view, SecureModelView):
            with counted_statements() as statements:
                response = client.get(f"{view.url}/?page_size=100")
            if response.status_code != 403:
                assert response.status_code == 200, view.url
                counts[view.url] = len(statements)
    return counts


def test_should_show_every_list_in_the_same_number_of_statements_with_more_of_its_sparse_rows(
    app, client, export_office
):
    login(client, "export-admin")
    few = statements_per_list(app, client)
    add_sparse_rows(8, start=8)
    many = statements_per_list(app, client)
    assert len(few) >= 25, few
    assert many == few, {url: (few[url], many[url]) for url in few if few[url] != many[url]}
