"""Keeping the roster true: liaisons confirm or correct their own entry from a signed link; supervisors approve."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from audit import record_step
from clock import china_date
from formatting import period_text
from models.liaison import Liaison
from models.roster import Confirmation, ConfirmationAnswer, CorrectionStatus
from models.unit import Unit
from outbox.mail import Recipient, queue_mail
from outbox.public_address import public_url
from workflows.lifecycle import TransitionError, actor_name
from workflows.roster import replace_liaison, save_liaison
from workflows.rules import rules
from workflows.signed_links import load, sign

SALT = "duban-roster-confirmation"
CORRECTABLE = ("post", "office_phone", "mobile", "email")


class ConfirmationLinkError(Exception):
    """Why a confirmation link cannot be used, in Chinese."""


def confirmation_token(confirmation: Confirmation) -> str:
    """Sign (confirmation id, version): the link opens this liaison's own entry and nothing else."""
    return sign(SALT, {"c": confirmation.id, "v": confirmation.token_version})


def confirmation_link(confirmation: Confirmation) -> str:
    """The absolute address of the liaison's confirmation page."""
    return f"{public_url()}/roster/{confirmation_token(confirmation)}"


def check_confirmation_token(session: Session, token: str, *, now: datetime) -> Confirmation:
    """The confirmation a token opens; ConfirmationLinkError when tampered, expired or superseded."""
    data, signed_at = load(
        SALT,
        token,
        max_age=timedelta(days=rules().confirmation_link_days),
        keys=("c", "v"),
        error=ConfirmationLinkError,
        expired="该核对链接已过期。如需更正信息，请联系督查室。",
        invalid="链接无效：链接不完整或已被修改。请从邮件中重新打开，或联系督查室。",
    )
    confirmation = session.get(Confirmation, data["c"])
    if confirmation is None or confirmation.token_version != data["v"]:
        raise ConfirmationLinkError("该核对链接已失效。请使用最新邮件中的链接，或联系督查室。")
    if now - signed_at.astimezone(now.tzinfo) > timedelta(days=rules().confirmation_link_days):
        raise ConfirmationLinkError("该核对链接已过期。如需更正信息，请联系督查室。")
    return confirmation


def campaign_name(day: date) -> str:
    """The campaign a day belongs to: 2026-H1 (January–June) or 2026-H2."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def send_confirmations(session: Session, campaign: str, *, now: datetime, liaison_ids: list[int] | None = None) -> int:
    """Ask every active liaison with an e-mail (or the ones given) to confirm their entry, once per campaign."""
    query = (
        select(Liaison)
        .join(Unit, Liaison.unit_id == Unit.id)
        .where(Liaison.active.is_(True), Liaison.email.is_not(None))
        .options(joinedload(Liaison.unit))
        .order_by(Unit.code, Liaison.id)
    )
    if liaison_ids is not None:
        query = query.where(Liaison.id.in_(liaison_ids))
    asked = set(session.scalars(select(Confirmation.liaison_id).where(Confirmation.campaign == campaign)))
    sent = 0
    for liaison in session.scalars(query):
        if liaison.id in asked:
            continue
        confirmation = Confirmation(liaison_id=liaison.id, campaign=campaign, sent_at=now)
        session.add(confirmation)
        session.flush()
        _mail(session, confirmation, liaison, "roster_confirmation", now=now)
        sent += 1
    return sent


def remind_non_responders(session: Session, *, now: datetime) -> int:
    """Remind once those who have not answered CONFIRMATION_REMIND_AFTER_DAYS days after being asked."""
    cutoff = now - timedelta(days=rules().confirmation_remind_after_days)
    waiting = session.scalars(
        select(Confirmation)
        .where(Confirmation.answered_at.is_(None), Confirmation.reminded_at.is_(None), Confirmation.closed.is_(False))
        .where(Confirmation.sent_at <= cutoff)
        .options(joinedload(Confirmation.liaison))
    ).all()
    for confirmation in waiting:
        confirmation.reminded_at = now
        _mail(session, confirmation, confirmation.liaison, "roster_reminder", now=now)
    return len(waiting)


CAMPAIGN_WINDOW = timedelta(days=30)


def due_campaign(session: Session, today: date) -> str | None:
    """The campaign to start today: its scheduled day (CONFIRMATION_DATES, 'MM-DD') came within the last 30 days
    and it has not started (a fresh install in November does not e-mail everyone about September's campaign)."""
    for text in sorted(rules().confirmation_dates, reverse=True):
        month, day = (int(part) for part in text.split("-"))
        scheduled = date(today.year, month, day)
        if scheduled <= today < scheduled + CAMPAIGN_WINDOW:
            campaign = campaign_name(scheduled)
            started = session.scalar(select(Confirmation.id).where(Confirmation.campaign == campaign).limit(1))
            return None if started else campaign
    return None


def _mail(session: Session, confirmation: Confirmation, liaison: Liaison, template: str, *, now: datetime) -> None:
    queue_mail(
        session,
        kind=template,
        template=template,
        context={
            "liaison": liaison,
            "unit": liaison.unit,
            "confirmation": confirmation,
            "link": confirmation_link(confirmation),
        },
        recipients=[Recipient(liaison.email, liaison.name)],
        now=now,
        dedupe_key=f"{template}:{confirmation.id}",
    )


@dataclass
class Correction:
    """What a liaison proposes: new values for some fields, or a successor when they have left the role."""

    post: str = ""
    office_phone: str = ""
    mobile: str = ""
    email: str = ""
    successor_name: str = ""
    successor_email: str = ""
    successor_mobile: str = ""
    comment: str = ""


def answer(
    session: Session, confirmation: Confirmation, verdict: ConfirmationAnswer, proposal: Correction, *, now: datetime
) -> None:
    """The liaison's answer: confirmed at once; a correction or a departure waits for a supervisor."""
    if confirmation.closed:
        raise TransitionError("本次核对已结束，如需更正请联系督查室。")
    if confirmation.correction_status == CorrectionStatus.PENDING:
        raise TransitionError("您提交的更正正在等待督查室审核，请勿重复提交。")
    liaison = confirmation.liaison
    confirmation.answer, confirmation.answered_at = verdict, now
    confirmation.comment = proposal.comment.strip() or None
    if verdict == ConfirmationAnswer.CONFIRMED:
        liaison.confirmed_at = now
        confirmation.closed = True
        record_step(session, "确认名录信息", liaison, period_text(confirmation.campaign), now=now)
        return
    if verdict == ConfirmationAnswer.CORRECTED:
        changes = {name: getattr(proposal, name).strip() for name in CORRECTABLE}
        if not any(value and value != (getattr(liaison, name) or "") for name, value in changes.items()):
            raise TransitionError("请至少填写一项与现有信息不同的更正内容。")
        for name, value in changes.items():
            setattr(confirmation, f"proposed_{name}", value or None)
    else:
        if not proposal.successor_name.strip():
            raise TransitionError("请填写接任人姓名；如暂无接任人，请在说明中写明并联系督查室。")
        confirmation.successor_name = proposal.successor_name.strip()
        confirmation.successor_email = proposal.successor_email.strip() or None
        confirmation.successor_mobile = proposal.successor_mobile.strip() or None
    confirmation.correction_status = CorrectionStatus.PENDING
    record_step(session, f"提交{verdict.label}", liaison, confirmation.comment or "", now=now)


def decide(session: Session, confirmation: Confirmation, approve: bool, *, actor, now: datetime) -> Liaison | None:
    """A supervisor applies a correction (or the handover to the successor) to the directory, or declines it."""
    if confirmation.correction_status != CorrectionStatus.PENDING:
        raise TransitionError("该更正不在待审核状态。")
    confirmation.decided_by_name, confirmation.decided_at, confirmation.closed = actor_name(actor), now, True
    liaison = confirmation.liaison
    if not approve:
        confirmation.correction_status = CorrectionStatus.REJECTED
        return None
    confirmation.correction_status = CorrectionStatus.APPROVED
    if confirmation.answer == ConfirmationAnswer.CORRECTED:
        for name in CORRECTABLE:
            value = getattr(confirmation, f"proposed_{name}")
            if value:
                setattr(liaison, name, value)
        liaison.confirmed_at = now
        save_liaison(session, liaison, now=now)
        return liaison
    successor = Liaison(
        name=confirmation.successor_name,
        email=confirmation.successor_email,
        mobile=confirmation.successor_mobile,
        post=liaison.post,
        employment=liaison.employment,
        office_phone=liaison.office_phone,
        active=True,
        is_primary=liaison.is_primary,
        since=china_date(now),
        note=f"接任 {liaison.name}（名录核对 {period_text(confirmation.campaign)}）",
        confirmed_at=now,
    )
    session.add(successor)
    return replace_liaison(session, liaison, successor, now=now)
