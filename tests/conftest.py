"""Test fixtures: an app on a real database (SQLite, and PostgreSQL when DUBAN_TEST_DATABASE_URL is set).

`make test` runs the suite in parallel (pytest-xdist, one worker per core). Each worker is a pytest session of its
own, so every session-scoped resource here is per worker: its own SQLite file and PostgreSQL schema, its own instance
folder, its own browser; servers (live server, SMTP) listen on free ports.
"""

import contextvars
import os
import re
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient

from app import create_app
from audit import act_as
from clock import CHINA, utcnow
from extensions import db
from models import Base, Unit, User
from models.tally import is_derived

# The wall clock the views read during the tests: a Thursday morning, ticking from there. The office scenarios are
# dated around it (December 2026 deadlines, links valid 30 days after), so the suite must not depend on the real date.
TEST_WALL_CLOCK = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)
# The moment the demo office of `demo_office` is seeded (and swept) at: the wall clock's start.
DEMO_MOMENT = TEST_WALL_CLOCK


def _cache_url_builders() -> None:
    """Build each URL rule's builder once per test process, not once per test's app (werkzeug compiles ~500 small
    functions for every app, about two thirds of `create_app`'s time). The builder takes the rule as its first
    argument, so one compiled function serves every app's equal rule."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def cached(self, append_unknown: bool = True):
        converters = tuple(
            (name, type(c).__name__, repr(sorted((k, v) for k, v in vars(c).items() if k != "map")))
            for name, c in self._converters.items()
        )
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), converters, append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = cached


_cache_url_builders()

PG_URL = os.environ.get("DUBAN_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, … under pytest-xdist
_instance_folder: str | None = None  # set for the session by `instance_folder`


@pytest.fixture(scope="session", autouse=True)
def wall_clock():
    """Stand the clock at TEST_WALL_CLOCK for the whole session (views, tokens, cookies and mail dates alike)."""
    with time_machine.travel(TEST_WALL_CLOCK, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory):
    """The instance folder of the session's apps (uploads, imports, password files), never the project's instance/."""
    global _instance_folder
    _instance_folder = str(tmp_path_factory.mktemp("instance"))
    yield _instance_folder
    _instance_folder = None


def postgres_url(schema: str) -> str:
    """The test server's URL, for the psycopg 3 driver, confined to one schema."""
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    """A fresh, empty database for this test session, dropped at the end."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "duban-test.sqlite")
        return
    schema = f"duban_test_{WORKER}_{uuid.uuid4().hex[:12]}"
    admin_engine = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin_engine.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_url(schema)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


def make_config(database_url: str, **overrides) -> dict:
    """The configuration every test app starts from."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": _instance_folder,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_SUPPRESS_SEND": True,
        "PUBLIC_URL": "http://duban.test",
        "SERVER_NAME": None,
        # a cheap hash keeps the suite fast; production uses scrypt (see test_auth for the real thing)
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated_database(database_url):
    """Upgrade the session's database to head once, through the real migrations."""
    from flask_migrate import upgrade

    app = create_app(make_config(database_url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def empty_all_tables(connection) -> None:
    """Remove every row, keeping the schema (run after each test): children first and the derived tallies last (the
    deletes' triggers touch them); on PostgreSQL the id sequences start again at 1, as TRUNCATE … RESTART IDENTITY
    would (DELETE of the mostly empty tables is about twenty times faster than one TRUNCATE of them all)."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if not is_derived(t)]
    tables += [t for t in Base.metadata.sorted_tables if is_derived(t)]
    for table in tables:
        connection.execute(sa.text(f'DELETE FROM "{table.name}"'))
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
                "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        )


@pytest.fixture
def app_config(migrated_database):
    """Overridable per test module: the config of the `app` fixture."""
    return make_config(migrated_database)


@pytest.fixture
def app(app_config):
    """The application on the session's database, emptied after the test."""
    application = create_app(app_config)
    with application.app_context():
        # the test body is an edge too: its own changes are made by the system, at the (ticking) test clock's start
        act_as(db.session, None, now=utcnow())
        yield application
        db.session.remove()
        with db.engine.begin() as connection:
            empty_all_tables(connection)
        db.engine.dispose()


def snapshot_rows(session) -> dict:
    """Every row of every table (and, on PostgreSQL, where each id sequence stands), to put back with restore_rows.

    Rows are taken and put back in primary-key order (a query without ORDER BY has no defined order to keep).
    """
    tables = {
        table.name: [dict(row) for row in session.execute(table.select().order_by(*table.primary_key)).mappings()]
        for table in Base.metadata.sorted_tables
        if not is_derived(table)  # the database's triggers rebuild them from the rows put back
    }
    sequences = []
    if session.get_bind().dialect.name == "postgresql":
        sequences = session.execute(
            sa.text(
                "SELECT format('%I.%I', schemaname, sequencename), last_value, start_value "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        ).all()
    return {"tables": tables, "sequences": [tuple(row) for row in sequences]}


def restore_rows(session, snapshot: dict) -> None:
    """Put the rows of `snapshot_rows` back into the emptied database (parents first), committed.

    A foreign key that closes a cycle (use_alter, e.g. a unit's supervisor, whose account names a unit) is written
    as NULL first and set once every table is back.
    """
    for table in reversed(Base.metadata.sorted_tables):  # rows the migrations seeded (call categories …) give way
        if snapshot["tables"].get(table.name):
            session.execute(table.delete())
    later = []
    for table in Base.metadata.sorted_tables:
        rows = snapshot["tables"].get(table.name) or []  # the tally tables are not kept: triggers rebuild them
        cyclic = [fk.parent.name for fk in table.foreign_keys if fk.use_alter or fk.constraint.use_alter]
        if rows:
            session.execute(table.insert(), [{**row, **dict.fromkeys(cyclic)} for row in rows])
        later += [(table, name, row) for name in cyclic for row in rows if row[name] is not None]
    for table, name, row in later:
        key = [column for column in table.primary_key]
        session.execute(table.update().where(*(c == row[c.name] for c in key)).values({name: row[name]}))
    if session.get_bind().dialect.name == "postgresql":
        # each id sequence continues after the restored ids (the snapshot may come from SQLite, which has none)
        for table in Base.metadata.sorted_tables:
            rows = snapshot["tables"].get(table.name)
            if rows and "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                session.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), :value)"),
                    {"value": max(row["id"] for row in rows)},
                )
    session.commit()


# Settings that do not change the rows `seed_demo` writes: one seeded office serves both databases (its rows are
# copied into PostgreSQL as into SQLite) and the browser tests' CSRF and mail-server settings.
SEED_NEUTRAL_SETTINGS = {
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_ENGINE_OPTIONS",
    "WTF_CSRF_ENABLED",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_SUPPRESS_SEND",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
}


@pytest.fixture(scope="session")
def demo_snapshots():
    """The demo offices seeded so far in this session (per worker): rows by database, configuration and recipe."""
    return {}


@pytest.fixture
def demo_office(app, demo_snapshots):
    """`demo_office(sweep=…)` puts the demo office in the test's empty database, as `seed_demo` builds it at
    DEMO_MOMENT (then swept once at that moment when `sweep`), committed.

    Seeding replays months of the office (seconds of CPU). It runs for real the first time a session needs that
    office on that database with that configuration; later tests get exactly the same rows copied back.
    """
    from demo.office import seed_demo
    from workflows.sweep import run_sweep

    def load(*, sweep: bool) -> None:
        for model in (Unit, User):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, "the database is not empty"
        settings = {name: value for name, value in app.config.items() if name not in SEED_NEUTRAL_SETTINGS}
        key = (sweep, repr(sorted((name, repr(value)) for name, value in settings.items())))
        saved = demo_snapshots.get(key)
        if saved is not None:
            restore_rows(db.session, saved)
            return
        seed_demo(db.session, now=DEMO_MOMENT)
        if sweep:
            run_sweep(db.session, now=DEMO_MOMENT)
        db.session.commit()
        demo_snapshots[key] = snapshot_rows(db.session)

    return load


class IsolatedClient(FlaskClient):
    """A test client whose requests each run in their own app context (own session, own `g`), as in production.

    The test body keeps its own app context for direct database work; without this, Flask would reuse it for
    the requests, sharing one session and one `g` (and so the signed-in user) between test and requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app):
    """A test client of the app."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()


@pytest.fixture
def now():
    """A fixed moment for workflows: Thursday 26 November 2026, 10:00 China time (a working day)."""
    return datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)


@pytest.fixture
def backend(database_url):
    """'sqlite' or 'postgresql'."""
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no csrf_token in page"
    return match.group(1)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """The browser tests' Chromium: Debian's, headless, offline (skipped, or failed on CI, when it is missing)."""
    from tests.browser import CHROMIUM, LAUNCH_ARGS, require_browser

    require_browser()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS}


@pytest.fixture
def page(page):
    """The browser tab; the test fails if any page it visits reports a Content-Security-Policy violation."""
    from tests.browser import watch_csp

    violations = watch_csp(page)
    yield page
    assert violations == [], "\n".join(violations)


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port, from a clean context (its requests never share the test's)."""
    from tests.browser import LiveServer

    server = contextvars.Context().run(LiveServer, app)
    with server:
        yield server


def pytest_collection_modifyitems(config, items):
    """Which tests also run on PostgreSQL: all but the real-browser tests (they prove the screens and scripts in
    Chromium; every screen's queries also run on PostgreSQL through the test client, in test_every_page and the
    screen tests) and the modules marked `sqlite_only` (parsing, wording, headers and the role matrix, where nothing
    depends on the database's dialect). CI's twenty minutes are spent where the dialect matters."""
    kept, dropped = [], []
    for item in items:
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("database_url")
        uses_browser = "page" in getattr(item, "fixturenames", ())
        sqlite_only = uses_browser or item.get_closest_marker("sqlite_only") is not None
        (dropped if sqlite_only and backend == "postgresql" else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
