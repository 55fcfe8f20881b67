"""Who held the liaison role when: tenures follow moves and handovers; stand-ins receive notices on their days."""

from datetime import date, datetime

import pytest

from clock import CHINA
from extensions import db
from models import Liaison, StandIn, Tenure
from tests.factories import make_liaison, make_unit
from workflows.recipients import unit_contacts
from workflows.roster import replace_liaison, save_liaison


def on(day: date) -> datetime:
    """10:00 China time on `day`."""
    return datetime(day.year, day.month, day.day, 10, tzinfo=CHINA)


@pytest.fixture
def forest(app):
    """A unit without liaisons yet."""
    return make_unit("东方红林场")


def addresses(unit, day: date) -> list[str]:
    """Who receives the unit's notices on `day`."""
    return [r.email for r in unit_contacts(db.session, unit, on=day)]


def test_should_open_a_tenure_from_the_since_date(forest):
    wang = make_liaison(forest, "王林", email="wang@example.org", since=date(2024, 3, 1))
    (tenure,) = db.session.scalars(db.select(Tenure)).all()
    assert (tenure.liaison_id, tenure.unit_id, tenure.start, tenure.end) == (wang.id, forest.id, date(2024, 3, 1), None)


def test_should_keep_the_history_when_a_liaison_moves_to_another_unit(forest):
    school = make_unit("林业第一中学")
    wang = make_liaison(forest, "王林", email="wang@example.org", since=date(2024, 3, 1))
    wang.unit_id = school.id
    save_liaison(db.session, wang, now=on(date(2026, 6, 1)))
    tenures = db.session.scalars(db.select(Tenure).order_by(Tenure.start)).all()
    assert [(t.unit_id, t.start, t.end) for t in tenures] == [
        (forest.id, date(2024, 3, 1), date(2026, 6, 1)),
        (school.id, date(2026, 6, 1), None),
    ]
    assert addresses(forest, date(2026, 5, 31)) == ["wang@example.org"]
    assert addresses(school, date(2026, 6, 2)) == ["wang@example.org"]
    assert addresses(forest, date(2026, 6, 2)) == []


def test_should_send_to_whoever_holds_the_role_on_the_day_after_a_handover(forest):
    wang = make_liaison(forest, "王林", email="wang@example.org", since=date(2024, 3, 1))
    li = Liaison(name="李新", email="li@example.org", employment="full_time", active=True)
    replace_liaison(db.session, wang, li, now=on(date(2026, 9, 1)))
    assert not wang.active and li.is_primary and li.unit_id == forest.id
    assert addresses(forest, date(2026, 8, 31)) == ["wang@example.org"]
    assert addresses(forest, date(2026, 9, 1)) == ["li@example.org"]  # both served that day: the primary wins
    assert addresses(forest, date(2026, 9, 2)) == ["li@example.org"]


def test_should_fall_back_to_the_units_mailbox_without_a_liaison(forest):
    forest.office_email = "office@forest.example.org"
    assert addresses(forest, date(2026, 9, 1)) == ["office@forest.example.org"]


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 12, 9), "wang@example.org"),  # the day before the stand-in starts
        (date(2026, 12, 10), "zhao@example.org"),  # the first day
        (date(2026, 12, 20), "zhao@example.org"),  # the last day (included)
        (date(2026, 12, 21), "wang@example.org"),  # the day after
    ],
)
def test_should_send_to_the_stand_in_between_the_two_dates_included(forest, day, expected):
    wang = make_liaison(forest, "王林", email="wang@example.org", since=date(2024, 3, 1))
    db.session.add(
        StandIn(
            liaison_id=wang.id,
            name="赵代理",
            email="zhao@example.org",
            start=date(2026, 12, 10),
            end=date(2026, 12, 20),
        )
    )
    db.session.flush()
    assert addresses(forest, day) == [expected]


def test_should_address_the_stand_in_by_name(forest):
    wang = make_liaison(forest, "王林", email="wang@example.org")
    db.session.add(
        StandIn(
            liaison_id=wang.id, name="赵代理", email="zhao@example.org", start=date(2026, 12, 1), end=date(2026, 12, 31)
        )
    )
    db.session.flush()
    (recipient,) = unit_contacts(db.session, forest, on=date(2026, 12, 15))
    assert recipient.name == "赵代理"


def test_should_reject_a_stand_in_ending_before_it_starts_on_the_screen(client, forest):
    from models import Role
    from tests.factories import login, make_user

    wang = make_liaison(forest, "王林", email="wang@example.org")
    make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    login(client, "sup")
    form = {
        "liaison": wang.id,
        "name": "赵代理",
        "email": "zhao@example.org",
        "start": "2026-12-20",
        "end": "2026-12-10",
    }
    page = client.post("/admin/stand_in/new/", data=form, follow_redirects=True).get_data(as_text=True)
    assert "代理结束日期不能早于开始日期" in page and "赵代理" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(StandIn)) == 0


def test_should_make_a_new_entry_without_an_explicit_active_flag_the_units_primary(forest):
    liaison = Liaison(unit=forest, name="王林", email="wang@example.org")
    save_liaison(db.session, liaison, now=on(date(2026, 6, 1)))
    assert liaison.active and liaison.is_primary
