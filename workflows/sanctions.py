"""The notices a failed check leads to, issued by a person: 整改通知书 and 黄牌警告 to the unit, and the 提请追责
submitted to the leadership (局党委、林业局), who decide it (同意追责 / 不予追责); unit and supervisor are told.

Nothing here runs by itself: a verdict drafts the notice (workflows.checks.climb); a supervisor edits and issues it.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.escalation import AccountabilityDecision, Escalation
from models.notice import Notice, NoticeKind, NoticeStatus
from outbox.mail import Recipient, queue_mail
from workflows import locking
from workflows.lifecycle import TransitionError, actor_name
from workflows.notices import mail_notice, number_notice
from workflows.recipients import bureau_leadership, leader_in_charge, unit_contacts, unit_head
from workflows.tokens import assignment_link

RUNG_KINDS = (NoticeKind.RECTIFICATION, NoticeKind.YELLOW_CARD, NoticeKind.ACCOUNTABILITY)


def rung_recipients(session: Session, notice: Notice, *, now: datetime) -> tuple[list[Recipient], list[Recipient]]:
    """(addressed, copied): 整改通知书 to the liaison and head, copy to the leader in charge; 黄牌警告 to the liaison,
    head and leader in charge; 提请追责 to the leadership only — never to the unit it concerns."""
    if notice.kind == NoticeKind.ACCOUNTABILITY:
        return bureau_leadership(session), []
    unit = notice.unit
    addressed = unit_contacts(session, unit, on=china_date(now)) + unit_head(unit)
    if notice.kind == NoticeKind.YELLOW_CARD:
        return addressed + leader_in_charge(unit), []
    return addressed, leader_in_charge(unit)


def awaiting_decision():
    """The SQL condition of a 提请追责 waiting for the leadership: submitted (its notice issued), not yet decided."""
    submitted = select(Notice.id).where(Notice.status == NoticeStatus.ISSUED)
    return (Escalation.level == 3) & Escalation.decision.is_(None) & Escalation.notice_id.in_(submitted)


def escalation_of(session: Session, notice: Notice) -> Escalation | None:
    """The rung whose notice this is."""
    return session.scalar(select(Escalation).where(Escalation.notice_id == notice.id))


def edit_draft(session: Session, notice: Notice, *, title: str, body: str, actor, now: datetime) -> None:
    """A supervisor edits a draft notice's title and text before issuing it."""
    if notice.status != NoticeStatus.DRAFT:
        raise TransitionError(f"{notice.number}已签发，不能再修改。")
    if not (title or "").strip() or not (body or "").strip():
        raise TransitionError("标题和正文不能为空。")
    notice.title, notice.body = title.strip()[:300], body.strip()
    record_step(session, "修改文书草稿", notice, notice.title, now=now)
    session.flush()


def issue_draft(session: Session, notice: Notice, *, actor, now: datetime) -> Notice:
    """签发 a drafted rung notice: it takes its number and goes out through the outbox (提请追责: to the leadership)."""
    if notice.kind not in RUNG_KINDS:
        raise TransitionError("只有整改通知书、黄牌警告和提请追责在此签发。")
    if notice.assignment is not None:
        locking.lock_assignment(session, notice.assignment)
    session.refresh(notice)
    if notice.status != NoticeStatus.DRAFT:
        raise TransitionError(f"该文书已签发（{notice.number}），不能重复签发。")
    if not (notice.body or "").strip():
        raise TransitionError("正文不能为空。")
    number_notice(session, notice, now=now)
    notice.status, notice.issued_at = NoticeStatus.ISSUED, now
    notice.issued_by_name, notice.issued_by_id = actor_name(actor), getattr(actor, "id", None)
    addressed, copied = rung_recipients(session, notice, now=now)
    notice.copy_to = "、".join(r.name or r.email for r in copied) or None
    session.flush()
    assignment = notice.assignment
    escalation = escalation_of(session, notice)
    context = {
        "item": notice.item,
        "assignment": assignment,
        "unit": notice.unit,
        "escalation": escalation,
        "level": escalation.level if escalation is not None else None,  # the mail's colour (mail_templates/ladder.html)
        "link": assignment_link(assignment) if assignment is not None else None,
    }
    template = "accountability_request" if notice.kind == NoticeKind.ACCOUNTABILITY else "ladder"
    mail_notice(session, notice, template=template, context=context, recipients=addressed + copied, now=now)
    action = "提交提请追责" if notice.kind == NoticeKind.ACCOUNTABILITY else f"签发{notice.kind.label}"
    record_step(session, action, assignment or notice, notice.number, now=now)
    session.flush()
    return notice


def decide_accountability(
    session: Session, escalation: Escalation, agree: bool, comment: str, *, actor, now: datetime
) -> None:
    """The leadership decides a submitted 提请追责; the unit (liaison and head) and the submitting supervisor told."""
    notice = escalation.notice
    if escalation.level != 3 or notice is None:
        raise TransitionError("只有提请追责需要局领导决定。")
    locking.lock_assignment(session, escalation.assignment)
    session.refresh(escalation)
    if notice.status != NoticeStatus.ISSUED:
        raise TransitionError("该提请追责尚未由督查室提交，不能决定。")
    if escalation.decision is not None:
        raise TransitionError(
            f"该提请追责已由{escalation.decided_by_name}决定（{escalation.decision.label}），不能重复决定。"
        )
    comment = (comment or "").strip()
    if not agree and not comment:
        raise TransitionError("不予追责时须填写意见。")
    escalation.decision = AccountabilityDecision.AGREED if agree else AccountabilityDecision.DECLINED
    escalation.decision_comment = comment or None
    escalation.decided_by_name, escalation.decided_at = actor_name(actor), now
    assignment = escalation.assignment
    record_step(
        session,
        "局领导决定追责",
        assignment,
        f"{escalation.decision.label}{'：' + comment if comment else ''}",
        now=now,
    )
    supervisor = notice.issued_by
    told = unit_contacts(session, assignment.unit, on=china_date(now)) + unit_head(assignment.unit)
    if supervisor is not None and supervisor.email:
        told.append(Recipient(supervisor.email, supervisor.display_name))
    queue_mail(
        session,
        kind="accountability_decision",
        template="accountability_decision",
        context={
            "item": assignment.item,
            "assignment": assignment,
            "unit": assignment.unit,
            "notice": notice,
            "escalation": escalation,
        },
        recipients=told,
        now=now,
        dedupe_key=f"accountability-decision:{escalation.id}",
        item_id=assignment.item_id,
        assignment_id=assignment.id,
        notice_id=notice.id,
    )
    session.flush()
