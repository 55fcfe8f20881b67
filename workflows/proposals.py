"""Proposals (职工代表建议和提案): the answer goes to the representative, who judges it (满意 / 基本满意 / 不满意)
from a signed, expiring, single-use link — or a supervisor enters the judgement; 不满意 reopens the shares for a second
handling (二次办理) with its own deadline."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.assignment import AssignmentStatus
from models.item import Item, ItemSource, ItemStatus, Satisfaction
from models.proposal import JudgedVia, Proposal, ProposalJudgement
from outbox.mail import Recipient, queue_mail
from outbox.public_address import public_url
from workdays import WorkCalendar
from workflows.lifecycle import (
    TransitionError,
    needs_sweep,
    record_answer,
    refresh_item_status,
    send_assignment_notice,
)
from workflows.signed_links import load, sign

SALT = "duban-proposal-judgement"
LINK_VALID_DAYS = 30
SECOND_HANDLING_DAYS = 10  # working days, when the representative's 不满意 comes through the link
A = AssignmentStatus


class JudgementLinkError(Exception):
    """Why a representative's link cannot be used (Chinese, for the page they see)."""


@dataclass(frozen=True)
class ProposalInput:
    """A proposal's own fields as typed or imported."""

    number: str
    representatives: str
    delegation: str = ""
    seconders: str = ""
    category: str = ""
    email: str = ""


def check_proposal(record: Proposal) -> None:
    """Refuse (ValueError, Chinese) a proposal row that is not one."""
    if record.item is not None and record.item.source != ItemSource.STAFF_PROPOSAL:
        raise ValueError("只有“职工代表建议和提案”才登记提案号和提案人。")
    if not (record.number or "").strip():
        raise ValueError("请填写提案号。")
    if not (record.representatives or "").strip():
        raise ValueError("请填写提案人。")


def answer_proposal(session: Session, proposal: Proposal, text: str, *, file=None, actor, now: datetime) -> list:
    """答复: record the answer (and its file) and, when the representative has an e-mail address, send them the link
    to judge it; returns the queued messages (none without an address: a supervisor then enters the judgement)."""
    record_answer(session, proposal.item, text, None, actor=actor, now=now)
    if file is not None:
        proposal.answer_file = file
    return send_judgement_link(session, proposal, now=now) if proposal.email else []


def make_link_token(proposal: Proposal) -> str:
    """Sign (proposal, round, link version): a link judges one round's answer, once."""
    return sign(SALT, {"p": proposal.id, "r": proposal.round, "v": proposal.link_version})


def judgement_link(proposal: Proposal) -> str:
    """The representative's page for judging the current answer."""
    return f"{public_url()}/proposal/{make_link_token(proposal)}"


def send_judgement_link(session: Session, proposal: Proposal, *, now: datetime) -> list:
    """E-mail the representative the link to judge the current answer."""
    if not proposal.email:
        raise TransitionError("提案人没有登记电子邮箱，请由督查员代为登记评价。")
    if not proposal.item.answer:
        raise TransitionError("尚未登记答复，不能请提案人评价。")
    if proposal.judgement_of(proposal.round) is not None:
        raise TransitionError("本轮答复已有评价。")
    proposal.link_sent_at = now
    record_step(session, "发送评价链接", proposal, proposal.email, now=now)
    return queue_mail(
        session,
        kind="proposal_judgement",
        template="proposal_judgement",
        context={
            "proposal": proposal,
            "item": proposal.item,
            "link": judgement_link(proposal),
            "valid_days": LINK_VALID_DAYS,
        },
        recipients=[Recipient(proposal.email, proposal.representatives.split("、")[0])],
        now=now,
        dedupe_key=f"proposal:{proposal.id}:{proposal.round}:{now.isoformat()}",
        item_id=proposal.item_id,
    )


def check_link(session: Session, token: str, *, now: datetime) -> Proposal:
    """The proposal a representative's link judges; JudgementLinkError (Chinese) when tampered, expired or used."""
    data, signed_at = load(
        SALT,
        token,
        max_age=timedelta(days=LINK_VALID_DAYS),
        keys=("p", "r", "v"),
        error=JudgementLinkError,
        expired=f"评价链接已过期（有效期 {LINK_VALID_DAYS} 天）。如需评价，请联系督查室。",
        invalid="评价链接无效：链接不完整或已被修改。请从邮件中重新打开，或联系督查室。",
    )
    signed = signed_at if signed_at.tzinfo else signed_at.replace(tzinfo=UTC)
    if now - signed > timedelta(days=LINK_VALID_DAYS):
        raise JudgementLinkError(f"评价链接已过期（有效期 {LINK_VALID_DAYS} 天）。如需评价，请联系督查室。")
    proposal = session.get(Proposal, data["p"])
    if proposal is None:
        raise JudgementLinkError("该提案已不存在。如有疑问，请联系督查室。")
    if proposal.judgement_of(data["r"]) is not None:
        raise JudgementLinkError("您已提交过对这次答复的评价，评价链接只能使用一次。如需更正，请联系督查室。")
    if data["r"] != proposal.round or data["v"] != proposal.link_version:
        raise JudgementLinkError("该评价链接已失效。请使用最新邮件中的链接，或联系督查室。")
    if proposal.item.status == ItemStatus.CANCELLED or not proposal.item.answer:
        raise JudgementLinkError("该提案目前没有待评价的答复。如有疑问，请联系督查室。")
    return proposal


def judge(
    session: Session,
    proposal: Proposal,
    satisfaction: str,
    comment: str = "",
    *,
    via: JudgedVia,
    by_name: str,
    now: datetime,
    second_deadline: date | None = None,
    actor=None,
    calendar: WorkCalendar | None = None,
) -> ProposalJudgement:
    """Record the representative's judgement of the current answer (once per round); 不满意 on the first round reopens
    every share for a second handling (二次办理) due `second_deadline` (default: 10 working days)."""
    item = proposal.item
    if not item.answer or item.status in (ItemStatus.REGISTERED, ItemStatus.CANCELLED):
        raise TransitionError("尚未登记答复，不能评价。")
    if proposal.judgement_of(proposal.round) is not None:
        raise TransitionError("本轮答复已有评价，不能重复评价。")
    try:
        value = Satisfaction(satisfaction)
    except ValueError as error:
        raise TransitionError("请选择评价：满意、基本满意或不满意。") from error
    today = china_date(now)
    reopen = value == Satisfaction.DISSATISFIED and proposal.round == 1
    if reopen:
        calendar = calendar or WorkCalendar.load(session)
        second_deadline = second_deadline or calendar.add_working_days(today, SECOND_HANDLING_DAYS)
        if second_deadline <= today:
            raise TransitionError("二次办理时限应晚于今天。")
    judgement = ProposalJudgement(
        proposal=proposal,
        round=proposal.round,
        satisfaction=value,
        comment=(comment or "").strip()[:2000] or None,
        via=via,
        judged_at=now,
        judged_by_name=(by_name or "").strip()[:50] or None,
    )
    session.add(judgement)
    item.satisfaction = value
    record_step(session, "提案评价", proposal, f"第{proposal.round}轮答复：{value.label}（{via.label}）", now=now)
    if reopen:
        reopen_for_second_handling(session, proposal, second_deadline, actor=actor, now=now)
    session.flush()
    return judgement


def reopen_for_second_handling(session: Session, proposal: Proposal, deadline: date, *, actor, now: datetime) -> None:
    """二次办理: every share not cancelled is handled again by `deadline` (each unit gets a 督查通知单 with its link);
    the item waits for a second answer."""
    item = proposal.item
    proposal.round, proposal.second_deadline = 2, deadline
    item.answer, item.answered_at, item.closed_at = None, None, None
    item.deadline = max(item.deadline, deadline)
    if item.status == ItemStatus.CLOSED:
        item.status = ItemStatus.IN_PROGRESS
    shares = [a for a in item.assignments if a.status != A.CANCELLED]
    for assignment in shares:
        assignment.status = A.IN_PROGRESS if assignment.acknowledged_at else A.ASSIGNED
        assignment.deadline, assignment.accepted_at = deadline, None
        needs_sweep(assignment, now)
    record_step(session, "二次办理", item, f"提案人不满意，二次办理时限{deadline.isoformat()}", now=now)
    session.flush()
    for assignment in shares:
        send_assignment_notice(session, assignment, actor=actor or "督查室", now=now)
    refresh_item_status(session, item, now=now)


def proposal_counts(session: Session, year: int) -> dict:
    """A year's proposals (by the item's year): total, answered, judgements of the last round by label, reopened."""
    rows = session.scalars(select(Proposal).join(Item, Proposal.item_id == Item.id).where(Item.year == year)).all()
    final = Counter()
    for proposal in rows:
        last = proposal.judgement_of(proposal.round)
        final[last.satisfaction.label if last else "未评价"] += 1
    return {
        "total": len(rows),
        "answered": sum(1 for p in rows if p.item.answer),
        "by_judgement": dict(final),
        "reopened": sum(1 for p in rows if p.round > 1),
    }
