"""A supervisor's hands-on tools on an open share: a numbered 督查通知单 with their own text (e.g. 进度不理想), and an
immediate 催办 — both through the outbox, both audited, both in the unit's history."""

from datetime import datetime

from sqlalchemy.orm import Session

from audit import record_step
from models.assignment import Assignment
from models.notice import Notice, NoticeKind
from workflows import locking
from workflows.lifecycle import WORKING, TransitionError, actor_name
from workflows.notices import assignment_notice_kind, notify_unit


def _open_share(session: Session, assignment: Assignment, text: str, what: str) -> str:
    """Lock an open share and return the supervisor's text, refusing a closed share or an empty text."""
    locking.lock_assignment(session, assignment)
    if assignment.status not in WORKING:
        raise TransitionError(f"该承办任务当前为“{assignment.status.label}”，不能{what}。")
    text = (text or "").strip()
    if not text:
        raise TransitionError(f"请填写{what}的内容。")
    return text


def issue_supervision_notice(session: Session, assignment: Assignment, text: str, *, actor, now: datetime) -> Notice:
    """发督查通知单: a numbered notice with the supervisor's text, of the kind the item's source calls for."""
    text = _open_share(session, assignment, text, "发督查通知单")
    kind = assignment_notice_kind(assignment.item.source)
    notice = notify_unit(
        session,
        assignment,
        kind,
        title=f"关于“{assignment.item.title}”的{kind.label}",
        body_template="notice_manual.txt",
        mail_template="manual_notice",
        context={"text": text, "kind": kind},
        issued_by=actor_name(actor),
        now=now,
    )
    notice.issued_by_id = getattr(actor, "id", None)
    record_step(session, f"发{kind.label}", assignment, f"{notice.number}：{text[:60]}", now=now)
    session.flush()
    return notice


def urge_now(session: Session, assignment: Assignment, text: str, *, actor, now: datetime) -> Notice:
    """立即催办: a numbered 催办通知单 with the supervisor's words, sent now rather than at the next reminder day."""
    text = _open_share(session, assignment, text, "催办")
    notice = notify_unit(
        session,
        assignment,
        NoticeKind.REMINDER,
        title=f"关于“{assignment.item.title}”的催办通知单",
        body_template="notice_manual.txt",
        mail_template="manual_notice",
        context={"text": text, "kind": NoticeKind.REMINDER},
        issued_by=actor_name(actor),
        now=now,
    )
    notice.issued_by_id = getattr(actor, "id", None)
    record_step(session, "立即催办", assignment, f"{notice.number}：{text[:60]}", now=now)
    session.flush()
    return notice
