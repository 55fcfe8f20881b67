"""The dashboard: each unit's light at its edges (3 working days vs 4, overdue by one second, a rung this quarter or
last, a report awaiting review), the leader's units first, the tallies equal to a recount, a fixed statement count."""

import threading
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from clock import china_date
from extensions import db
from models import Assignment, AssignmentStatus, Escalation, Feedback, Item, ItemStatus, Role
from models.escalation import FailureReason
from models.feedback import ReviewStatus
from models.tally import ItemTally, OpenShareTally, item_counts_by_row, open_shares_by_deadline
from tests.factories import login, make_item, make_leader, make_unit, make_user
from tests.office import at
from workdays import WorkCalendar
from workflows.dashboard import dashboard_figures, monthly_charts, unit_lights

NOW = at(2026, 11, 26, 10)  # Thursday; 3 working days on is Tuesday 1 December, 4 is Wednesday 2 December


def share_of(unit, deadline: date, status=AssignmentStatus.IN_PROGRESS) -> Assignment:
    item = make_item(unit, deadline=deadline, now=NOW)
    share = item.assignments[0]
    share.status = status
    return share


def lights_at(moment, leader_id=None) -> dict[str, str]:
    lights = unit_lights(
        db.session, today=china_date(moment), calendar=WorkCalendar.load(db.session), leader_id=leader_id
    )
    return {light.name: light.light for light in lights}


def test_should_light_each_unit_at_the_edges(app):
    names = ["三天", "四天", "逾期", "办结", "本季度", "上季度", "待审核", "空"]
    units = {name: make_unit(name) for name in names}
    share_of(units["三天"], date(2026, 12, 1))
    share_of(units["四天"], date(2026, 12, 2))
    share_of(units["逾期"], date(2026, 11, 25))
    share_of(units["办结"], date(2026, 11, 1), status=AssignmentStatus.ACCEPTED)
    for name, day in (("本季度", date(2026, 10, 1)), ("上季度", date(2026, 9, 30))):
        share = share_of(units[name], date(2026, 12, 31))
        db.session.flush()
        db.session.add(
            Escalation(
                assignment_id=share.id,
                level=1,
                round_date=day,
                reason=FailureReason.CHECK_FAILED,
                created_at=at(day.year, day.month, day.day),
                created_by_name="督查员",
            )
        )
    review = share_of(units["待审核"], date(2026, 12, 31), status=AssignmentStatus.SUBMITTED)
    db.session.add(Feedback(assignment=review, progress="完成", submitted_at=NOW, review_status=ReviewStatus.PENDING))
    db.session.commit()

    assert lights_at(NOW) == {
        "三天": "yellow",
        "四天": "green",
        "逾期": "red",
        "办结": "green",
        "本季度": "red",
        "上季度": "green",
        "待审核": "yellow",
        "空": "green",
    }
    # due on the 25th: due today until midnight, overdue from the first second of the 26th (China time)
    assert lights_at(at(2026, 11, 25, 23, 59, 59))["逾期"] == "yellow"
    assert lights_at(at(2026, 11, 26, 0, 0, 1))["逾期"] == "red"


def test_should_put_the_leaders_units_first(app):
    leader = make_leader()
    others = [make_unit(f"其他{n}", code=f"A{n}") for n in range(3)]
    mine = [make_unit(f"分管{n}", code=f"Z{n}", leader_in_charge=leader) for n in range(2)]
    db.session.commit()
    lights = unit_lights(db.session, today=date(2026, 11, 26), calendar=WorkCalendar(), leader_id=leader.id)
    assert [light.name for light in lights] == [u.name for u in mine + others]
    assert [light.mine for light in lights] == [True, True, False, False, False]


def tallies() -> tuple[dict, dict]:
    items = {
        (s, src): n for s, src, n in db.session.execute(sa.select(ItemTally.status, ItemTally.source, ItemTally.n))
    }
    shares = dict(db.session.execute(sa.select(OpenShareTally.deadline, OpenShareTally.n)).all())
    return {k: n for k, n in items.items() if n}, {k: n for k, n in shares.items() if n}


def recount() -> tuple[dict, dict]:
    items = {(str(s), str(src)): n for s, src, n in db.session.execute(item_counts_by_row())}
    return items, dict(db.session.execute(open_shares_by_deadline()).all())


def test_should_keep_the_tallies_equal_to_a_recount_through_every_kind_of_change(app):
    units = [make_unit() for _ in range(3)]
    items = [
        make_item(units[n % 3], [units[(n + 1) % 3]], deadline=date(2026, 12, n % 5 + 1), now=NOW) for n in range(8)
    ]
    db.session.commit()
    assert tallies() == recount() and recount()[0]
    items[0].status = ItemStatus.CLOSED
    items[1].source = "hotline"
    items[2].assignments[0].status = AssignmentStatus.ACCEPTED
    items[3].assignments[0].deadline = date(2027, 1, 4)
    items[4].assignments[1].status = AssignmentStatus.CANCELLED
    items[4].assignments[1].deadline = date(2027, 1, 5)
    db.session.delete(items[5])
    db.session.commit()
    assert tallies() == recount()
    # bulk SQL, past the ORM: the database keeps the tallies itself
    db.session.execute(sa.update(Assignment).where(Assignment.item_id == items[6].id).values(status="accepted"))
    db.session.execute(sa.update(Item).values(status="in_progress").where(Item.id == items[7].id))
    db.session.execute(sa.update(Assignment).where(Assignment.item_id == items[2].id).values(status="in_progress"))
    db.session.execute(sa.delete(Assignment).where(Assignment.item_id == items[3].id))
    db.session.commit()
    assert tallies() == recount()
    figures = dashboard_figures(db.session, today=date(2026, 12, 3))
    open_shares = db.session.scalars(
        sa.select(Assignment).where(Assignment.status.in_(("pending", "in_progress")))
    ).all()
    assert figures["overdue_total"] == sum(1 for a in open_shares if a.deadline < date(2026, 12, 3))
    assert figures["item_total"] == db.session.scalar(sa.select(sa.func.count()).select_from(Item))


def test_should_keep_the_tallies_of_the_demo_office_equal_to_a_recount(app, demo_office):
    demo_office(sweep=False)
    assert tallies() == recount() and sum(recount()[1].values()) > 10


def test_should_chart_the_last_twelve_months(app):
    unit = make_unit()
    on_time, late, old = (share_of(unit, date(2026, 11, 10), AssignmentStatus.ACCEPTED) for _ in range(3))
    on_time.accepted_at = at(2026, 11, 10, 23, 59, 59)  # the deadline's last second: on time
    late.accepted_at = at(2026, 11, 11, 0, 0, 0)
    old.accepted_at = at(2025, 11, 30, 23)  # thirteen months back: out of the chart
    db.session.commit()
    charts = monthly_charts(db.session, today=date(2026, 11, 26))
    assert charts["months"][0] == "2025-12" and charts["months"][-1] == "2026-11" and len(charts["months"]) == 12
    assert (charts["on_time"][-1], charts["late"][-1], sum(charts["on_time"]) + sum(charts["late"])) == (1, 1, 2)


@pytest.fixture
def supervisor(app):
    make_user("kanban", Role.SUPERVISOR)
    db.session.commit()


def statements_of(client, url: str) -> int:
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    response = client.get(url)
    sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements)


def test_should_cost_the_same_number_of_statements_with_more_rows(client, supervisor):
    units = [make_unit() for _ in range(4)]
    db.session.commit()
    login(client, "kanban")
    counts = []
    for n in (2, 30):
        for k in range(n):
            deadline = NOW.date() + timedelta(days=k % 20 - 10)
            make_item(units[k % 4], [units[(k + 1) % 4]], deadline=deadline, now=NOW)
        db.session.commit()
        counts.append(statements_of(client, "/admin/"))
    assert counts[0] == counts[1]
    page = client.get("/admin/").get_data(as_text=True)
    assert page.count('data-light="') == 4 and "下周到期" in page and 'id="dashboard-charts"' in page


def test_should_let_two_transactions_write_shares_of_crossed_deadlines_at_once(app):
    """Two writers that touch two deadlines' tallies in opposite orders (an import beside a deadline extension) both
    commit: the tallies are written one transaction at a time, never left to deadlock (PostgreSQL; SQLite has one
    writer anyway)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time")
    item = make_item(make_unit(), [])
    units = [make_unit() for _ in range(4)]
    db.session.commit()
    item_id, unit_ids = item.id, [unit.id for unit in units]  # the other writer has no app context
    first, second = date(2027, 3, 1), date(2027, 3, 2)
    now = at(2026, 11, 26)

    def share(connection, unit_id, deadline):
        row = {"item_id": item_id, "unit_id": unit_id, "role": "co", "deadline": deadline, "status": "assigned"}
        row |= {"escalation_level": 0, "created_at": now, "updated_at": now}
        connection.execute(sa.insert(Assignment.__table__), row)

    failures = []
    engine = db.engine

    def other_writer():
        try:
            with engine.begin() as connection:
                share(connection, unit_ids[1], second)
                share(connection, unit_ids[2], first)
        except Exception as error:  # noqa: BLE001 (whatever stops the other writer fails the test)
            failures.append(error)

    with engine.connect() as connection:
        with connection.begin():
            share(connection, unit_ids[0], first)
            thread = threading.Thread(target=other_writer)
            thread.start()
            time.sleep(0.5)  # the other writer has written (or waits to write) the second deadline's tally
            try:
                share(connection, unit_ids[3], second)
            except sa.exc.DBAPIError as error:
                failures.append(error)
                raise
        thread.join(timeout=30)
    assert not thread.is_alive() and not failures, failures
    db.session.expire_all()
    assert tallies() == recount()
