"""The demo roster's upkeep: most liaisons answered the confirmation, some corrected their entry, one left, one
address bounced and one unit lost its liaison — so the 名录体检 and 名录核对 screens show an office at work."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import record_step
from models.liaison import Liaison
from models.outbox import OutboxMessage, OutboxStatus
from models.roster import Confirmation, ConfirmationAnswer
from models.unit import Unit
from workflows.confirmation import Correction, answer, decide
from workflows.roster import save_liaison

UNIT_LOSING_ITS_LIAISON = "团委"
BOUNCE = "550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table"


def tend_roster(session: Session, rng: random.Random, *, now: datetime, supervisor) -> None:
    """Answer the replayed confirmation requests, approve one correction, leave others pending; then one
    liaison leaves without a successor. All at moments before `now`."""
    edge_now = session.info.get("now")  # the demo's own moment, put back after each replayed stretch
    confirmations = session.scalars(
        select(Confirmation).where(Confirmation.answered_at.is_(None)).order_by(Confirmation.id)
    ).all()
    for index, confirmation in enumerate(confirmations):
        moment = min(
            confirmation.sent_at + timedelta(days=rng.randint(1, 20), hours=rng.randint(1, 8)), now - timedelta(hours=1)
        )
        session.info["now"] = moment
        liaison = confirmation.liaison
        if index in (3, 11):
            proposal = Correction(mobile=f"139{rng.randint(10_000_000, 99_999_999)}", comment="手机号已更换")
            answer(session, confirmation, ConfirmationAnswer.CORRECTED, proposal, now=moment)
            if index == 3:
                decide(session, confirmation, True, actor=supervisor, now=moment + timedelta(hours=2))
        elif index == 17:
            proposal = Correction(
                successor_name="刘新宇", successor_email=f"liuxinyu@{liaison.email.split('@')[1]}", comment="本人已调任"
            )
            answer(session, confirmation, ConfirmationAnswer.LEFT, proposal, now=moment)
        elif rng.random() < 0.85:
            answer(session, confirmation, ConfirmationAnswer.CONFIRMED, Correction(), now=moment)
        session.flush()
    session.info["now"] = edge_now
    unit = session.scalar(select(Unit).where(Unit.name == UNIT_LOSING_ITS_LIAISON))
    if unit is not None:
        for liaison in session.scalars(select(Liaison).where(Liaison.unit_id == unit.id, Liaison.active.is_(True))):
            moment = now - timedelta(days=3)
            session.info["now"] = moment
            liaison.active = False
            save_liaison(session, liaison, now=moment)
            record_step(session, "调离", liaison, "调往其他单位，接任人待定", now=moment)
        session.info["now"] = edge_now
    session.flush()


def bounce_one_address(session: Session, rng: random.Random) -> None:
    """One liaison's address no longer exists: their latest mail came back with a permanent refusal."""
    addresses = session.scalars(select(Liaison.email).where(Liaison.active.is_(True)).order_by(Liaison.id)).all()
    if not addresses:
        return
    address = addresses[rng.randrange(len(addresses))]
    message = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient_email == address).order_by(OutboxMessage.id.desc()).limit(1)
    )
    if message is not None:
        message.status, message.sent_at, message.last_error = OutboxStatus.FAILED, None, f"{BOUNCE}（{address}）"
