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
