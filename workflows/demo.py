"""The demo office (`flask seed-demo`): leaders, 54 units and their liaisons, ~60 items at every stage, demo accounts."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Assignment,
    AssignmentStatus,
    BureauLeader,
    Feedback,
    Instruction,
    Item,
    ItemStatus,
    Liaison,
    ReviewStatus,
    Role,
    Unit,
    User,
)
from workflows import demo_data as data
from workflows.accounts import create_user, find_user, generate_password
from workflows.audit import record_step
from workflows.demo_plan import EMAIL_DOMAIN, HISTORY_DAYS, ItemPlan, ReportPlan, UnitPlan, plan_office
from workflows.items import save_item

ITEM_STATUS_BY_STATE = {
    "registered": ItemStatus.REGISTERED,
    "assigned": ItemStatus.ASSIGNED,
    "progress": ItemStatus.IN_PROGRESS,
    "overdue": ItemStatus.IN_PROGRESS,
    "review": ItemStatus.UNDER_REVIEW,
    "closed": ItemStatus.CLOSED,
    "suspended": ItemStatus.SUSPENDED,
    "cancelled": ItemStatus.CANCELLED,
}
COUNT_KEYS = ("leaders", "units", "liaisons", "users", "items", "assignments", "feedbacks", "instructions")


def seed_demo(session: Session, *, now: datetime) -> dict:
    """Create whatever of the demo office is missing; returns counts of what was created and the new accounts."""
    units_plan, items_plan = plan_office(now)
    counts = dict.fromkeys(COUNT_KEYS, 0)
    roster_moment = now - timedelta(days=HISTORY_DAYS + 1)
    with _happening_at(session, roster_moment):
        leaders = _ensure_leaders(session, counts)
        units = _ensure_units(session, units_plan, leaders, counts)
        _ensure_liaisons(session, units_plan, units, counts)
        accounts = _ensure_accounts(session, units_plan, leaders, counts, now=roster_moment)
    people = {
        "supervisor": find_user(session, data.SUPERVISOR_ACCOUNT[0]),
        "liaison": find_user(session, data.LIAISON_ACCOUNT[0]),
        "contacts": {plan.name: (plan.liaison_name, plan.mobile) for plan in units_plan},
    }
    existing_titles = set(session.scalars(select(Item.title).where(Item.title.in_([s.title for s in data.ITEMS]))))
    for plan in sorted(items_plan, key=lambda p: p.created):
        if plan.spec.title not in existing_titles:
            _create_item(session, plan, units, leaders, people, counts)
    return {**counts, "accounts": accounts}


def office_is_empty(session: Session) -> bool:
    """True when the database holds no unit and no item yet (a fresh install, where a demo cannot get in the way)."""
    return session.scalar(select(Unit.id).limit(1)) is None and session.scalar(select(Item.id).limit(1)) is None


@contextmanager
def _happening_at(session: Session, moment: datetime) -> Iterator[None]:
    """Changes made inside are flushed as if at `moment`, so timestamps and the audit trail show a history."""
    saved = session.info.get("now")
    session.info["now"] = moment
    try:
        yield
        session.flush()
    finally:
        if saved is None:
            session.info.pop("now", None)
        else:
            session.info["now"] = saved


def _ensure_leaders(session: Session, counts: dict) -> dict[str, BureauLeader]:
    """The bureau leaders by their key in the data, created when no leader of that name exists."""
    existing = {leader.name: leader for leader in session.scalars(select(BureauLeader))}
    leaders = {}
    for key, name, title, email, escalations, order in data.LEADERS:
        leader = existing.get(name)
        if leader is None:
            leader = BureauLeader(
                name=name,
                title=title,
                email=f"{email}@{EMAIL_DOMAIN}",
                receives_escalations=escalations,
                sort_order=order,
                active=True,
            )
            session.add(leader)
            counts["leaders"] += 1
        leaders[key] = leader
    return leaders


def _ensure_units(session: Session, plans: list[UnitPlan], leaders: dict, counts: dict) -> dict[str, Unit]:
    """The units by their demo name, created when neither the code nor the name is taken."""
    existing = list(session.scalars(select(Unit)))
    by_code, by_name = {u.code: u for u in existing}, {u.name: u for u in existing}
    units = {}
    for plan in plans:
        unit = by_code.get(plan.code) or by_name.get(plan.name)
        if unit is None:
            unit = Unit(
                code=plan.code,
                name=plan.name,
                kind=plan.kind,
                head_name=plan.head_name,
                head_email=plan.head_email,
                leader_in_charge=leaders[plan.leader_key],
                office_email=f"office@{plan.code.lower()}.{EMAIL_DOMAIN}",
                phone=plan.phone,
                active=True,
            )
            session.add(unit)
            counts["units"] += 1
        units[plan.name] = unit
    session.flush()
    return units


def _ensure_liaisons(session: Session, plans: list[UnitPlan], units: dict, counts: dict) -> None:
    """One primary liaison per unit, unless a liaison with that e-mail exists; never a second active primary."""
    known = set(session.scalars(select(func.lower(Liaison.email)).where(Liaison.email.is_not(None))))
    with_primary = set(session.scalars(select(Liaison.unit_id).where(Liaison.is_primary, Liaison.active)))
    for plan in plans:
        if plan.liaison_email.lower() in known:
            continue
        unit = units[plan.name]
        liaison = Liaison(
            unit=unit,
            name=plan.liaison_name,
            post=plan.liaison_post,
            employment=plan.employment,
            office_phone=plan.liaison_phone,
            mobile=plan.mobile,
            email=plan.liaison_email,
            active=True,
            is_primary=unit.id not in with_primary,
            since=plan.since,
        )
        session.add(liaison)
        counts["liaisons"] += 1


def _ensure_accounts(session: Session, plans: list[UnitPlan], leaders: dict, counts: dict, *, now) -> list[dict]:
    """The supervisor, leader and liaison demo accounts that do not exist yet, with their new passwords."""
    leader = leaders[data.LEADER_ACCOUNT[1]]
    liaison = next(plan for plan in plans if plan.code == data.LIAISON_ACCOUNT[1])
    wanted = (
        (data.SUPERVISOR_ACCOUNT[0], Role.SUPERVISOR, data.SUPERVISOR_ACCOUNT[1], data.SUPERVISOR_ACCOUNT[2], None),
        (data.LEADER_ACCOUNT[0], Role.LEADER, leader.name, leader.email, None),
        (data.LIAISON_ACCOUNT[0], Role.LIAISON, liaison.liaison_name, liaison.liaison_email, liaison.code),
    )
    accounts = []
    for username, role, name, email, unit_code in wanted:
        if find_user(session, username) is not None:
            continue
        password = generate_password()
        user = create_user(session, username, password, role=role, display_name=name, unit_code=unit_code, now=now)
        user.email = email
        if role == Role.LEADER:
            user.leader = leader
        accounts.append({"username": username, "role": role.label, "display_name": name, "password": password})
        counts["users"] += 1
    return accounts


def _create_item(session: Session, plan: ItemPlan, units: dict, leaders: dict, people: dict, counts: dict) -> None:
    """Register one item through save_item, then replay its history step by step at the planned moments."""
    spec = plan.spec
    lead = units[spec.lead]
    supervisor: User | None = people["supervisor"]
    with _happening_at(session, plan.created):
        item = Item(
            title=spec.title,
            content=spec.content,
            source=spec.source,
            ordering_leader=leaders.get(spec.ordered_by),
            instruction=spec.instruction,
            responsible_leader=lead.leader_in_charge,
            lead_unit=lead,
            responsible_person=lead.head_name,
            deadline=plan.deadline,
            rhythm=plan.rhythm,
            status=ItemStatus.REGISTERED,
            created_at=plan.created,
            updated_at=plan.created,
        )
        save_item(session, item, [units[name] for name in spec.co], actor=supervisor, now=plan.created)
    counts["items"] += 1
    counts["assignments"] += len(item.assignments)

    by_unit = {assignment.unit_id: assignment for assignment in item.assignments}
    steps: list[tuple[datetime, int, Callable[[], None]]] = []
    if plan.assigned:
        steps.append((plan.assigned, 0, lambda: _assign(item)))
    for share in plan.assignments:
        assignment = by_unit[units[share.unit].id]
        for report in share.reports:
            feedback = _feedback(report, assignment, people)
            steps.append((report.submitted, 1, _submitter(item, assignment, feedback)))
            if report.reviewed:
                steps.append((report.reviewed, 2, _reviewer(assignment, feedback, report, supervisor)))
            counts["feedbacks"] += 1
    if spec.followup:
        leader_key, text = spec.followup
        author_id = supervisor.id if supervisor else None
        instruction = Instruction(item=item, leader=leaders[leader_key], author_id=author_id, text=text)
        instruction.created_at = instruction.updated_at = plan.followup_at
        steps.append((plan.followup_at, 3, lambda: session.add(instruction)))
        counts["instructions"] += 1
    for rung, moment in enumerate(plan.checks, 1):
        steps.append((moment, 4, _escalator(plan, by_unit, units, rung)))
    steps.append((plan.settled, 5, lambda: _settle(session, item, plan, by_unit, units)))
    for moment, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
        with _happening_at(session, moment):
            step()


def _assign(item: Item) -> None:
    """交办: the notices go out and every unit's share is assigned."""
    item.status = ItemStatus.ASSIGNED
    for assignment in item.assignments:
        assignment.status = AssignmentStatus.ASSIGNED


def _feedback(report: ReportPlan, assignment: Assignment, people: dict) -> Feedback:
    """The Feedback row of a planned report (added to the session when its submission step is replayed)."""
    contact_name, contact_phone = people["contacts"].get(assignment.unit.name, (None, None))
    account = people["liaison"]
    return Feedback(
        progress=report.progress,
        measures=report.measures,
        problems=report.problems,
        next_steps=report.next_steps,
        percent_complete=report.percent,
        contact_name=contact_name,
        contact_phone=contact_phone,
        submitted_at=report.submitted,
        submitted_by_id=account.id if account and account.unit_id == assignment.unit_id else None,
        submitted_by_name=contact_name,
        review_status=ReviewStatus.PENDING,
        created_at=report.submitted,
        updated_at=report.submitted,
    )


def _submitter(item: Item, assignment: Assignment, feedback: Feedback) -> Callable[[], None]:
    def submit() -> None:
        assignment.feedbacks.append(feedback)
        assignment.status = AssignmentStatus.SUBMITTED
        if item.status == ItemStatus.ASSIGNED:
            item.status = ItemStatus.IN_PROGRESS

    return submit


def _reviewer(assignment: Assignment, feedback: Feedback, report: ReportPlan, supervisor) -> Callable[[], None]:
    def review() -> None:
        feedback.review_status = report.review
        feedback.review_comment = report.comment
        feedback.reviewed_at = report.reviewed
        feedback.reviewer_id = supervisor.id if supervisor else None
        done = report.review == ReviewStatus.ACCEPTED and report.percent == 100
        assignment.status = AssignmentStatus.ACCEPTED if done else AssignmentStatus.IN_PROGRESS

    return review


def _escalator(plan: ItemPlan, by_unit: dict, units: dict, rung: int) -> Callable[[], None]:
    def escalate() -> None:
        for share in plan.assignments:
            if share.escalation >= rung:
                by_unit[units[share.unit].id].escalation_level = rung

    return escalate


def _settle(session: Session, item: Item, plan: ItemPlan, by_unit: dict, units: dict) -> None:
    """Bring the item and its shares to their final state; record why an item was suspended or cancelled."""
    item.status = ITEM_STATUS_BY_STATE[plan.spec.state]
    for share in plan.assignments:
        assignment = by_unit[units[share.unit].id]
        assignment.status = share.status
        assignment.escalation_level = share.escalation
    if plan.spec.reason:
        record_step(session, item.status.label, item, plan.spec.reason, now=plan.settled)
