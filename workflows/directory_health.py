"""Directory health (名录体检): what is wrong with the roster today, each finding with the people it names."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from models.liaison import Liaison
from models.outbox import OutboxMessage, OutboxStatus
from models.roster import Confirmation, CorrectionStatus
from models.unit import Unit
from workflows.rules import rules


def units_without_liaison(session: Session) -> list[Unit]:
    """Active units with no active liaison."""
    staffed = select(Liaison.unit_id).where(Liaison.active.is_(True))
    return session.scalars(select(Unit).where(Unit.active.is_(True), Unit.id.not_in(staffed)).order_by(Unit.code)).all()


def bounced_liaisons(session: Session) -> list[tuple[Liaison, OutboxMessage]]:
    """Active liaisons whose address got a permanent refusal (the latest failed message to it)."""
    latest_failure = (
        select(func.lower(OutboxMessage.recipient_email).label("email"), func.max(OutboxMessage.id).label("id"))
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .group_by(func.lower(OutboxMessage.recipient_email))
        .subquery()
    )
    rows = session.execute(
        select(Liaison, OutboxMessage)
        .join(latest_failure, func.lower(Liaison.email) == latest_failure.c.email)
        .join(OutboxMessage, OutboxMessage.id == latest_failure.c.id)
        .where(Liaison.active.is_(True))
        .options(joinedload(Liaison.unit))
        .order_by(Liaison.unit_id)
    ).all()
    return [(liaison, message) for liaison, message in rows]


def unconfirmed_liaisons(session: Session, *, now: datetime) -> list[Liaison]:
    """Active liaisons not confirmed for longer than CONFIRMATION_MAX_AGE_DAYS (or never)."""
    cutoff = now - timedelta(days=rules().confirmation_max_age_days)
    return session.scalars(
        select(Liaison)
        .where(Liaison.active.is_(True), (Liaison.confirmed_at.is_(None)) | (Liaison.confirmed_at < cutoff))
        .options(joinedload(Liaison.unit))
        .order_by(Liaison.unit_id, Liaison.id)
    ).all()


def duplicate_people(session: Session) -> list[tuple[str, str, list[Liaison]]]:
    """Active liaisons sharing an e-mail or a mobile: (what, value, the entries)."""
    liaisons = session.scalars(select(Liaison).where(Liaison.active.is_(True)).options(joinedload(Liaison.unit))).all()
    groups: dict[tuple[str, str], list[Liaison]] = defaultdict(list)
    for liaison in liaisons:
        if liaison.email:
            groups[("电子邮箱", liaison.email.strip().lower())].append(liaison)
        if liaison.mobile:
            groups[("手机", liaison.mobile.strip())].append(liaison)
    return [(what, value, people) for (what, value), people in sorted(groups.items()) if len(people) > 1]


def liaisons_of_inactive_units(session: Session) -> list[Liaison]:
    """Active liaisons of units that are no longer active."""
    return session.scalars(
        select(Liaison)
        .join(Unit, Liaison.unit_id == Unit.id)
        .where(Liaison.active.is_(True), Unit.active.is_(False))
        .options(joinedload(Liaison.unit))
        .order_by(Unit.code)
    ).all()


def non_responders(session: Session) -> list[Confirmation]:
    """Confirmations reminded once and still unanswered."""
    return session.scalars(
        select(Confirmation)
        .where(
            Confirmation.answered_at.is_(None), Confirmation.reminded_at.is_not(None), Confirmation.closed.is_(False)
        )
        .options(joinedload(Confirmation.liaison).joinedload(Liaison.unit))
        .order_by(Confirmation.sent_at)
    ).all()


def pending_corrections(session: Session) -> list[Confirmation]:
    """Corrections and departures waiting for a supervisor."""
    return session.scalars(
        select(Confirmation)
        .where(Confirmation.correction_status == CorrectionStatus.PENDING)
        .options(joinedload(Confirmation.liaison).joinedload(Liaison.unit))
        .order_by(Confirmation.answered_at)
    ).all()


def directory_health(session: Session, *, now: datetime) -> dict:
    """Every finding of the health page."""
    return {
        "without_liaison": units_without_liaison(session),
        "bounced": bounced_liaisons(session),
        "unconfirmed": unconfirmed_liaisons(session, now=now),
        "duplicates": duplicate_people(session),
        "inactive_units": liaisons_of_inactive_units(session),
        "non_responders": non_responders(session),
        "corrections": pending_corrections(session),
    }
