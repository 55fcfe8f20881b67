"""Supervisors in charge of units (分包): who watches a share, and which shares are a supervisor's own."""

from sqlalchemy import and_, case, exists, false, inspect, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from audit import record_step
from models.assignment import Assignment
from models.item import Item
from models.unit import Unit
from models.user import Role, User


def supervisor_in_charge(assignment: Assignment) -> User | None:
    """The supervisor who watches this share: its own (a central task's split) or else its unit's, when active."""
    for supervisor in (assignment.supervisor, assignment.unit.supervisor if assignment.unit else None):
        if supervisor is not None:
            return supervisor if supervisor.active and supervisor.role == Role.SUPERVISOR else None
    return None


def unit_supervisor(unit: Unit) -> User | None:
    """The active supervisor in charge of a unit, if the office gave it one."""
    supervisor = unit.supervisor
    return supervisor if supervisor is not None and supervisor.active and supervisor.role == Role.SUPERVISOR else None


def load_supervisors(session: Session, records) -> None:
    """Load the supervisors of these units and shares in one statement (none when every one is loaded or nobody is
    in charge), so that signing and addressing their mail reads no more rows."""
    states = [inspect(record) for record in records]
    waiting = [state.obj() for state in states if state.persistent and "supervisor" in state.unloaded]
    wanted = {record.supervisor_id for record in waiting if record.supervisor_id is not None}
    found = {}
    if wanted:
        with session.no_autoflush:
            found = {user.id: user for user in session.scalars(select(User).where(User.id.in_(wanted)))}
    for record in waiting:
        set_committed_value(record, "supervisor", found.get(record.supervisor_id))


def shares_in_charge_of(user_id: int):
    """SQL condition on Assignment: the share is this supervisor's (its own supervisor, or else its unit's)."""
    units_of_user = select(Unit.id).where(Unit.supervisor_id == user_id)
    return or_(
        Assignment.supervisor_id == user_id,
        and_(Assignment.supervisor_id.is_(None), Assignment.unit_id.in_(units_of_user)),
    )


def items_in_charge_of(user_id: int):
    """SQL condition on Item: one of the item's shares is this supervisor's."""
    return exists().where(Assignment.item_id == Item.id, shares_in_charge_of(user_id))


# Where session_user leaves has_anything_in_charge's answer on the user it loads for a request.
IN_CHARGE_LOADED = "_duban_in_charge"


def in_charge_column():
    """SQL column beside User: has_anything_in_charge's answer, read in the same statement as the user."""
    return case(
        (
            User.role == Role.SUPERVISOR,
            or_(exists().where(Unit.supervisor_id == User.id), exists().where(Assignment.supervisor_id == User.id)),
        ),
        else_=false(),
    )


def has_anything_in_charge(session: Session, user) -> bool:
    """Whether the office handed this supervisor any unit or share (then their lists open on 我分包的)."""
    if user is None or getattr(user, "role", None) != Role.SUPERVISOR:
        return False
    known = getattr(user, IN_CHARGE_LOADED, None)
    if known is not None:
        return known
    return bool(
        session.scalar(select(exists().where(Unit.supervisor_id == user.id)))
        or session.scalar(select(exists().where(Assignment.supervisor_id == user.id)))
    )


def signature(assignment: Assignment | None, unit: Unit | None, default: str) -> str:
    """How a notice the system issues to a unit is signed: by the supervisor in charge when there is one."""
    supervisor = supervisor_in_charge(assignment) if assignment is not None else None
    if supervisor is None and unit is not None:
        supervisor = unit_supervisor(unit)
    return f"{default}（{supervisor.display_name}）"[:50] if supervisor is not None else default


def active_supervisors(session: Session) -> list[User]:
    """The supervisors a unit or share can be handed to (active 督查员), by name."""
    return list(
        session.scalars(
            select(User).where(User.role == Role.SUPERVISOR, User.active.is_(True)).order_by(User.display_name, User.id)
        )
    )


def set_share_supervisor(session: Session, assignment: Assignment, supervisor: User | None, *, actor, now) -> None:
    """分包 one share (a central task split among supervisors): its own supervisor, or None to follow its unit's.

    Audited as a step; later notices and mails to the unit are signed by the new supervisor, earlier ones stay.
    """
    from workflows.lifecycle import TransitionError  # lifecycle's notices sign with this module

    if supervisor is not None and (supervisor.role != Role.SUPERVISOR or not supervisor.active):
        raise TransitionError("只能分包给在用的督查员账号。")
    before = supervisor_in_charge(assignment)
    assignment.supervisor = supervisor
    session.flush()
    after = supervisor_in_charge(assignment)
    summary = f"{assignment.unit.name}：{_name(before)} → {_name(after)}" + (
        "" if supervisor is not None else "（按单位分包）"
    )
    record_step(session, "分包", assignment, summary, now=now)


def _name(user: User | None) -> str:
    return user.display_name if user is not None else "未分包"
