"""The migrations build the schema the models describe, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from extensions import db
from models import Base


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
