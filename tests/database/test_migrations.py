"""The migrations build the schema the models describe, on every backend, and upgrade real offices' data."""

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from extensions import db
from models import Base

# The demo office as the previous release built it (scripts/release_fixture.py a4f4709): every row of every table.
PREVIOUS_RELEASE = Path(__file__).resolve().parent.parent / "data" / "release_0004_races.json.gz"
# What the upgrades after that release change in existing values on purpose (0007 hands the open shares to the next
# sweep, which plans their checks).
REWRITTEN = {("assignment", "next_action_on")}


def test_should_have_no_pending_autogenerate_diff_after_upgrading_to_head(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_should_be_at_the_newest_revision(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    config = Config(app.extensions["migrate"].directory + "/alembic.ini")
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_should_upgrade_a_database_holding_data_from_the_first_revision(app, database_url):
    """A real office upgrades with its data in place: rows written at 0001 survive the later revisions."""
    from flask_migrate import downgrade, upgrade

    downgrade(revision="0001")
    with db.engine.begin() as connection:
        connection.execute(
            db.text(
                "INSERT INTO unit (id, code, name, kind, active, created_at, updated_at) "
                "VALUES (1, 'U1', '东方红林场', 'affiliated', true, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            db.text(
                "INSERT INTO item (id, number, year, seq, title, source, lead_unit_id, deadline, rhythm, status, "
                "created_at, updated_at) VALUES (1, '督〔2026〕1号', 2026, 1, '旧事项', 'hotline', 1, '2026-12-01', "
                "'one_off', 'registered', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            db.text(
                "INSERT INTO assignment (id, item_id, unit_id, role, deadline, status, escalation_level, created_at, "
                "updated_at) VALUES (1, 1, 1, 'lead', '2026-12-01', 'pending', 0, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"
            )
        )
    upgrade()
    with db.engine.connect() as connection:
        assert connection.execute(db.text("SELECT token_version FROM assignment WHERE id = 1")).scalar() == 1
        assert connection.execute(db.text("SELECT title FROM item WHERE id = 1")).scalar() == "旧事项"


def test_should_keep_the_ladder_history_and_put_open_work_under_the_checks_when_upgrading(app):
    """0007 (three checks): escalations, notices, circulars and e-mail of the old ladder stay as history; items of the
    six sources are put under the checks, and their open shares get a plan from the next sweep (past dates set
    aside)."""
    from flask_migrate import downgrade, upgrade

    from models import Assignment, CheckState, Escalation, Item, Notice, NoticeStatus
    from tests.office import at, sweep

    downgrade(revision="0004_races")
    stamp = "'2026-11-02 01:00:00'"
    rows = [
        "INSERT INTO unit (id, code, name, kind, active, created_at, updated_at) "
        f"VALUES (1, 'U1', '东方红林场', 'affiliated', true, {stamp}, {stamp})",
        "INSERT INTO item (id, number, year, seq, title, source, lead_unit_id, deadline, rhythm, status, created_at, "
        f"updated_at) VALUES (1, '督〔2026〕1号', 2026, 1, '会议事项', 'meeting_decision', 1, '2026-12-31', 'one_off', "
        f"'in_progress', {stamp}, {stamp})",
        "INSERT INTO item (id, number, year, seq, title, source, lead_unit_id, deadline, rhythm, status, created_at, "
        f"updated_at) VALUES (2, '督〔2026〕2号', 2026, 2, '热线来电', 'hotline', 1, '2026-12-31', 'one_off', "
        f"'assigned', {stamp}, {stamp})",
        "INSERT INTO assignment (id, item_id, unit_id, role, deadline, status, escalation_level, assigned_at, "
        f"checks_done, token_version, created_at, updated_at) VALUES (1, 1, 1, 'lead', '2026-12-31', 'in_progress', 1, "
        f"{stamp}, 1, 1, {stamp}, {stamp})",
        "INSERT INTO assignment (id, item_id, unit_id, role, deadline, status, escalation_level, assigned_at, "
        f"checks_done, token_version, created_at, updated_at) VALUES (2, 2, 1, 'lead', '2026-12-31', 'assigned', 0, "
        f"{stamp}, 0, 1, {stamp}, {stamp})",
        "INSERT INTO notice (id, kind, number, year, seq, title, addressee, body, issued_at, issued_by_name, item_id, "
        f"assignment_id, unit_id) VALUES (1, 'rectification', '督整〔2026〕1号', 2026, 1, '整改通知书', '东方红林场', "
        f"'旧正文', {stamp}, '督查室', 1, 1, 1)",
        "INSERT INTO escalation (id, assignment_id, level, round_date, reason, notice_id, created_at, created_by_name) "
        f"VALUES (1, 1, 1, '2026-11-20', 'no_feedback', 1, {stamp}, '系统')",
        f"INSERT INTO circular (id, period, title, body, status, created_at, updated_at) VALUES (1, '2026-11', "
        f"'月通报', '正文', 'sent', {stamp}, {stamp})",
        "INSERT INTO outbox_message (id, message_id, kind, recipient_email, subject, body_text, status, attempts, "
        f"next_attempt_at, created_at) VALUES (1, '<m1@duban>', 'rectification', 'wang@example.org', '【整改通知书】', "
        f"'旧正文', 'sent', 1, {stamp}, {stamp})",
    ]
    with db.engine.begin() as connection:
        for row in rows:
            connection.execute(db.text(row))
        if connection.dialect.name == "postgresql":  # rows written with their ids: move the sequences past them
            for table in ("unit", "item", "assignment", "notice", "escalation", "circular", "outbox_message"):
                connection.execute(
                    db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    upgrade()
    db.session.expire_all()

    notice = db.session.get(Notice, 1)
    assert (notice.number, notice.status, notice.body) == ("督整〔2026〕1号", NoticeStatus.ISSUED, "旧正文")
    escalation = db.session.get(Escalation, 1)
    assert (escalation.level, escalation.reason.value, escalation.notice_id) == (1, "no_feedback", 1)
    with db.engine.connect() as connection:
        assert connection.execute(db.text("SELECT kind, status FROM circular")).one() == ("monthly", "sent")
        assert connection.execute(db.text("SELECT subject FROM outbox_message")).scalar() == "【整改通知书】"
    meeting, hotline = db.session.get(Item, 1), db.session.get(Item, 2)
    assert (meeting.three_checks, hotline.three_checks) == (True, False)
    share = db.session.get(Assignment, 1)
    assert share.escalation_level == 1 and share.next_action_on is not None  # kept its rung; the sweep will look
    assert db.session.get(Assignment, 2).checks == []

    sweep(at(2026, 12, 11, 9))  # the first sweep after the upgrade plans the open share from its dates
    db.session.expire_all()
    share = db.session.get(Assignment, 1)
    states = [(c.round, c.state) for c in share.checks]
    # assigned 2 November, due 31 December (43 working days): 20 Nov has passed (set aside, not held late), 11 Dec
    # is today (opened), 31 Dec is ahead
    assert states == [(1, CheckState.MOOT), (2, CheckState.DUE), (3, CheckState.PLANNED)]
    assert share.escalation_level == 1 and db.session.get(Assignment, 2).checks == []


def _typed(value, column_type):
    """A value as SQLite held it (text dates, 0/1 booleans), as the column's Python type."""
    if value is None:
        return None
    if isinstance(column_type, sa.Boolean):
        return bool(value)
    if isinstance(column_type, sa.DateTime):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    return value


def load_release(connection, release: dict) -> dict:
    """Write the release's rows into the database at its revision (foreign keys checked after, not row by row);
    returns them by table as {primary key: row}, typed as the database gives them back."""
    schema = sa.MetaData()
    schema.reflect(bind=connection)
    postgres = connection.dialect.name == "postgresql"
    connection.execute(
        sa.text("SET session_replication_role = replica" if postgres else "PRAGMA defer_foreign_keys=ON")
    )
    written = {}
    for name, table in release["tables"].items():
        reflected = schema.tables[name]
        columns = table["columns"]
        rows = [
            {c: (_typed(v, reflected.c[c].type) if postgres else v) for c, v in zip(columns, row, strict=True)}
            for row in table["rows"]
        ]
        if rows:
            connection.execute(sa.table(name, *(sa.column(c) for c in columns)).insert(), rows)
        keys = [c.name for c in reflected.primary_key]
        written[name] = {tuple(r[k] for k in keys): r for r in rows}
    if postgres:
        connection.execute(sa.text("SET session_replication_role = DEFAULT"))
        for name, table in release["tables"].items():
            if table["rows"] and "id" in table["columns"]:
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"
                    )
                )
    return written


def test_should_upgrade_the_previous_release_with_its_demo_office_and_lose_nothing(app):
    """The previous release's demo office, loaded at its migration head, upgraded to this one: every row and value
    is still there (but the few the upgrade rewrites on purpose), every record loads, the sweep runs on it."""
    from flask_migrate import downgrade, upgrade

    from tests.conftest import DEMO_MOMENT
    from workflows.sweep import run_sweep

    release = json.loads(gzip.decompress(PREVIOUS_RELEASE.read_bytes()))
    downgrade(revision=release["revision"])
    with db.engine.begin() as connection:
        before = load_release(connection, release)
    upgrade()

    lost, changed = [], []
    with db.engine.connect() as connection:
        schema = sa.MetaData()
        schema.reflect(bind=connection)
        for name, rows in before.items():
            keys = [c.name for c in schema.tables[name].primary_key]
            raw = sa.table(name, *(sa.column(c.name) for c in schema.tables[name].columns))  # values as stored
            now = {tuple(r[k] for k in keys): r for r in connection.execute(sa.select(raw)).mappings()}
            lost += [(name, key) for key in rows if key not in now]
            for key, row in rows.items():
                for column, value in row.items():
                    if key in now and (name, column) not in REWRITTEN and now[key].get(column, value) != value:
                        changed.append((name, key, column, value, now[key].get(column)))
    assert lost == [] and changed == []
    assert sum(len(rows) for rows in before.values()) > 4000

    db.session.expire_all()
    for mapper in Base.registry.mappers:  # every record reads back through the models (enums, dates, JSON)
        db.session.scalars(sa.select(mapper.class_)).all()
    report = run_sweep(db.session, now=DEMO_MOMENT)  # the open shares get their plans
    db.session.commit()
    assert report.examined > 0
