"""What a unit does with its link (签收, 落实情况反馈表, 延期申请) and the supervisor's review and decisions."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audit import record_step
from models.assignment import Assignment, AssignmentStatus
from models.attachment import Attachment
from models.extension import DeadlineChange, ExtensionRequest, ExtensionStatus
from models.feedback import Feedback, ReviewStatus
from workdays import WorkCalendar
from workflows import locking
from workflows.checks import next_check_round, replan_after_new_deadline, set_aside
from workflows.lifecycle import WORKING, TransitionError, actor_name, needs_sweep, refresh_item_status
from workflows.notices import mail_unit
from workflows.periodic import notify_slow_progress

A = AssignmentStatus
FEEDBACK_PENDING = "上一份反馈尚在审核中，请等待督查室审核后再提交。"
EXTENSION_PENDING = "已有一份延期申请等待审批，请勿重复提交。"


@dataclass
class FeedbackInput:
    """The fields of a 落实情况反馈表."""

    progress: str
    measures: str = ""
    problems: str = ""
    next_steps: str = ""
    percent_complete: int = 0
    contact_name: str = ""
    contact_phone: str = ""
    period: str | None = None

    @classmethod
    def from_form(cls, form) -> "FeedbackInput":
        """The report as typed into a feedback form (the unit's page or the admin's); blanks become empty text,
        and a form without a period field (or left at 最终办结情况) reports no period."""
        period = getattr(form, "period", None)
        return cls(
            progress=form.progress.data or "",
            measures=form.measures.data or "",
            problems=form.problems.data or "",
            next_steps=form.next_steps.data or "",
            percent_complete=form.percent_complete.data,
            contact_name=form.contact_name.data or "",
            contact_phone=form.contact_phone.data or "",
            period=(period.data or None) if period is not None else None,
        )


@dataclass
class Upload:
    """A file as it arrived from the browser."""

    filename: str
    content_type: str
    data: bytes


def upload_problem(upload: Upload, *, allowed_extensions: set[str], max_bytes: int) -> str | None:
    """Why a file cannot be attached (Chinese), or None."""
    suffix = Path(upload.filename or "").suffix.lower().lstrip(".")
    if suffix not in allowed_extensions:
        return f"附件“{upload.filename}”的类型不允许；允许的类型：{'、'.join(sorted(allowed_extensions))}。"
    if len(upload.data) > max_bytes:
        return f"附件“{upload.filename}”超过 {max_bytes // (1024 * 1024)} MB 的大小限制。"
    if not upload.data:
        return f"附件“{upload.filename}”是空文件。"
    return None


def acknowledge(session: Session, assignment: Assignment, by_name: str, *, now: datetime) -> bool:
    """签收 the notice (once; returns False when it was already acknowledged)."""
    if assignment.acknowledged_at is not None:
        return False
    if assignment.status not in WORKING:
        raise TransitionError(f"该承办任务当前为“{assignment.status.label}”，无需签收。")
    assignment.acknowledged_at, assignment.acknowledged_by = now, (by_name or "").strip()[:50] or "联络员"
    if assignment.status == A.ASSIGNED:
        assignment.status = A.IN_PROGRESS
    record_step(session, "签收", assignment, assignment.acknowledged_by, now=now)
    refresh_item_status(session, assignment.item, now=now)
    session.flush()
    return True


def submit_feedback(
    session: Session,
    assignment: Assignment,
    data: FeedbackInput,
    uploads: list[Upload],
    *,
    by_name: str,
    user=None,
    now: datetime,
) -> Feedback:
    """Store a unit's feedback (and files) for review; the share waits for the supervisor (待审核).

    One report per share and period awaits review at a time: the share is locked before the check, so parallel
    submissions queue up and all but the first are refused; a unique index refuses any that slip past.
    """
    locking.lock_assignment(session, assignment)
    if assignment.status not in WORKING:
        raise TransitionError(f"该承办任务当前为“{assignment.status.label}”，不能提交反馈。")
    pending = select(Feedback.id).where(
        Feedback.assignment_id == assignment.id,
        Feedback.review_status == ReviewStatus.PENDING,
        Feedback.period.is_(None) if data.period is None else Feedback.period == data.period,
    )
    if session.scalar(pending.limit(1)) is not None:
        raise TransitionError(FEEDBACK_PENDING)
    feedback = Feedback(
        assignment=assignment,
        progress=data.progress.strip(),
        measures=data.measures.strip() or None,
        problems=data.problems.strip() or None,
        next_steps=data.next_steps.strip() or None,
        percent_complete=data.percent_complete,
        contact_name=data.contact_name.strip() or None,
        contact_phone=data.contact_phone.strip() or None,
        period=data.period,
        check_round=next_check_round(assignment),
        submitted_at=now,
        submitted_by_id=getattr(user, "id", None),
        submitted_by_name=(by_name or "").strip()[:50] or None,
        review_status=ReviewStatus.PENDING,
    )
    session.add(feedback)
    try:
        session.flush()
    except IntegrityError as error:
        if locking.violates(error, "feedback", "uq_feedback_pending_final", "uq_feedback_pending_period"):
            raise TransitionError(FEEDBACK_PENDING) from error
        raise
    for upload in uploads:  # the bytes go into the database with the report, in its transaction
        feedback.attachments.append(
            Attachment(
                filename=Path(upload.filename).name[:200],
                content_type=(upload.content_type or "application/octet-stream")[:100],
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                stored_name=f"{uuid.uuid4().hex}{Path(upload.filename).suffix.lower()[:10]}",
                content=upload.data,
            )
        )
    if assignment.acknowledged_at is None:
        assignment.acknowledged_at, assignment.acknowledged_by = now, feedback.submitted_by_name or "联络员"
    if data.period is None:
        assignment.status = A.SUBMITTED
    elif assignment.status == A.ASSIGNED:
        assignment.status = A.IN_PROGRESS
    needs_sweep(assignment, now)
    session.flush()
    refresh_item_status(session, assignment.item, now=now)
    session.flush()
    return feedback


def review_feedback(
    session: Session,
    feedback: Feedback,
    verdict: ReviewStatus,
    comment: str,
    *,
    actor,
    now: datetime,
    progress_unsatisfactory: bool = False,
) -> None:
    """审核: accept (a 100% report completes the unit's share), return with a reason, or judge it 不合格; a period
    report can be marked 进度不理想, which sends the unit a 督查通知单 as a late report would."""
    if feedback.review_status != ReviewStatus.PENDING:
        raise TransitionError(f"该反馈已审核（{feedback.review_status.label}），不能重复审核。")
    if verdict == ReviewStatus.PENDING:
        raise TransitionError("请选择审核结论。")
    comment = (comment or "").strip()
    if verdict != ReviewStatus.ACCEPTED and not comment:
        raise TransitionError("退回或判定不合格时须填写原因。")
    assignment = feedback.assignment
    locking.lock_assignment(session, assignment)
    # Claim the report: only one review finds it still pending (another supervisor may have just reviewed it).
    claimed = session.execute(
        update(Feedback)
        .where(Feedback.id == feedback.id, Feedback.review_status == ReviewStatus.PENDING)
        .values(review_status=verdict)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.refresh(feedback)
        raise TransitionError(f"该反馈已被他人审核（{feedback.review_status.label}），不能重复审核。请刷新页面查看。")
    if assignment.status not in WORKING:
        raise TransitionError(f"该承办任务当前为“{assignment.status.label}”，不能审核其反馈。")
    feedback.review_status, feedback.review_comment = verdict, comment or None
    feedback.reviewer_id, feedback.reviewed_at = getattr(actor, "id", None), now
    completes = verdict == ReviewStatus.ACCEPTED and feedback.period is None and feedback.percent_complete >= 100
    final_pending = any(f.review_status == ReviewStatus.PENDING and f.period is None for f in assignment.feedbacks)
    if completes:
        assignment.status, assignment.accepted_at = A.ACCEPTED, now
    else:
        # a share waits for review while a final (non-period) report is pending; otherwise it is being worked on
        assignment.status = A.SUBMITTED if final_pending else A.IN_PROGRESS
    record_step(session, "审核反馈", feedback, f"{verdict.label}{('：' + comment) if comment else ''}", now=now)
    # The unit hears the verdict either way (its page promises it); an acceptance that closes the share says so.
    accepted = verdict == ReviewStatus.ACCEPTED
    mail_unit(
        session,
        assignment,
        kind="feedback_accepted" if accepted else "feedback_returned",
        template="feedback_accepted" if accepted else "feedback_returned",
        context={"feedback": feedback, "closes": completes},
        now=now,
        dedupe_key=f"feedback-review:{feedback.id}",
    )
    if completes:
        set_aside(assignment, "任务已办结")
    if progress_unsatisfactory and feedback.period is not None:
        feedback.progress_unsatisfactory = True
        notify_slow_progress(session, assignment, feedback.period, actor=actor, now=now)
    needs_sweep(assignment, now)
    refresh_item_status(session, assignment.item, now=now)
    session.flush()


def request_extension(
    session: Session, assignment: Assignment, requested: date, reason: str, *, by_name: str, now: datetime
) -> ExtensionRequest:
    """延期申请: ask to move the deadline to a later date, with a reason; one open request at a time."""
    locking.lock_assignment(session, assignment)
    if assignment.status not in WORKING:
        raise TransitionError(f"该承办任务当前为“{assignment.status.label}”，不能申请延期。")
    if requested <= assignment.deadline:
        raise TransitionError(f"申请的新时限须晚于当前时限 {assignment.deadline}。")
    if not (reason or "").strip():
        raise TransitionError("请填写延期理由。")
    pending = session.query(ExtensionRequest).filter_by(assignment_id=assignment.id, status=ExtensionStatus.PENDING)
    if pending.first() is not None:
        raise TransitionError(EXTENSION_PENDING)
    request = ExtensionRequest(
        assignment=assignment,
        current_deadline=assignment.deadline,
        requested_deadline=requested,
        reason=reason.strip(),
        requested_by_name=(by_name or "").strip()[:50] or "联络员",
        requested_at=now,
        status=ExtensionStatus.PENDING,
    )
    session.add(request)
    try:
        session.flush()
    except IntegrityError as error:
        if locking.violates(error, "extension_request", "uq_extension_request_pending"):
            raise TransitionError(EXTENSION_PENDING) from error
        raise
    return request


def decide_extension(
    session: Session, request: ExtensionRequest, approve: bool, comment: str, *, actor, now: datetime
) -> None:
    """Approve (the deadline moves, history kept) or refuse an extension request; the unit is told either way."""
    if request.status != ExtensionStatus.PENDING:
        raise TransitionError(f"该延期申请已{request.status.label}，不能重复审批。")
    if not approve and not (comment or "").strip():
        raise TransitionError("不批准延期时须填写意见。")
    assignment = request.assignment
    locking.lock_assignment(session, assignment)
    session.refresh(request)
    if request.status != ExtensionStatus.PENDING:
        raise TransitionError(f"该延期申请已被他人审批（{request.status.label}），不能重复审批。请刷新页面查看。")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by_name, request.decided_at = actor_name(actor), now
    request.decision_comment = (comment or "").strip() or None
    if approve:
        change_deadline(
            session, assignment, request.requested_deadline, f"批准延期申请：{request.reason}", actor=actor, now=now
        )
    mail_unit(
        session,
        assignment,
        kind="extension_decision",
        template="extension_decision",
        context={"request": request},
        now=now,
        dedupe_key=f"extension-decision:{request.id}",
    )
    session.flush()


def change_deadline(session: Session, assignment: Assignment, new_deadline: date, reason: str, *, actor, now: datetime):
    """Move an assignment's deadline, keeping the history; its third check (and those still ahead) move with it."""
    if new_deadline == assignment.deadline:
        return None
    change = DeadlineChange(
        assignment_id=assignment.id,
        old_deadline=assignment.deadline,
        new_deadline=new_deadline,
        reason=reason[:300],
        changed_by_name=actor_name(actor),
        changed_at=now,
    )
    session.add(change)
    assignment.deadline = new_deadline
    replan_after_new_deadline(session, assignment, WorkCalendar.load(session), now=now)
    needs_sweep(assignment, now)
    session.flush()
    return change
