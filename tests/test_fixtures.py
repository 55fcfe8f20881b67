"""The suite's own shortcuts are faithful: the demo office copied back is the one that was seeded."""

from extensions import db
from tests.conftest import empty_all_tables, snapshot_rows


def test_should_copy_back_exactly_the_demo_office_that_was_seeded(app, demo_office):
    demo_office(sweep=True)  # seeded for real, or copied back when an earlier test of the session seeded it
    seeded = snapshot_rows(db.session)
    assert len(seeded["tables"]["item"]) == 60 and len(seeded["tables"]["outbox_message"]) > 100
    db.session.commit()
    with db.engine.begin() as connection:
        empty_all_tables(connection)
    demo_office(sweep=True)  # copied back
    assert snapshot_rows(db.session) == seeded
    if db.engine.dialect.name == "postgresql":  # the ids go on from where the seeding left them
        assert ("item", 60) in {
            (name.rsplit(".", 1)[1].removesuffix("_id_seq"), last) for name, last, _ in seeded["sequences"]
        }
