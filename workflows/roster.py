"""The liaison roster (督查网络): keeping exactly one active primary contact per unit."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.liaison import Liaison


def save_liaison(session: Session, liaison: Liaison, *, now: datetime) -> Liaison:
    """Save a roster entry: a new primary demotes the unit's old one; a unit's first active liaison becomes primary."""
    session.add(liaison)
    unit_id = liaison.unit_id if liaison.unit_id is not None else liaison.unit.id
    with session.no_autoflush:
        query = select(Liaison).where(
            Liaison.unit_id == unit_id, Liaison.active.is_(True), Liaison.is_primary.is_(True)
        )
        if liaison.id is not None:
            query = query.where(Liaison.id != liaison.id)
        other_primaries = session.scalars(query).all()
    if not liaison.active:
        liaison.is_primary = False
    elif liaison.is_primary and other_primaries:
        # Demote first and flush, so the one-primary-per-unit index never sees two at once.
        liaison.is_primary = False
        for other in other_primaries:
            other.is_primary = False
        session.flush()
        liaison.is_primary = True
    elif not other_primaries:
        liaison.is_primary = True
    session.flush()
    return liaison
