"""Who a notice goes to: a unit's liaisons, its head, its leader in charge, and the bureau leadership."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.leader import BureauLeader
from models.unit import Unit
from outbox.mail import Recipient
from workflows.in_charge import load_supervisors
from workflows.roster import contacts_of_units, stand_ins_on
from workflows.rules import rules


def unit_contacts(session: Session, unit: Unit, *, on: date) -> list[Recipient]:
    """Who receives the unit's notices on `on`: its primary liaison of that day (or else every liaison of that
    day), a stand-in instead of anyone away (代理), and the unit's office mailbox when it has no liaison."""
    return units_contacts(session, [unit], on=on)[unit.id]


def units_contacts(session: Session, units: list[Unit], *, on: date) -> dict[int, list[Recipient]]:
    """unit_contacts of several units at once (a sweep's digests): three statements, whatever their number, and a
    fourth loading the units' supervisors in charge (who sign and are named in what is sent to them) when needed."""
    # No autoflush: the roster is flushed whenever it changes (save_liaison), and flushing the caller's pending
    # notices, mails and trail here, once per unit, was a fifth of a sweep's flushes.
    with session.no_autoflush:
        by_unit = contacts_of_units(session, [unit.id for unit in units], on)
        chosen_by_unit = {}
        for unit in units:
            liaisons = [liaison for liaison in by_unit.get(unit.id, []) if liaison.email]
            primary = [liaison for liaison in liaisons if liaison.is_primary]
            chosen_by_unit[unit.id] = primary or liaisons
        everyone = [liaison.id for chosen in chosen_by_unit.values() for liaison in chosen]
        standing_in = stand_ins_on(session, everyone, on)
        load_supervisors(session, units)
    result = {}
    for unit in units:
        chosen = chosen_by_unit[unit.id]
        if not chosen:
            result[unit.id] = [Recipient(unit.office_email, "")] if unit.office_email else []
            continue
        recipients = []
        for liaison in chosen:
            stand_in = standing_in.get(liaison.id)
            if stand_in is not None:
                recipients.append(Recipient(stand_in.email, stand_in.name))
            else:
                recipients.append(Recipient(liaison.email, liaison.name))
        result[unit.id] = recipients
    return result


def unit_head(unit: Unit) -> list[Recipient]:
    """The unit's head, when an address is known."""
    return [Recipient(unit.head_email, unit.head_name or f"{unit.name}负责人")] if unit.head_email else []


def leader_in_charge(unit: Unit) -> list[Recipient]:
    """The bureau leader in charge of the unit (分管领导), when an address is known."""
    leader = unit.leader_in_charge
    return [Recipient(leader.email, leader.name)] if leader and leader.email and leader.active else []


def bureau_leadership(session: Session) -> list[Recipient]:
    """Those told of a 提请追责: leaders marked to receive escalations, plus ESCALATION_EXTRA_RECIPIENTS."""
    leaders = session.scalars(
        select(BureauLeader)
        .where(
            BureauLeader.receives_escalations.is_(True), BureauLeader.active.is_(True), BureauLeader.email.is_not(None)
        )
        .order_by(BureauLeader.sort_order, BureauLeader.id)
    ).all()
    extra = rules().escalation_extra_recipients
    return [Recipient(leader.email, leader.name) for leader in leaders] + [Recipient(address) for address in extra]


def ladder_recipients(session: Session, unit: Unit, level: int, *, on: date) -> list[Recipient]:
    """Each rung tells more people: 1 the liaison and unit head; 2 also the leader in charge; 3 also the leadership."""
    recipients = unit_contacts(session, unit, on=on) + unit_head(unit)
    if level >= 2:
        recipients += leader_in_charge(unit)
    if level >= 3:
        recipients += bureau_leadership(session)
    return recipients
