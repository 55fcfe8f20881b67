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
