"""The three-round ladder (三次督查制度): 整改通知书 → 黄牌警告 → 提请追责, never skipping, never twice.

Rounds are checked at the deadline and then every K working days (K = the item's check interval, else
CHECK_INTERVAL_DAYS). A round passes when the share is done, or when a feedback submitted since the previous
round (and by the end of this round's day) has been accepted; it waits while such a feedback awaits review;
otherwise it fails. Every failure — including a feedback judged 不合格 on review — climbs one rung.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.assignment import Assignment, AssignmentStatus
from models.escalation import RUNGS, TOP_RUNG, Escalation, FailureReason
from models.feedback import ReviewStatus
from outbox.mail import render_text
from workdays import WorkCalendar
from workflows.deadlines import deadline_end
from workflows.lifecycle import TransitionError, needs_sweep
from workflows.notices import issue_notice, mail_notice
from workflows.recipients import ladder_recipients
from workflows.rules import rules
from workflows.tokens import assignment_link


def check_interval(assignment: Assignment) -> int:
    """K: working days between two check rounds of this assignment."""
    return assignment.item.check_interval_days or rules().check_interval_days


def round_date(assignment: Assignment, round_number: int, calendar: WorkCalendar) -> date:
    """The day check round n looks at: the deadline, then every K working days."""
    return calendar.add_working_days(assignment.deadline, check_interval(assignment) * (round_number - 1))


def ladder_active(assignment: Assignment) -> bool:
    """The ladder still runs for this share: open, not stopped by a supervisor, not at the top rung."""
    return (
        assignment.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.SUBMITTED)
        and assignment.escalation_stopped_at is None
        and (assignment.escalation_level or 0) < TOP_RUNG
    )


@dataclass(frozen=True)
class RoundOutcome:
    """What a due check round found: 'pass', 'wait' (a feedback awaits review) or 'fail' with a reason."""

    verdict: str
    reason: FailureReason | None = None


def judge_round(assignment: Assignment, round_number: int, calendar: WorkCalendar, *, since_round: int) -> RoundOutcome:
    """Judge round n on the feedback submitted after round `since_round` (see the module docstring for the rule)."""
    if assignment.status == AssignmentStatus.ACCEPTED:
        return RoundOutcome("pass")
    end = deadline_end(round_date(assignment, round_number, calendar))
    start = deadline_end(round_date(assignment, since_round, calendar)) if since_round >= 1 else None
    in_window = [
        f
        for f in assignment.feedbacks
        if f.period is None and f.submitted_at < end and (start is None or f.submitted_at >= start)
    ]
    if any(f.review_status == ReviewStatus.ACCEPTED for f in in_window):
        return RoundOutcome("pass")
    if any(f.review_status == ReviewStatus.PENDING for f in in_window):
        return RoundOutcome("wait")
    reason = FailureReason.NOT_ACCEPTED if in_window else FailureReason.NO_FEEDBACK
    return RoundOutcome("fail", reason)


def latest_due_round(assignment: Assignment, calendar: WorkCalendar, now: datetime) -> int | None:
    """The last round whose day has ended and that is not checked yet (after downtime, the earlier ones lapse)."""
    number = None
    candidate = (assignment.checks_done or 0) + 1
    while now >= deadline_end(round_date(assignment, candidate, calendar)):
        number, candidate = candidate, candidate + 1
    return number


def run_due_round(session: Session, assignment: Assignment, calendar: WorkCalendar, *, now: datetime) -> str | None:
    """Check the latest due round (at most one rung per run); returns the verdict, or None when none is due."""
    if not ladder_active(assignment):
        return None
    number = latest_due_round(assignment, calendar, now)
    if number is None:
        return None
    day = round_date(assignment, number, calendar)
    outcome = judge_round(assignment, number, calendar, since_round=assignment.checks_done or 0)
    if outcome.verdict == "wait":
        return "wait"
    assignment.checks_done = number
    if outcome.verdict == "fail":
        fail_check(session, assignment, outcome.reason, day, actor=None, now=now)
    else:
        record_step(session, "督查通过", assignment, f"第{number}轮督查（{day}）", now=now)
    return outcome.verdict


def fail_check(
    session: Session, assignment: Assignment, reason: FailureReason, round_day: date, *, actor, now: datetime
) -> Escalation | None:
    """Climb one rung: store it (the database refuses a skipped or repeated rung), issue and e-mail its notice."""
    if assignment.escalation_stopped_at is not None or (assignment.escalation_level or 0) >= TOP_RUNG:
        return None
    level = (assignment.escalation_level or 0) + 1
    item, unit = assignment.item, assignment.unit
    recipients = ladder_recipients(session, unit, level, on=china_date(now))
    context = {
        "item": item,
        "assignment": assignment,
        "unit": unit,
        "level": level,
        "reason": reason,
        "round_day": round_day,
        "leader": unit.leader_in_charge,
    }
    rung = RUNGS[level]
    kind = rung.kind
    notice = issue_notice(
        session,
        kind,
        title=f"关于{unit.name}办理“{item.title}”的{kind.label}",
        addressee=unit.name,
        copy_to="、".join(r.name or r.email for r in recipients) or None,
        body=render_text(rung.template, {**context, "rung": rung, "ladder": RUNGS}),
        now=now,
        issued_by=str(actor) if actor is not None else rules().office_name,
        item=item,
        assignment=assignment,
        unit=unit,
    )
    escalation = Escalation(
        assignment_id=assignment.id,
        level=level,
        previous_level=level - 1 if level > 1 else None,
        round_date=round_day,
        reason=reason,
        notice_id=notice.id,
        created_at=now,
        created_by_name=str(actor) if actor is not None else "系统",
    )
    session.add(escalation)
    assignment.escalation_level = level
    session.flush()
    mail_notice(
        session,
        notice,
        template="ladder",
        context={**context, "link": assignment_link(assignment)},
        recipients=recipients,
        now=now,
    )
    record_step(session, kind.label, assignment, f"{reason.label}（{round_day}），文号 {notice.number}", now=now)
    return escalation


def stop_escalation(session: Session, assignment: Assignment, reason: str, *, actor, now: datetime) -> None:
    """A supervisor stops the ladder for this share, with a reason (overdue reminders continue)."""
    if assignment.escalation_stopped_at is not None:
        raise TransitionError("该承办任务已停止督办。")
    if not (reason or "").strip():
        raise TransitionError("停止督办须填写原因。")
    assignment.escalation_stopped_at, assignment.escalation_stop_reason = now, reason.strip()
    needs_sweep(assignment, now)
    record_step(session, "停止督办", assignment, reason.strip(), now=now)
    session.flush()
