"""Document numbers with a yearly sequence, e.g. 督〔2026〕12号, safe under concurrent processes."""

import re

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.counter import SequenceCounter

ITEM_SERIES = "督"
NUMBER_PATTERN = re.compile(r"^(?P<prefix>\D+)〔(?P<year>\d{4})〕(?P<seq>\d{1,6})号$")


def format_number(prefix: str, year: int, seq: int) -> str:
    """Render a document number: format_number('督', 2026, 12) == '督〔2026〕12号'."""
    return f"{prefix}〔{year}〕{seq}号"


def parse_number(text: str) -> tuple[str, int, int] | None:
    """Split '督〔2026〕12号' into ('督', 2026, 12); None when it does not have that shape."""
    match = NUMBER_PATTERN.match(normalise_number(text))
    if not match:
        return None
    return match["prefix"], int(match["year"]), int(match["seq"])


def normalise_number(text: str) -> str:
    """Accept the usual ways of typing the brackets: [] () 〔〕 and half/full-width spaces."""
    text = (text or "").strip().replace(" ", "").replace("\u3000", "")
    for left in "[(（【":
        text = text.replace(left, "〔")
    for right in "])）】":
        text = text.replace(right, "〕")
    return text


def _ensure_counter(session: Session, key: str) -> None:
    """Create the counter row at 0 unless it exists (no error when another process creates it first)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(SequenceCounter).values(key=key, value=0).on_conflict_do_nothing(index_elements=["key"]))


def next_sequence(session: Session, prefix: str, year: int) -> int:
    """Take the next number of a series for a year; concurrent callers never get the same one."""
    key = f"{prefix}:{year}"
    with session.no_autoflush:
        _ensure_counter(session, key)
        return session.execute(
            update(SequenceCounter)
            .where(SequenceCounter.key == key)
            .values(value=SequenceCounter.value + 1)
            .returning(SequenceCounter.value)
        ).scalar_one()


def take_sequences(session: Session, prefix: str, year: int, count: int) -> int:
    """Take `count` consecutive numbers of a series at once (bulk imports); returns the first of them."""
    key = f"{prefix}:{year}"
    with session.no_autoflush:
        _ensure_counter(session, key)
        last = session.execute(
            update(SequenceCounter)
            .where(SequenceCounter.key == key)
            .values(value=SequenceCounter.value + count)
            .returning(SequenceCounter.value)
        ).scalar_one()
    return last - count + 1


def reserve_sequence(session: Session, prefix: str, year: int, seq: int) -> None:
    """Record that `seq` was used by hand, so generated numbers continue after it."""
    key = f"{prefix}:{year}"
    with session.no_autoflush:
        _ensure_counter(session, key)
        session.execute(
            update(SequenceCounter).where(SequenceCounter.key == key, SequenceCounter.value < seq).values(value=seq)
        )
