"""Item numbers: 督〔year〕N号, a sequence per year, typed numbers respected, never duplicated under concurrency."""

import multiprocessing
from datetime import UTC, datetime

import pytest

from audit import act_as
from extensions import db
from models import Item
from tests.factories import NOW, make_item, make_unit
from workflows.numbering import format_number, normalise_number, parse_number


def test_should_format_and_parse_numbers():
    assert format_number("督", 2026, 12) == "督〔2026〕12号"
    assert parse_number("督〔2026〕12号") == ("督", 2026, 12)
    assert parse_number(" 督[2026]12号 ") == ("督", 2026, 12)
    assert parse_number("督（2026）3号") == ("督", 2026, 3)
    assert parse_number("督整〔2026〕3号") == ("督整", 2026, 3)
    assert parse_number("12号") is None and parse_number("督〔26〕1号") is None
    assert normalise_number("督 【2026】 5号") == "督〔2026〕5号"


def test_should_start_a_new_sequence_each_year_in_china_time(app):
    unit = make_unit()
    before_new_year = datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC)  # 23:59:59 in China
    new_year = datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC)  # 00:00 on 1 January 2027 in China
    assert make_item(unit, now=before_new_year).number == "督〔2026〕1号"
    assert make_item(unit, now=new_year).number == "督〔2027〕1号"
    assert make_item(unit, now=new_year).number == "督〔2027〕2号"
    assert make_item(unit, now=before_new_year).number == "督〔2026〕2号"


def create_items(database_url: str, count: int, barrier) -> list[str]:
    """Worker process: create `count` items, one transaction each, as fast as possible."""
    from app import create_app
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    numbers = []
    with app.app_context():
        act_as(db.session, None, now=NOW)  # a worker process is an edge of its own
        unit_id = db.session.scalar(db.select(db.func.min(Item.lead_unit_id)))
        from models import Unit

        barrier.wait()
        for _ in range(count):
            item = make_item(db.session.get(Unit, unit_id), title="并发事项")
            numbers.append(item.number)
            db.session.commit()
    return numbers


def test_should_never_give_two_items_the_same_number_when_processes_race(app, database_url):
    make_item(make_unit())  # seeds the counter and gives the workers a unit
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    workers, per_worker = 4, 15
    with context.Manager() as manager:
        barrier = manager.Barrier(workers)
        with context.Pool(workers) as pool:
            results = pool.starmap(create_items, [(database_url, per_worker, barrier)] * workers)
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == len(set(numbers)) == workers * per_worker
    seqs = sorted(db.session.scalars(db.select(Item.seq)).all())
    assert seqs == list(range(1, workers * per_worker + 2))


@pytest.mark.parametrize("typed", ["督〔2026〕9号", "督[2026]9号"])
def test_should_continue_after_a_typed_number(app, typed):
    unit = make_unit()
    assert make_item(unit, number=typed).number == "督〔2026〕9号"
    assert make_item(unit).number == "督〔2026〕10号"
