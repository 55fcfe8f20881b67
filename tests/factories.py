"""Small builders of test data that go through the same workflows as the screens."""

from datetime import UTC, date, datetime
from itertools import count

from extensions import db
from models import BureauLeader, Item, ItemSource, Liaison, Role, Unit, UnitKind, User
from workflows.items import save_item
from workflows.roster import save_liaison

_serial = count(1)
PASSWORD = "correct-horse-9"
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def make_unit(name: str | None = None, *, kind=UnitKind.AFFILIATED, code: str | None = None, **fields) -> Unit:
    """A unit with a unique code and name."""
    n = next(_serial)
    unit = Unit(code=code or f"U{n:03d}", name=name or f"测试单位{n}", kind=kind, active=True, **fields)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_leader(name: str | None = None, **fields) -> BureauLeader:
    """A bureau leader."""
    n = next(_serial)
    leader = BureauLeader(name=name or f"领导{n}", title=fields.pop("title", "副局长"), **fields)
    db.session.add(leader)
    db.session.flush()
    return leader


def make_liaison(unit: Unit, name: str | None = None, **fields) -> Liaison:
    """A liaison of a unit."""
    n = next(_serial)
    liaison = Liaison(
        unit=unit, name=name or f"联络员{n}", email=fields.pop("email", f"liaison{n}@example.org"), **fields
    )
    return save_liaison(db.session, liaison, now=NOW)


def make_user(username: str, role: Role, *, unit: Unit | None = None, password: str = PASSWORD, **fields) -> User:
    """An active account with a known password."""
    user = User(
        username=username,
        display_name=fields.pop("display_name", username),
        role=role,
        unit=unit,
        active=fields.pop("active", True),
        **fields,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_item(
    lead: Unit, co_units=(), *, title: str | None = None, deadline: date = date(2026, 12, 31), now=NOW, **fields
) -> Item:
    """An item with its assignments, numbered as the screens would."""
    n = next(_serial)
    item = Item(
        title=title or f"测试事项{n}",
        source=fields.pop("source", ItemSource.MEETING_DECISION),
        lead_unit=lead,
        deadline=deadline,
        **fields,
    )
    save_item(db.session, item, list(co_units), now=now)
    return item


def login(client, username: str, password: str = PASSWORD):
    """Sign a test client in."""
    return client.post("/login", data={"username": username, "password": password})
