"""The liaison directory (通讯录) for print, and the roster and units as .xlsx in their import templates' shape."""

from dataclasses import dataclass, field

from sqlalchemy import case, select
from sqlalchemy.orm import Session, selectinload

from importing.roster import RosterImporter
from importing.templates import build_workbook
from importing.units import UnitImporter
from models.liaison import Liaison
from models.unit import Unit, UnitKind

KIND_ORDER = case({kind: position for position, kind in enumerate(UnitKind)}, value=Unit.kind)


@dataclass
class DirectoryUnit:
    """One unit of the directory with its active liaisons, primary first."""

    unit: Unit
    liaisons: list[Liaison] = field(default_factory=list)


@dataclass
class DirectoryGroup:
    """The units of one kind (局直单位 or 部办)."""

    kind: UnitKind
    units: list[DirectoryUnit] = field(default_factory=list)

    @property
    def liaison_count(self) -> int:
        """How many liaisons the group lists."""
        return sum(len(u.liaisons) for u in self.units)


def _units(session: Session, *, active_only: bool) -> list[Unit]:
    query = select(Unit).options(selectinload(Unit.leader_in_charge)).order_by(KIND_ORDER, Unit.code, Unit.id)
    if active_only:
        query = query.where(Unit.active.is_(True))
    return list(session.scalars(query))


def _liaisons_by_unit(session: Session, *, active_only: bool) -> dict[int, list[Liaison]]:
    query = select(Liaison).order_by(Liaison.active.desc(), Liaison.is_primary.desc(), Liaison.since, Liaison.id)
    if active_only:
        query = query.where(Liaison.active.is_(True))
    grouped: dict[int, list[Liaison]] = {}
    for liaison in session.scalars(query):
        grouped.setdefault(liaison.unit_id, []).append(liaison)
    return grouped


def directory_groups(session: Session) -> list[DirectoryGroup]:
    """Active units by kind, then code, each with its active liaisons (a unit without one is listed too)."""
    liaisons = _liaisons_by_unit(session, active_only=True)
    groups: dict[UnitKind, DirectoryGroup] = {kind: DirectoryGroup(kind) for kind in UnitKind}
    for unit in _units(session, active_only=True):
        groups[unit.kind].units.append(DirectoryUnit(unit, liaisons.get(unit.id, [])))
    return [group for group in groups.values() if group.units]


def roster_row(liaison: Liaison, unit: Unit) -> dict:
    """A liaison as a row of the roster template (column key -> cell value)."""
    return {
        "unit": unit.name,
        "name": liaison.name,
        "post": liaison.post,
        "employment": liaison.employment.label if liaison.employment else None,
        "office_phone": liaison.office_phone,
        "mobile": liaison.mobile,
        "email": liaison.email,
        "note": liaison.note,
        "since": liaison.since,
        "is_primary": "是" if liaison.is_primary else "否",
        "active": "是" if liaison.active else "否",
    }


def unit_row(unit: Unit) -> dict:
    """A unit as a row of the units template (column key -> cell value)."""
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind.label,
        "head_name": unit.head_name,
        "head_email": unit.head_email,
        "leader_in_charge": unit.leader_in_charge.name if unit.leader_in_charge else None,
        "office_email": unit.office_email,
        "phone": unit.phone,
        "aliases": unit.aliases,
        "active": "是" if unit.active else "否",
    }


def roster_workbook(session: Session) -> bytes:
    """Every liaison (in post or not) in the roster template's shape: edit it in Excel and import it back."""
    liaisons = _liaisons_by_unit(session, active_only=False)
    rows = [
        roster_row(liaison, unit)
        for unit in _units(session, active_only=False)
        for liaison in liaisons.get(unit.id, [])
    ]
    return build_workbook(RosterImporter(), session, rows, with_example=False)


def units_workbook(session: Session) -> bytes:
    """Every unit in the units template's shape."""
    rows = [unit_row(unit) for unit in _units(session, active_only=False)]
    return build_workbook(UnitImporter(), session, rows, with_example=False)
