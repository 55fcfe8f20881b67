"""The liaison roster (督查网络): one active primary contact per unit, and the history of who held the role when."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.liaison import Liaison
from models.roster import StandIn, Tenure


def save_liaison(session: Session, liaison: Liaison, *, now: datetime) -> Liaison:
    """Save a roster entry: keep one primary per unit, and open or close its tenure when it joins, moves or leaves."""
    session.add(liaison)
    if liaison.active is None:  # a new entry is in post unless said otherwise (the column default comes too late)
        liaison.active = True
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
    _keep_tenure(session, liaison, unit_id, china_date(now))
    return liaison


def _keep_tenure(session: Session, liaison: Liaison, unit_id: int, today: date) -> None:
    """The open tenure follows the entry: none while inactive, one for its current unit while active."""
    open_tenures = session.scalars(select(Tenure).where(Tenure.liaison_id == liaison.id, Tenure.end.is_(None))).all()
    for tenure in open_tenures:
        if not liaison.active or tenure.unit_id != unit_id:
            tenure.end = today
    if liaison.active and not any(t.unit_id == unit_id for t in open_tenures):
        start = today if open_tenures else (liaison.since or today)
        session.add(Tenure(liaison_id=liaison.id, unit_id=unit_id, start=start))
    session.flush()


def replace_liaison(session: Session, leaving: Liaison, successor: Liaison, *, now: datetime) -> Liaison:
    """The successor takes over the unit's role today; the one leaving stays in the roster as inactive, with history."""
    successor.unit_id = leaving.unit_id
    successor.is_primary = leaving.is_primary or successor.is_primary
    successor.since = successor.since or china_date(now)
    leaving.active = False
    save_liaison(session, leaving, now=now)
    save_liaison(session, successor, now=now)
    record_step(session, "更换联络员", leaving, f"由 {successor.name} 接任", now=now)
    return successor


def contacts_on(session: Session, unit_id: int, day: date) -> list[Liaison]:
    """The unit's liaisons on `day`: those whose tenure covers it, else (no history kept) the active ones."""
    return contacts_of_units(session, [unit_id], day).get(unit_id, [])


def contacts_of_units(session: Session, unit_ids: list[int], day: date) -> dict[int, list[Liaison]]:
    """contacts_on of several units at once, in at most two statements."""
    found: dict[int, list[Liaison]] = {}
    if not unit_ids:
        return found
    rows = session.execute(
        select(Tenure.unit_id, Liaison)
        .join(Tenure, Tenure.liaison_id == Liaison.id)
        .where(Tenure.unit_id.in_(unit_ids), Tenure.start <= day, (Tenure.end.is_(None)) | (Tenure.end >= day))
        .order_by(Tenure.unit_id, Liaison.is_primary.desc(), Liaison.id)
    ).all()
    for unit_id, liaison in rows:
        found.setdefault(unit_id, []).append(liaison)
    found = {unit_id: list(dict.fromkeys(liaisons)) for unit_id, liaisons in found.items()}
    untracked = [unit_id for unit_id in dict.fromkeys(unit_ids) if unit_id not in found]
    if untracked:
        active = session.scalars(
            select(Liaison)
            .where(Liaison.unit_id.in_(untracked), Liaison.active.is_(True))
            .order_by(Liaison.unit_id, Liaison.is_primary.desc(), Liaison.id)
        ).all()
        for liaison in active:
            found.setdefault(liaison.unit_id, []).append(liaison)
    return found


def stand_ins_on(session: Session, liaison_ids: list[int], day: date) -> dict[int, StandIn]:
    """The stand-in acting for each liaison on `day` (the latest-starting one when several overlap)."""
    if not liaison_ids:
        return {}
    rows = session.scalars(
        select(StandIn)
        .where(StandIn.liaison_id.in_(liaison_ids), StandIn.start <= day, StandIn.end >= day)
        .order_by(StandIn.start)
    ).all()
    return {row.liaison_id: row for row in rows}
