"""The demo's 分包: the second supervisor is in charge of the 14 departments (部办)."""

from collections.abc import Iterable

from models.unit import Unit, UnitKind


def hand_out_departments(session, units: Iterable[Unit], supervisor) -> int:
    """Put the departments without a supervisor in `supervisor`'s charge (once: a unit already handed out stays)."""
    if supervisor is None:
        return 0
    handed = 0
    for unit in units:
        if unit.kind == UnitKind.DEPARTMENT and unit.supervisor_id is None:
            unit.supervisor = supervisor
            handed += 1
    session.flush()
    return handed
