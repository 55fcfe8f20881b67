"""The lifecycle of items and assignments: 立项 → 交办 → 办理中 → 待审核 → 办结, 暂停 and 撤销, every step checked."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.assignment import WORKING_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus
from models.feedback import ReviewStatus
from models.item import LIVE_ITEM_STATUSES, Item, ItemStatus, Satisfaction
from models.notice import Notice
from workdays import WorkCalendar
from workflows.notices import ASSIGNMENT_NOTICE_KINDS, assignment_notice_kind, mail_unit, notify_unit

A, S = AssignmentStatus, ItemStatus
WORKING = WORKING_ASSIGNMENT_STATUSES  # the short name the step guards use
LIVE_ITEM = LIVE_ITEM_STATUSES


class TransitionError(ValueError):
    """A step that the item's or assignment's state does not allow; the message is for the user, in Chinese."""


def actor_name(actor) -> str:
    """How a person (a User, or a name) signs a step."""
    return str(actor) if actor is not None else "系统"


def needs_sweep(assignment: Assignment, now: datetime) -> None:
    """Ask the next sweep to look at this assignment again (its dates or state changed)."""
    if assignment.status in WORKING:
        assignment.next_action_on = china_date(now)
    else:
        assignment.next_action_on = None


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise TransitionError(message)


def assign_item(session: Session, item: Item, *, actor, now: datetime) -> list[Notice]:
    """交办: send each not-yet-assigned unit its 督查通知单 with a personal link; the item becomes 已交办, each share
    of an item under the three checks gets its three check dates."""
    from workflows.checks import plan_checks  # checks build on this module's steps

    _require(item.status in (S.REGISTERED, *LIVE_ITEM), f"事项当前为“{item.status.label}”，不能交办。")
    pending = [a for a in item.assignments if a.status == A.PENDING]
    _require(bool(pending), "该事项没有待交办的承办单位。")
    notices = []
    calendar = WorkCalendar.load(session) if item.three_checks else None
    for assignment in pending:
        assignment.status = A.ASSIGNED
        assignment.assigned_at = now
        needs_sweep(assignment, now)
        notices.append(send_assignment_notice(session, assignment, actor=actor, now=now))
        if calendar is not None:
            plan_checks(session, assignment, calendar, now=now)
    if item.status == S.REGISTERED:
        item.status = S.ASSIGNED
    record_step(session, "交办", item, "、".join(a.unit.name for a in pending), now=now)
    session.flush()
    return notices


def send_assignment_notice(session: Session, assignment: Assignment, *, actor, now: datetime) -> Notice:
    """Issue and e-mail the 督查通知单 of one assignment (决定事项办理… or 领导批示件…, by the item's source)."""
    kind = assignment_notice_kind(assignment.item.source)
    return notify_unit(
        session,
        assignment,
        kind,
        title=f"关于“{assignment.item.title}”的{kind.label}",
        body_template="notice_assignment.txt",
        mail_template="assignment",
        context={},
        issued_by=actor_name(actor),
        now=now,
    )


def resend_assignment_notice(session: Session, assignment: Assignment, *, actor, now: datetime) -> Notice:
    """E-mail the assignment's latest 督查通知单 again, with a fresh link, to the unit's current contacts."""
    _require(assignment.status in WORKING, f"该承办任务当前为“{assignment.status.label}”，无需重发通知。")
    notice = session.scalars(
        select(Notice)
        .where(Notice.assignment_id == assignment.id, Notice.kind.in_(ASSIGNMENT_NOTICE_KINDS))
        .order_by(Notice.id.desc())
        .limit(1)
    ).first()
    if notice is None:
        return send_assignment_notice(session, assignment, actor=actor, now=now)
    mail_unit(
        session,
        assignment,
        kind=notice.kind.value,
        template="assignment",
        context={},
        now=now,
        dedupe_key=f"notice:{notice.number}:resent:{now.isoformat()}",
        notice=notice,
    )
    record_step(session, "重发通知", assignment, notice.number, now=now)
    return notice


def suspend_item(session: Session, item: Item, reason: str, *, actor, now: datetime) -> None:
    """暂停 an open item with a reason: its open assignments pause too (no reminders, no checks)."""
    _require(item.status in (S.REGISTERED, *LIVE_ITEM), f"事项当前为“{item.status.label}”，不能暂停。")
    _require(bool((reason or "").strip()), "暂停须填写原因。")
    item.status, item.status_reason = S.SUSPENDED, reason.strip()
    for assignment in item.assignments:
        if assignment.status in (A.PENDING, *WORKING):
            assignment.status = A.SUSPENDED
            needs_sweep(assignment, now)
    record_step(session, "暂停", item, reason.strip(), now=now)
    session.flush()


def resume_item(session: Session, item: Item, *, actor, now: datetime) -> None:
    """恢复 a suspended item: each assignment returns to the state its history gives it."""
    _require(item.status == S.SUSPENDED, f"事项当前为“{item.status.label}”，不能恢复办理。")
    for assignment in item.assignments:
        if assignment.status == A.SUSPENDED:
            assignment.status = resumed_status(assignment)
            needs_sweep(assignment, now)
    was_assigned = any(a.assigned_at for a in item.assignments)
    item.status, item.status_reason = (S.ASSIGNED if was_assigned else S.REGISTERED), None
    refresh_item_status(session, item, now=now)
    record_step(session, "恢复办理", item, "", now=now)
    session.flush()


def resumed_status(assignment: Assignment) -> AssignmentStatus:
    """Where a paused assignment stands: awaiting review, working, assigned, or not yet assigned."""
    if any(f.review_status == ReviewStatus.PENDING for f in assignment.feedbacks):
        return A.SUBMITTED
    if assignment.acknowledged_at or assignment.feedbacks:
        return A.IN_PROGRESS
    return A.ASSIGNED if assignment.assigned_at else A.PENDING


def cancel_item(session: Session, item: Item, reason: str, *, actor, now: datetime) -> None:
    """撤销 an item with a reason; its unfinished assignments are cancelled (nothing more is sent)."""
    _require(item.status not in (S.CLOSED, S.CANCELLED), f"事项当前为“{item.status.label}”，不能撤销。")
    _require(bool((reason or "").strip()), "撤销须填写原因。")
    item.status, item.status_reason = S.CANCELLED, reason.strip()
    for assignment in item.assignments:
        if assignment.status != A.ACCEPTED:
            assignment.status = A.CANCELLED
            needs_sweep(assignment, now)
    from workflows.checks import set_aside

    for assignment in item.assignments:
        set_aside(assignment, "事项已撤销", undecided_too=True)
    record_step(session, "撤销", item, reason.strip(), now=now)
    session.flush()


def record_answer(session: Session, item: Item, answer: str, satisfaction: str | None, *, actor, now: datetime) -> None:
    """Record the answer (答复) to the proposer or caller, and their satisfaction; the item may then close."""
    _require(item.needs_answer, "只有职工代表建议提案、便民热线和领导大接访事项需要登记答复。")
    _require(item.status not in (S.CANCELLED, S.REGISTERED), f"事项当前为“{item.status.label}”，不能登记答复。")
    _require(bool((answer or "").strip()), "请填写答复内容。")
    item.answer, item.answered_at = answer.strip(), now
    item.satisfaction = Satisfaction(satisfaction) if satisfaction else None
    record_step(session, "登记答复", item, item.answer[:60], now=now)
    refresh_item_status(session, item, now=now)
    session.flush()


def refresh_item_status(session: Session, item: Item, *, now: datetime) -> ItemStatus:
    """Derive a live item's status from its assignments: 办结 when every share is accepted (and answered, and for an
    instruction from above, reported upward)."""
    if item.status in (S.REGISTERED, S.SUSPENDED, S.CANCELLED):
        return item.status
    shares = [a for a in item.assignments if a.status != A.CANCELLED]
    before = item.status
    if shares and all(a.status == A.ACCEPTED for a in shares):
        from workflows.upward import awaits_upward_report  # the upward step builds on this module's steps

        if (item.needs_answer and not item.answer) or awaits_upward_report(session, item):
            item.status = S.UNDER_REVIEW
        else:
            item.status, item.closed_at = S.CLOSED, item.closed_at or now
    elif shares and all(a.status in (A.ACCEPTED, A.SUBMITTED) for a in shares):
        item.status = S.UNDER_REVIEW
    elif any(a.status in (A.IN_PROGRESS, A.SUBMITTED, A.ACCEPTED) for a in shares):
        item.status = S.IN_PROGRESS
    else:
        item.status = S.ASSIGNED
    if item.status != S.CLOSED:
        item.closed_at = None
    if before != item.status and item.status == S.CLOSED:
        record_step(session, "办结", item, "各承办单位均已办结", now=now)
    return item.status
