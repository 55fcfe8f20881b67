"""The three checks (三次督查): each share's plan, the request before each check, the record on its day with a
proposed verdict, and a supervisor's verdict with its consequences. See DOMAIN.md, "The three checks".

The plan. The third check is on the deadline. The first and second fall at one third and two thirds of the working
days from assignment to deadline, but never sooner than FIRST_CHECK_MIN_DAYS working days after assignment (a unit
needs a few days to convey the work and set its measures) and never after the deadline — so for a short deadline
two or three checks share a day, still held and decided in order. For a monthly or quarterly item the first and
second checks fall instead on the report day of the first period report due on or after those points (the office
checks on what the units report), falling back to the working-day rule when no report day lies before the deadline.

The system plans, asks for reports, opens each check's record and proposes a verdict; only a supervisor's verdict
counts, and a failure climbs one rung (整改通知书 with 通报批评, 黄牌警告, 提请追责), whose notice is a draft until a
person issues it.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from audit import record_step
from clock import china_date
from models.assignment import Assignment, AssignmentStatus
from models.check import CHECK_ROUNDS, STAGES, CheckState, SupervisionCheck, Verdict
from models.escalation import RUNGS, TOP_RUNG, Escalation, FailureReason
from models.feedback import ReviewStatus
from models.item import Item, Rhythm
from models.notice import LEADERSHIP, NoticeKind
from outbox.mail import render_text
from workdays import WorkCalendar
from workflows import locking
from workflows.deadlines import deadline_end
from workflows.lifecycle import TransitionError, actor_name, needs_sweep
from workflows.notices import draft_notice
from workflows.rules import rules

OPEN = (CheckState.PLANNED, CheckState.DUE)
LAPSED_AT_UPGRADE = "该督查日期在启用三次督查之前，未补做"


# --- the plan ---------------------------------------------------------------------------------------------------


def _report_days(calendar: WorkCalendar, rhythm: Rhythm, start: date, end: date) -> list[date]:
    """The periodic report days after `start` and by `end` (monthly: every month; quarterly: Jan, Apr, Jul, Oct)."""
    from workflows.periodic import report_day  # periodic imports this module's neighbours; keep the graph simple

    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        if rhythm == Rhythm.MONTHLY or month in (1, 4, 7, 10):
            day = report_day(calendar, year, month)
            if start < day <= end:
                days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def plan_dates(assigned_on: date, deadline: date, rhythm: Rhythm, calendar: WorkCalendar) -> tuple[date, date, date]:
    """The three check dates of a share assigned on `assigned_on` with this deadline (see the module docstring)."""
    third = max(deadline, assigned_on)
    span = max(calendar.working_days_between(assigned_on, third), 0)
    earliest = min(rules().first_check_min_days, span)
    report_days = _report_days(calendar, rhythm, assigned_on, third) if rhythm != Rhythm.ONE_OFF else []
    dates = []
    for share in (1, 2):
        offset = max(round(span * share / 3), earliest)
        day = min(calendar.add_working_days(assigned_on, offset) if offset else assigned_on, third)
        later = [d for d in report_days if d >= day]
        if later:
            day = later[0]
        dates.append(max(day, dates[-1]) if dates else day)
    return dates[0], dates[1], third


def plan_checks(session: Session, assignment: Assignment, calendar: WorkCalendar, *, now: datetime) -> list:
    """Give a share under the checks its three checks, once; dates before today (a share older than the checks
    themselves, after an upgrade) are set aside rather than held late."""
    if assignment.checks or assignment.assigned_at is None:
        return list(assignment.checks)
    today = china_date(now)
    assigned_on = china_date(assignment.assigned_at)
    dates = plan_dates(assigned_on, assignment.deadline, assignment.item.rhythm, calendar)
    upgraded = assigned_on < today
    for number, day in zip(CHECK_ROUNDS, dates, strict=True):
        lapsed = upgraded and day < today
        session.add(
            SupervisionCheck(
                assignment=assignment,
                round=number,
                planned_on=day,
                state=CheckState.MOOT if lapsed else CheckState.PLANNED,
                moot_reason=LAPSED_AT_UPGRADE if lapsed else None,
            )
        )
    session.flush()
    return list(assignment.checks)


def replan_after_new_deadline(session: Session, assignment: Assignment, calendar: WorkCalendar, *, now: datetime):
    """An approved extension (or any new deadline) moves the third check, and the first and second while they
    are still to come and were not set by hand, to where the plan puts them now (never earlier than today)."""
    if not assignment.checks or assignment.assigned_at is None:
        return
    today = china_date(now)
    dates = plan_dates(china_date(assignment.assigned_at), assignment.deadline, assignment.item.rhythm, calendar)
    for check, day in zip(assignment.checks, dates, strict=True):
        if check.state != CheckState.PLANNED or check.planned_on <= today:
            continue
        if check.round == 3 or not check.planned_by_hand:
            check.planned_on = max(day, today)
            check.requested_at = None
    _keep_in_order(assignment)
    session.flush()


def _keep_in_order(assignment: Assignment) -> None:
    """A later check is never planned before an earlier one."""
    previous = None
    for check in assignment.checks:
        if previous is not None and check.state == CheckState.PLANNED and check.planned_on < previous:
            check.planned_on = previous
        previous = check.planned_on


def set_check_dates(
    session: Session, assignment: Assignment, dates: dict[int, date], *, actor, now: datetime
) -> list[SupervisionCheck]:
    """A supervisor moves this share's checks still to come (调整督查日期); the dates must keep their order."""
    locking.lock_assignment(session, assignment)
    today = china_date(now)
    by_round = {check.round: check for check in assignment.checks}
    if not by_round:
        raise TransitionError("该承办任务未纳入三次督查，没有督查日期。")
    changed = []
    for number, day in sorted(dates.items()):
        check = by_round.get(number)
        if check is None or day is None or day == check.planned_on:
            continue
        if check.state != CheckState.PLANNED:
            raise TransitionError(f"{check.name}当前为“{check.state.label}”，不能再调整日期。")
        if day < today:
            raise TransitionError(f"{check.name}的日期不能早于今天（{today}）。")
        check.planned_on, check.planned_by_hand, check.requested_at = day, True, None
        changed.append(check)
    ordered = [by_round[n].planned_on for n in sorted(by_round)]
    if ordered != sorted(ordered):
        raise TransitionError("督查日期须按第一次、第二次、第三次的顺序排列。")
    if changed:
        needs_sweep(assignment, now)
        record_step(
            session, "调整督查日期", assignment, "；".join(f"{c.name} {c.planned_on}" for c in changed), now=now
        )
        session.flush()
    return changed


def set_scope(session: Session, item: Item, under_checks: bool, *, actor, now: datetime) -> None:
    """纳入 or 不纳入三次督查: shares already assigned get their plan, or their checks still to come are set aside."""
    if bool(item.three_checks) == bool(under_checks):
        return
    item.three_checks = bool(under_checks)
    calendar = WorkCalendar.load(session)
    for assignment in item.assignments:
        if assignment.status not in (
            AssignmentStatus.ASSIGNED,
            AssignmentStatus.IN_PROGRESS,
            AssignmentStatus.SUBMITTED,
        ):
            continue
        if under_checks:
            if not assignment.checks:
                _plan_from_today(session, assignment, calendar, now=now)
            else:
                for check in assignment.checks:
                    if (
                        check.state == CheckState.MOOT
                        and check.moot_reason == OUT_OF_SCOPE
                        and check.planned_on >= china_date(now)
                    ):
                        check.state, check.moot_reason = CheckState.PLANNED, None
        else:
            set_aside(assignment, OUT_OF_SCOPE)
        needs_sweep(assignment, now)
    record_step(session, "纳入三次督查" if under_checks else "不纳入三次督查", item, "", now=now)
    session.flush()


OUT_OF_SCOPE = "事项不纳入三次督查"


def _plan_from_today(session: Session, assignment: Assignment, calendar: WorkCalendar, *, now: datetime) -> None:
    """Plan a share put under the checks after it was assigned: the checks still ahead are planned from today."""
    today = china_date(now)
    dates = plan_dates(today, assignment.deadline, assignment.item.rhythm, calendar)
    for number, day in zip(CHECK_ROUNDS, dates, strict=True):
        session.add(SupervisionCheck(assignment=assignment, round=number, planned_on=day, state=CheckState.PLANNED))
    session.flush()


def set_aside(assignment: Assignment, reason: str, *, undecided_too: bool = False) -> int:
    """The checks still planned are no longer held (the share was finished, cancelled, or taken out of scope); with
    `undecided_too`, neither are those awaiting a verdict (the work was cancelled or its checks stopped)."""
    states = OPEN if undecided_too else (CheckState.PLANNED,)
    count = 0
    for check in assignment.checks:
        if check.state in states:
            check.state, check.moot_reason = CheckState.MOOT, reason[:200]
            count += 1
    return count


def next_check_round(assignment: Assignment) -> int | None:
    """The check a report sent now is for: the first one not yet decided or set aside."""
    return next((c.round for c in assignment.checks if c.state in OPEN), None)


# --- the sweep's part -----------------------------------------------------------------------------------------


def request_day(check: SupervisionCheck, calendar: WorkCalendar) -> date:
    """The day the unit is asked to report for this check: CHECK_REQUEST_DAYS_BEFORE working days before it."""
    return calendar.add_working_days(check.planned_on, -rules().check_request_days_before)


@dataclass
class CheckStep:
    """What the sweep did about one share's checks, and when it must look again."""

    requests: list
    opened: int
    next_day: date | None


def due_check_steps(
    session: Session, assignment: Assignment, calendar: WorkCalendar, *, today: date, now: datetime
) -> CheckStep:
    """Open the checks whose day has come (with a proposed verdict) and collect the reports to ask for."""
    if not assignment.item.three_checks:
        return CheckStep([], 0, None)
    if not assignment.checks:
        plan_checks(session, assignment, calendar, now=now)
    requests, opened, upcoming = [], 0, []
    for check in assignment.checks:
        if check.state != CheckState.PLANNED:
            continue
        if check.planned_on <= today:
            proposal = propose(check, now)
            check.state, check.opened_at = CheckState.DUE, now
            check.proposed, check.proposed_ground = proposal.verdict, proposal.ground
            opened += 1
            continue
        asked_on = request_day(check, calendar)
        if check.requested_at is None and asked_on <= today:
            check.requested_at = now
            requests.append(check)
        elif check.requested_at is None:
            upcoming.append(asked_on)
        upcoming.append(check.planned_on)
    return CheckStep(requests, opened, min(upcoming) if upcoming else None)


# --- the proposal ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What the system proposes for a check: 合格, 不合格 with a ground, or 待定 while a report awaits review."""

    verdict: Verdict
    ground: str | None = None


def reports_for(check: SupervisionCheck, now: datetime) -> list:
    """The share's reports since the previous check's day (since assignment for the first), up to now."""
    assignment = check.assignment
    previous = next((c for c in assignment.checks if c.round == check.round - 1), None)
    start = deadline_end(previous.planned_on) if previous is not None else assignment.assigned_at
    return [f for f in assignment.feedbacks if (start is None or f.submitted_at >= start) and f.submitted_at <= now]


def propose(check: SupervisionCheck, now: datetime) -> Proposal:
    """The proposed verdict: 合格 when an accepted report answers this check (for the third: the share is done),
    不合格 (未按时报送) when nothing was reported, 待定 while a report awaits review."""
    assignment = check.assignment
    if assignment.status == AssignmentStatus.ACCEPTED:
        return Proposal(Verdict.PASS, None)
    reports = reports_for(check, now)
    if any(f.review_status == ReviewStatus.PENDING for f in reports):
        return Proposal(Verdict.PENDING, "有反馈待审核")
    if check.round == 3:
        return Proposal(Verdict.FAIL, "未按时保质保量完成" if reports else "未按时报送")
    accepted = [f for f in reports if f.review_status == ReviewStatus.ACCEPTED]
    if accepted and not any(f.progress_unsatisfactory for f in accepted):
        return Proposal(Verdict.PASS, None)
    if accepted:
        return Proposal(Verdict.FAIL, "行动迟缓")
    if any(f.review_status == ReviewStatus.UNSATISFACTORY for f in reports):
        return Proposal(Verdict.FAIL, "任务完成不好")
    return Proposal(Verdict.FAIL, STAGES[check.round].default_ground)


# --- the verdict ----------------------------------------------------------------------------------------------


def decide_check(
    session: Session,
    check: SupervisionCheck,
    verdict: Verdict,
    *,
    grounds: list[str] | tuple = (),
    comment: str = "",
    in_person_on: date | None = None,
    in_person_note: str = "",
    actor,
    now: datetime,
) -> Escalation | None:
    """A supervisor's verdict on a due check (裁定); 不合格 climbs one rung and drafts its notice. Checks are decided
    in order, once each."""
    assignment = check.assignment
    locking.lock_assignment(session, assignment)
    session.refresh(check)
    if check.state == CheckState.DECIDED:
        raise TransitionError(
            f"{check.name}已于{china_date(check.decided_at)}由{check.decided_by_name}裁定，不能重复裁定。"
        )
    if check.state != CheckState.DUE:
        raise TransitionError(f"{check.name}当前为“{check.state.label}”，督查日期（{check.planned_on}）到后才能裁定。")
    if verdict not in (Verdict.PASS, Verdict.FAIL):
        raise TransitionError("请选择督查结论：合格或不合格。")
    earlier = [c for c in assignment.checks if c.round < check.round and c.state in OPEN]
    if earlier:
        raise TransitionError(f"请先裁定{earlier[0].name}。")
    grounds = [g.strip() for g in grounds if g and g.strip()]
    comment = (comment or "").strip()
    if verdict == Verdict.FAIL and not (grounds or comment):
        raise TransitionError("判定不合格须选择不合格情形或填写督查意见。")
    if in_person_note.strip() and in_person_on is None:
        in_person_on = china_date(now)
    check.verdict, check.state = verdict, CheckState.DECIDED
    check.grounds = "；".join(grounds)[:300] or None
    check.comment = comment or None
    check.in_person_on, check.in_person_note = in_person_on, (in_person_note or "").strip() or None
    check.decided_by_name, check.decided_at = actor_name(actor), now
    detail = f"{verdict.label}{('：' + (check.grounds or comment)) if verdict == Verdict.FAIL else ''}"
    record_step(session, f"{check.name}裁定", assignment, detail, now=now)
    escalation = None
    if verdict == Verdict.FAIL:
        escalation = climb(session, check, actor=actor, now=now)
    elif (assignment.escalation_level or 0) > 0:
        _mark_remedied(session, assignment, check, now=now)
    session.flush()
    return escalation


def _mark_remedied(session: Session, assignment: Assignment, check: SupervisionCheck, *, now: datetime) -> None:
    """A unit that passes a later check keeps its rung; the rung is recorded as 整改到位."""
    latest = (
        session.query(Escalation)
        .filter(Escalation.assignment_id == assignment.id)
        .order_by(Escalation.level.desc())
        .first()
    )
    if latest is not None and latest.remedied_at is None:
        latest.remedied_at = now
        record_step(session, "整改到位", assignment, f"{check.name}合格，保留{RUNGS[latest.level].name}记录", now=now)


def climb(session: Session, check: SupervisionCheck, *, actor, now: datetime) -> Escalation | None:
    """One rung up (the database refuses a skipped or repeated one), with its notice drafted for a person to issue;
    the first rung also names the unit in the check day's 通报批评 draft."""
    from workflows.circulars import name_in_criticism  # circulars import notices; keep the import graph one-way

    assignment = check.assignment
    level = (assignment.escalation_level or 0) + 1
    if level > TOP_RUNG:
        return None
    item, unit = assignment.item, assignment.unit
    rung = RUNGS[level]
    grounds = check.grounds or check.comment or FailureReason.CHECK_FAILED.label
    history = [c for c in assignment.checks if c.state == CheckState.DECIDED]
    context = {
        "item": item,
        "assignment": assignment,
        "unit": unit,
        "check": check,
        "grounds": grounds,
        "history": history,
        "rung": rung,
        "leader": unit.leader_in_charge,
        "escalations": session.query(Escalation).filter(Escalation.assignment_id == assignment.id).all(),
        "reports": list(assignment.feedbacks),
    }
    to_leadership = rung.kind == NoticeKind.ACCOUNTABILITY
    notice = draft_notice(
        session,
        rung.kind,
        title=(
            f"关于提请追究{unit.name}有关责任的请示（{item.number}）"
            if to_leadership
            else f"关于{unit.name}办理“{item.title}”的{rung.name}"
        ),
        addressee=LEADERSHIP if to_leadership else unit.name,
        body=render_text(rung.template, context),
        now=now,
        item=item,
        assignment=assignment,
        unit=unit,
    )
    escalation = Escalation(
        assignment_id=assignment.id,
        level=level,
        previous_level=level - 1 if level > 1 else None,
        round_date=check.planned_on,
        reason=FailureReason.CHECK_FAILED,
        grounds=grounds[:300],
        check_id=check.id,
        notice_id=notice.id,
        created_at=now,
        created_by_name=actor_name(actor),
    )
    session.add(escalation)
    assignment.escalation_level = level
    session.flush()
    if level == 1:
        name_in_criticism(session, escalation, now=now)
    record_step(session, rung.name, assignment, f"{check.name}不合格（{grounds}），文书待签发", now=now)
    return escalation


def stop_checks(session: Session, assignment: Assignment, reason: str, *, actor, now: datetime) -> int:
    """A supervisor stops the three checks of this share, with a reason (reminders continue)."""
    if not (reason or "").strip():
        raise TransitionError("停止督查须填写原因。")
    if assignment.escalation_stopped_at is not None:
        raise TransitionError("该承办任务已停止三次督查。")
    assignment.escalation_stopped_at, assignment.escalation_stop_reason = now, reason.strip()
    count = set_aside(assignment, f"已停止督查：{reason.strip()}", undecided_too=True)
    needs_sweep(assignment, now)
    record_step(session, "停止三次督查", assignment, reason.strip(), now=now)
    session.flush()
    return count
