"""Planning the demo office: a pure function of a seeded random generator, `now` and the working-day calendar.

The plan only contains what people do (register, 交办, 签收, report, review, ask for more time, suspend, cancel,
answer, decide a check, issue a notice, decide a 提请追责); demo.office replays it through the real workflows, and
the sweep adds what the rules do (reminders, check requests, check records with their proposals, periodic cycles).
So the plan keeps to the rules the workflows enforce:

- a unit reports only after the previous report of the same period was reviewed, and never on a paused item;
- a share is 办结 only by a 100% final report that was accepted; an item closes when all its shares are, and a
  proposal or hotline call only after its answer is recorded, which comes after the last acceptance;
- periodic units send a report for each period by its report day (a few monthly ones come late: laggards);
- the three checks are the sweep's (their dates follow from assignment and deadline, their proposals from the
  reports); what people do about them is planned here (CheckHandling): a supervisor decides each opened check a few
  working days later — mostly as proposed, sometimes overriding it — except the checks opened in the last
  QUEUE_DAYS working days, which wait in the queue; the next working day the supervisor issues the notices the
  failures drafted and sends the check day's 通报批评, except for the latest check days (left as drafts); a leader
  decides a 提请追责 some days after it was submitted, unless it is recent. The rungs follow from those verdicts.
- data.STORIES are told whatever `now` is: those items are dated, and their lead unit behaves, so that the office
  always has a share whose third check is in this week's queue after two failed checks, a 提请追责 awaiting a
  leader, and a failed first check whose 整改通知书 and 通报批评 are still drafts.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from clock import CHINA, china_date
from demo import data
from models import (
    AssignmentStatus,
    Employment,
    ItemSource,
    ReviewStatus,
    Rhythm,
    Satisfaction,
    UnitKind,
)
from models.check import Verdict
from models.item import SOURCES_UNDER_CHECKS
from workdays import WorkCalendar
from workflows.checks import Proposal, plan_dates
from workflows.periodic import month_label, quarter_label, report_day
from workflows.rules import rules

SEED = 2026
HISTORY_DAYS = 90  # items are spread over this many days before `now`
EMAIL_DOMAIN = "example.org"  # reserved for examples (RFC 2606): demo mail can never reach a real person
LATE_MONTHLY_REPORT = 0.15  # the chance that a monthly report comes in after its report day
MISSED_CHECK_REPORT = 0.15  # the chance that a unit at work sends nothing for its first or second check
ANSWER_SOURCES = (ItemSource.STAFF_PROPOSAL, ItemSource.HOTLINE, ItemSource.RECEPTION_VISIT)

RHYTHM_BY_SOURCE = {ItemSource.KEY_WORK: Rhythm.QUARTERLY, ItemSource.BENEFIT_PROJECT: Rhythm.MONTHLY}
# What each unit's share of an item may have come to, by the item's state: (lead unit choices, co-unit choices).
OUTCOMES_BY_STATE = {
    "registered": (("pending",), ("pending",)),
    "assigned": (("assigned",), ("assigned",)),
    "progress": (("in_progress", "submitted", "in_progress"), ("assigned", "in_progress", "submitted", "accepted")),
    "overdue": (("silent", "failing"), ("accepted", "in_progress", "silent")),
    "review": (("submitted",), ("submitted", "accepted")),
    "closed": (("accepted",), ("accepted",)),
    "suspended": (("suspended",), ("suspended",)),
    "cancelled": (("cancelled",), ("cancelled",)),
}
STATUS_BY_OUTCOME = {
    "pending": AssignmentStatus.PENDING,
    "assigned": AssignmentStatus.ASSIGNED,
    "silent": AssignmentStatus.ASSIGNED,  # IN_PROGRESS once it has acknowledged and reported
    "in_progress": AssignmentStatus.IN_PROGRESS,
    "failing": AssignmentStatus.IN_PROGRESS,
    "submitted": AssignmentStatus.SUBMITTED,
    "accepted": AssignmentStatus.ACCEPTED,
    "suspended": AssignmentStatus.SUSPENDED,
    "cancelled": AssignmentStatus.CANCELLED,
}
# The verdict on a share's last (final) report, by outcome; earlier one-off reports were returned.
LAST_REVIEW_BY_OUTCOME = {
    "accepted": ReviewStatus.ACCEPTED,
    "submitted": ReviewStatus.PENDING,
    "failing": ReviewStatus.UNSATISFACTORY,
}
# Outcomes whose periodic share ends with a final report (period None), and how it was judged.
FINAL_REPORT_OUTCOMES = ("accepted", "submitted", "failing")
# The stories' dates, in working days from today: (deadline, registration before the deadline). The first and second
# checks fall at a third and two thirds of the way (workflows.checks.plan_dates): "third_check_due" has its third
# check two working days ago (in the queue) and its second twelve ago; "accountability_pending" its third ten ago;
# "first_check_failed" its first about seven ago (decided, notices not yet issued) and its second still to come.
STORY_DAYS = {"third_check_due": (-2, 30), "accountability_pending": (-10, 27), "first_check_failed": (13, 30)}
# What the stories' lead units do: nothing at all, or (first_check_failed) their first report only after check 1.
STORY_OUTCOMES = {"third_check_due": "silent", "accountability_pending": "silent", "first_check_failed": "in_progress"}
QUEUE_DAYS = 5  # checks opened in the last five working days (today included) wait in the supervisor's queue
HELD_DAYS = 7  # notices of checks held this many working days ago or later are still drafts (see CheckHandling)
LEADER_DECISION_DAYS = 10  # working days from a 提请追责's submission to the leader's decision
OVERRIDE_SHARE = 0.2  # the share of proposed 不合格 a supervisor overrides after seeing the unit in person


@dataclass
class UnitPlan:
    """A unit of the demo roster with its head and its one primary liaison."""

    code: str
    name: str
    kind: UnitKind
    leader_key: str
    head_name: str
    head_email: str
    phone: str
    liaison_name: str
    liaison_post: str
    employment: Employment
    liaison_phone: str
    mobile: str
    liaison_email: str
    since: date


@dataclass
class ReportPlan:
    """One feedback form a unit sends (a period's report, or the final one), and the supervisor's verdict on it."""

    submitted: datetime
    reviewed: datetime | None  # None: still waiting for review
    review: ReviewStatus
    percent: int
    period: str | None
    progress: str
    measures: str
    problems: str
    next_steps: str
    comment: str | None


@dataclass
class ExtensionPlan:
    """A 延期申请: when the unit asked, for which date, and (when decided) the supervisor's approval."""

    requested_at: datetime
    requested_deadline: date
    reason: str
    decided_at: datetime | None = None  # None: still waiting for the supervisor
    comment: str = ""


@dataclass
class AssignmentPlan:
    """What one unit did with its share of an item, and the status that leaves it in."""

    unit: str
    outcome: str
    status: AssignmentStatus
    acknowledged: datetime | None = None
    reports: list[ReportPlan] = field(default_factory=list)
    extension: ExtensionPlan | None = None
    story: str | None = None  # one of data.STORIES when this share tells it


@dataclass
class AnswerPlan:
    """The answer (答复) to the proposer or caller, and how satisfied they were."""

    at: datetime
    text: str
    satisfaction: Satisfaction


@dataclass
class ItemPlan:
    """One demo item's history: registered, assigned, worked on, and perhaps paused, cancelled or answered."""

    spec: data.DemoItem
    created: datetime
    assigned: datetime | None
    deadline: date
    rhythm: Rhythm
    assignments: list[AssignmentPlan]
    followup_at: datetime | None
    settled: datetime | None = None  # when it was suspended or cancelled
    answer: AnswerPlan | None = None


def plan_office(now: datetime, calendar: WorkCalendar | None = None) -> tuple[list[UnitPlan], list[ItemPlan]]:
    """The whole demo office (roster and items), planned from `random.Random(SEED)`, `now` and the calendar."""
    calendar = calendar or WorkCalendar()
    rng = random.Random(SEED)  # nosec B311
    units = plan_units(rng, china_date(now))
    items = [plan_item(rng, spec, now, calendar) for spec in data.ITEMS]
    plan_extensions(rng, items, now, calendar)
    return units, items


def plan_units(rng: random.Random, today: date) -> list[UnitPlan]:
    """The 40 affiliated units and 14 departments, each with a head and a primary liaison."""
    names = _unique_people(rng, 2 * (len(data.AFFILIATED_UNITS) + len(data.DEPARTMENTS)))
    rows = [(f"JZ{n:02d}", name, UnitKind.AFFILIATED, key) for n, (name, key) in enumerate(data.AFFILIATED_UNITS, 1)]
    rows += [(f"BB{n:02d}", name, UnitKind.DEPARTMENT, key) for n, (name, key) in enumerate(data.DEPARTMENTS, 1)]
    plans = []
    for (code, name, kind, leader_key), head, liaison in zip(rows, names[0::2], names[1::2], strict=True):
        domain = f"{code.lower()}.{EMAIL_DOMAIN}"
        posts = data.AFFILIATED_POSTS if kind == UnitKind.AFFILIATED else data.DEPARTMENT_POSTS
        plans.append(
            UnitPlan(
                code=code,
                name=name,
                kind=kind,
                leader_key=leader_key,
                head_name=head[0],
                head_email=f"{head[1]}@{domain}",
                phone=_office_phone(rng),
                liaison_name=liaison[0],
                liaison_post=rng.choice(posts),
                employment=Employment.FULL_TIME if rng.random() < 0.35 else Employment.PART_TIME,
                liaison_phone=_office_phone(rng),
                mobile=rng.choice(("13", "15", "18")) + f"{rng.randint(0, 999_999_999):09d}",
                liaison_email=f"{liaison[1]}@{domain}",
                since=today - timedelta(days=rng.randint(120, 3000)),
            )
        )
    return plans


def _unique_people(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` different (name, pinyin) pairs; pinyin too is unique so e-mail addresses never clash."""
    pairs = [(s + g, sp + gp) for s, sp in data.SURNAMES for g, gp in data.GIVEN_NAMES]
    rng.shuffle(pairs)
    seen, people = set(), []
    for name, pinyin in pairs:
        if pinyin not in seen:
            seen.add(pinyin)
            people.append((name, pinyin))
        if len(people) == count:
            return people
    raise ValueError("name pools too small")


def _office_phone(rng: random.Random) -> str:
    return f"0457-{rng.randint(2_100_000, 3_899_999)}"


def plan_item(rng: random.Random, spec: data.DemoItem, now: datetime, calendar: WorkCalendar) -> ItemPlan:
    """Dates, per-unit work and feedback of one item, told from its state relative to `now`."""
    today = china_date(now)
    rhythm = RHYTHM_BY_SOURCE.get(spec.source, Rhythm.ONE_OFF)
    created_day, deadline = _schedule(rng, spec.state, rhythm, today, calendar)
    if spec.story:
        to_deadline, span = STORY_DAYS[spec.story]
        deadline = calendar.add_working_days(today, to_deadline)
        created_day = calendar.add_working_days(deadline, -span)
    created = _office_time(rng, created_day, now)
    assigned = None if spec.state == "registered" else _clamp(created + timedelta(minutes=rng.randint(60, 300)), now)
    settled = None
    if spec.state in ("suspended", "cancelled"):
        day = _workday(calendar, min(created_day + timedelta(days=rng.randint(5, 20)), today), -1)
        settled = _later(rng, _office_time(rng, day, now), assigned, now)
    last_day = today - timedelta(days=1)  # the last day a unit's work (other than a fresh report) was done
    if spec.state == "closed":
        last_day = min(deadline, last_day)
    if settled is not None:
        last_day = china_date(settled) - timedelta(days=1)
    lead_choices, co_choices = OUTCOMES_BY_STATE[spec.state]
    shares = []
    for unit in (spec.lead, *spec.co):
        outcome = rng.choice(lead_choices if unit == spec.lead else co_choices)
        if rhythm != Rhythm.ONE_OFF and outcome == "assigned":
            outcome = "in_progress"  # periodic units all report their periods (the deadline is months away)
        story = spec.story if unit == spec.lead else None
        if story:
            outcome = STORY_OUTCOMES[story]
        share = AssignmentPlan(unit, outcome, STATUS_BY_OUTCOME[outcome], story=story)
        if story == "first_check_failed":  # the unit's first report comes after its first check
            first_check = plan_dates(china_date(assigned), deadline, rhythm, calendar)[0]
            after = _office_time(rng, calendar.add_working_days(first_check, 1), now)
            _plan_work(
                rng, share, spec.source, rhythm, assigned, deadline, last_day, now, calendar, reports_after=after
            )
        elif assigned is not None and outcome not in ("pending", "assigned", "cancelled") and not story:
            _plan_work(rng, share, spec.source, rhythm, assigned, deadline, last_day, now, calendar)
        if settled is not None:
            _stop_at(share, settled)
        shares.append(share)
    followup_at = None
    if spec.followup:
        start = assigned or created
        if spec.state == "overdue":  # the leader's follow-up remarks on the missed deadline
            start = _office_time(rng, calendar.next_workday(deadline + timedelta(days=1)), now)
        followup_at = _clamp(start + (now - start) * rng.uniform(0.3, 0.8), now).replace(second=0, microsecond=0)
    answer = None
    if spec.source in ANSWER_SOURCES and spec.state == "closed":
        # reception visits draw from their own generator, so the office's other stories stay as they were
        draw = _keyed_rng("answer", spec.title) if spec.source == ItemSource.RECEPTION_VISIT else rng
        done = max(r.reviewed for share in shares for r in share.reports if r.reviewed)
        day = calendar.add_working_days(china_date(done), draw.randint(0, 2))
        satisfaction = Satisfaction.SATISFIED if draw.random() < 0.75 else Satisfaction.BASICALLY
        answer = AnswerPlan(
            _later(draw, _office_time(draw, day, now), done, now), draw.choice(data.ANSWERS[spec.source]), satisfaction
        )
    return ItemPlan(spec, created, assigned, deadline, rhythm, shares, followup_at, settled, answer)


def _schedule(rng: random.Random, state: str, rhythm: Rhythm, today: date, calendar: WorkCalendar) -> tuple[date, date]:
    """The day an item was registered and its deadline; deadlines fall in the last 3 and next 2 months.

    Monthly items start early in a month, before its report day: the sweep's 月通报 of a month lists every open
    monthly item, and would count a unit assigned after that month's report day as not having reported.
    """
    periodic = rhythm != Rhythm.ONE_OFF
    if state == "registered":
        created, deadline = today - timedelta(days=rng.randint(0, 2)), today + timedelta(days=rng.randint(10, 60))
    elif state == "assigned":
        created, deadline = today - timedelta(days=rng.randint(1, 8)), today + timedelta(days=rng.randint(7, 45))
    elif periodic and state == "closed":
        created, deadline = today - timedelta(days=rng.randint(80, 88)), today - timedelta(days=rng.randint(3, 15))
    elif periodic and state == "overdue":
        created, deadline = today - timedelta(days=rng.randint(75, 88)), today - timedelta(days=rng.randint(2, 20))
    elif periodic:
        created, deadline = today - timedelta(days=rng.randint(75, 88)), today + timedelta(days=rng.randint(30, 60))
    elif state == "closed":
        created = today - timedelta(days=rng.randint(30, 88))
        deadline = created + timedelta(days=rng.randint(10, 45))
    elif state == "overdue":
        deadline = today - timedelta(days=rng.randint(2, 30))
        created = max(today - timedelta(days=HISTORY_DAYS - 2), deadline - timedelta(days=rng.randint(10, 35)))
    elif state == "review":
        created, deadline = today - timedelta(days=rng.randint(15, 70)), today + timedelta(days=rng.randint(0, 30))
    elif state in ("suspended", "cancelled"):
        created = today - timedelta(days=rng.randint(30, 80))
        deadline = created + timedelta(days=rng.randint(20, 60))
    else:
        created = today - timedelta(days=rng.randint(10, 80))
        deadline = today + timedelta(days=rng.choice((rng.randint(0, 6), rng.randint(7, 60))))
    if rhythm == Rhythm.MONTHLY:
        start = today - timedelta(days=HISTORY_DAYS - 2)
        first = date(start.year, start.month, 1)
        if first < start:
            first = date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)
        created = _random_day(rng, first, report_day(calendar, first.year, first.month) - timedelta(days=2))
    return _workday(calendar, created, -1), _workday(calendar, deadline, -1 if deadline < today else 1)


def _plan_work(
    rng,
    share: AssignmentPlan,
    source,
    rhythm,
    assigned: datetime,
    deadline: date,
    last_day: date,
    now,
    calendar,
    *,
    reports_after: datetime | None = None,
):
    """签收 and the reports of one share (one-off shares: none before `reports_after`, when given); a share that
    never reported (silent) never acknowledged either."""
    acknowledged = _later(
        rng, _office_time(rng, calendar.add_working_days(china_date(assigned), rng.randint(0, 2)), now), assigned, now
    )
    if rhythm == Rhythm.ONE_OFF:
        start = max(acknowledged, reports_after) if reports_after else acknowledged
        reports = []
        if source in SOURCES_UNDER_CHECKS:
            check_days = plan_dates(china_date(assigned), deadline, rhythm, calendar)[:2]
            reports = _check_reports(rng, source, share.outcome, start, check_days, last_day, now, calendar)
        start = max([start] + [r.reviewed or r.submitted for r in reports])
        reports += _one_off_reports(rng, source, share.outcome, start, last_day, now, calendar)
    else:
        reports = _periodic_reports(
            rng, source, rhythm, share.outcome, assigned, acknowledged, deadline, last_day, now, calendar
        )
    if share.outcome == "silent":
        if not reports:
            return
        share.status = AssignmentStatus.IN_PROGRESS
    share.acknowledged, share.reports = acknowledged, reports


def _stop_at(share: AssignmentPlan, settled: datetime) -> None:
    """Nothing is acknowledged, sent or reviewed on a share once its item is paused or cancelled."""
    if share.acknowledged is not None and share.acknowledged >= settled:
        share.acknowledged, share.reports = None, []
    share.reports = [report for report in share.reports if report.submitted < settled]
    for report in share.reports:
        if report.reviewed is not None and report.reviewed >= settled:
            report.reviewed, report.review, report.comment = None, ReviewStatus.PENDING, None


def _check_reports(
    rng, source, outcome: str, after: datetime, check_days: tuple, last_day: date, now, calendar
) -> list[ReportPlan]:
    """The reports a unit at work sends when asked before its first and second checks (in the few working days
    before each, mostly accepted); a silent or failing unit sends none, and now and then a unit misses one."""
    reports, cursor = [], after
    if outcome in ("silent", "failing"):
        return reports
    for number, day in enumerate(check_days, 1):
        start = max(china_date(cursor), calendar.add_working_days(day, -rules().check_request_days_before))
        end = calendar.add_working_days(day, -1)
        if end > last_day or start > end or rng.random() < MISSED_CHECK_REPORT:
            continue
        review = ReviewStatus.ACCEPTED if rng.random() < 0.85 else ReviewStatus.RETURNED
        percent = rng.randint(20, 40) if number == 1 else rng.randint(50, 75)
        report = _report(rng, source, _random_day(rng, start, end), cursor, percent, review, None, now, calendar)
        reports.append(report)
        cursor = report.reviewed or report.submitted
    return reports


def _one_off_reports(rng, source, outcome: str, after: datetime, last_day: date, now, calendar) -> list[ReportPlan]:
    """One or two forms, each after the review of the one before: earlier ones returned, the last as it ended."""
    today = china_date(now)
    start = china_date(after)
    count = rng.choice((1, 1, 2))
    if count == 2 and (last_day - start).days < 12:
        count = 1  # no time for a second round of review
    if outcome in ("silent", "suspended"):
        count -= 1  # the latest report never came
    reports, cursor = [], after
    for index in range(count):
        last = index == count - 1
        end = last_day if last else start + (max(last_day, start) - start) // 2
        day = _random_day(rng, start, end)
        if last and outcome == "submitted":  # the form waiting for review came in lately
            day = max(day, today - timedelta(days=rng.randint(0, 6)))
        review, percent = ReviewStatus.RETURNED, rng.randint(30, 80)
        if last:
            review = LAST_REVIEW_BY_OUTCOME.get(outcome, ReviewStatus.ACCEPTED)
            if outcome == "in_progress" and rng.random() < 0.3:
                review = ReviewStatus.RETURNED
            if outcome == "accepted" or (outcome == "submitted" and rng.random() < 0.6):
                percent = 100
        report = _report(rng, source, max(day, china_date(cursor)), cursor, percent, review, None, now, calendar)
        reports.append(report)
        cursor = report.reviewed or report.submitted
        start = china_date(cursor)
    return reports


def _periodic_reports(
    rng,
    source,
    rhythm,
    outcome: str,
    assigned: datetime,
    after: datetime,
    deadline: date,
    last_day: date,
    now,
    calendar,
) -> list[ReportPlan]:
    """A report for every period whose report day has passed, then — by outcome — the final report."""
    reports, cursor, percent = [], after, 0
    periods = due_periods(rhythm, china_date(assigned), deadline, calendar)
    periods = [(period, due) for period, due in periods if due <= last_day]
    for index, (period, due) in enumerate(periods):
        earliest = max(china_date(cursor), due - timedelta(days=7 if rhythm == Rhythm.MONTHLY else 10))
        day = calendar.next_workday(_random_day(rng, earliest, due))
        if rhythm == Rhythm.MONTHLY and rng.random() < LATE_MONTHLY_REPORT:
            day = calendar.add_working_days(due, rng.randint(1, 3))  # a laggard
        day = min(max(day, china_date(cursor)), last_day)
        percent = min(90, max(percent + 5, round(100 * (index + 1) / (len(periods) + 2)) + rng.randint(-5, 5)))
        report = _report(rng, source, day, cursor, percent, ReviewStatus.ACCEPTED, period, now, calendar)
        reports.append(report)
        cursor = report.submitted  # a period report need not wait for the review of the one before
    if outcome not in FINAL_REPORT_OUTCOMES:
        return reports
    review = LAST_REVIEW_BY_OUTCOME[outcome]
    # the final report comes once every period report was reviewed: reviewing a period report while the final one
    # waits would move the share from 待审核 back to 办理中, and an accepted share takes no more reviews
    cursor = max([cursor] + [r.reviewed for r in reports if r.reviewed])
    day = _random_day(rng, china_date(cursor), max(last_day, china_date(cursor)))
    if outcome == "submitted":
        day = max(day, china_date(now) - timedelta(days=rng.randint(0, 6)))
    final_percent = 100 if outcome != "failing" else max(percent, rng.randint(60, 85))
    reports.append(_report(rng, source, day, cursor, final_percent, review, None, now, calendar))
    return reports


def due_periods(rhythm: Rhythm, assigned_on: date, deadline: date, calendar: WorkCalendar) -> list[tuple[str, date]]:
    """(period, report day) of the periods a periodic share reports on, as workflows.periodic counts them."""
    periods, year, month = [], assigned_on.year, assigned_on.month
    while (year, month) <= (deadline.year, deadline.month):
        due = report_day(calendar, year, month)
        if assigned_on < due <= deadline:
            if rhythm == Rhythm.MONTHLY:
                periods.append((month_label(year, month), due))
            elif month in (1, 4, 7, 10):
                periods.append(
                    (quarter_label(year - 1, 4) if month == 1 else quarter_label(year, (month - 1) // 3), due)
                )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def _report(
    rng, source, day: date, after: datetime, percent: int, review: ReviewStatus, period, now, calendar
) -> ReportPlan:
    """One feedback form's text and times: sent on `day` after `after`, reviewed one or two working days later."""
    final = percent == 100
    submitted = _later(rng, _office_time(rng, day, now), after, now)
    comments = {
        ReviewStatus.ACCEPTED: data.ACCEPT_COMMENTS if final else data.INTERIM_ACCEPT_COMMENTS,
        ReviewStatus.RETURNED: data.RETURN_COMMENTS,
        ReviewStatus.UNSATISFACTORY: data.UNSATISFACTORY_COMMENTS,
    }
    reviewed = None
    if review != ReviewStatus.PENDING:
        review_day = calendar.add_working_days(china_date(submitted), rng.randint(1, 2))
        reviewed = _later(rng, _office_time(rng, review_day, now), submitted, now)
    return ReportPlan(
        submitted=submitted,
        reviewed=reviewed,
        review=review,
        percent=percent,
        period=period,
        progress=(
            data.FINAL_PROGRESS.get(source, data.DEFAULT_FINAL_PROGRESS)
            if final
            else rng.choice(data.INTERIM_PROGRESS).format(p=percent)
        ),
        measures=rng.choice(data.MEASURES),
        problems="无。" if final else rng.choice(data.PROBLEMS),
        next_steps=data.FINAL_NEXT_STEPS if final else rng.choice(data.NEXT_STEPS),
        comment=rng.choice(comments[review]) if review in comments else None,
    )


def plan_extensions(rng: random.Random, items: list[ItemPlan], now: datetime, calendar: WorkCalendar) -> None:
    """Two 延期申请 on shares still being worked on: one approved weeks ago, one waiting for the supervisor."""
    today = china_date(now)
    candidates = [
        share
        for plan in items
        if plan.spec.state == "progress" and plan.rhythm == Rhythm.ONE_OFF
        for share in plan.assignments
        if share.outcome == "in_progress" and share.acknowledged is not None and not share.story
    ]
    deadlines = {id(share): plan.deadline for plan in items for share in plan.assignments}
    rng.shuffle(candidates)
    approved = pending = None
    for share in candidates:
        deadline, first = deadlines[id(share)], china_date(share.acknowledged) + timedelta(days=1)
        if approved is None and first <= min(deadline, today) - timedelta(days=10):
            day = calendar.next_workday(_random_day(rng, first, min(deadline, today) - timedelta(days=10)))
            asked = _later(rng, _office_time(rng, day, now), share.acknowledged, now)
            decided = _later(rng, _office_time(rng, calendar.add_working_days(day, 1), now), asked, now)
            approved = share.extension = ExtensionPlan(
                requested_at=asked,
                requested_deadline=_workday(calendar, deadline + timedelta(days=rng.randint(14, 30)), 1),
                reason=rng.choice(data.EXTENSION_REASONS),
                decided_at=decided,
                comment=rng.choice(data.EXTENSION_APPROVALS),
            )
        elif pending is None:
            day = max(first, today - timedelta(days=rng.randint(1, 4)))
            pending = share.extension = ExtensionPlan(
                requested_at=_later(rng, _office_time(rng, day, now), share.acknowledged, now),
                requested_deadline=_workday(calendar, deadline + timedelta(days=rng.randint(10, 30)), 1),
                reason=rng.choice(data.EXTENSION_REASONS),
            )
        if approved and pending:
            return


@dataclass(frozen=True)
class CheckVerdict:
    """What the supervisor decides on one check: the verdict, its grounds and comment, and what they saw in person."""

    verdict: Verdict
    grounds: tuple[str, ...] = ()
    comment: str = ""
    in_person_note: str = ""


@dataclass(frozen=True)
class CheckHandling:
    """What the office does about the checks the sweep opens: when and how a supervisor decides them, when the
    notices the failures drafted are issued with the check day's 通报批评, and when a leader decides a 提请追责.

    Every choice is drawn from a generator seeded by SEED and what it is about (a day, a share's check), so the
    history comes out the same whatever order the replay asks in.
    """

    now: datetime
    queue_from: date  # checks opened on or after this day wait in the queue (待裁定督查)
    held_from: date  # the notices of checks held on or after this day are still drafts
    followed: frozenset[tuple[str, str]]  # (item title, unit) of the story shares: proposals followed, never overridden

    def decision_moment(self, opened_on: date, calendar: WorkCalendar) -> datetime | None:
        """When the supervisor decides the checks opened on `opened_on` (one to three working days later, in the
        morning); None while they are in this week's queue."""
        if opened_on >= self.queue_from:
            return None
        rng = _keyed_rng("decide", opened_on.isoformat())
        day = calendar.add_working_days(opened_on, rng.choice((1, 1, 2, 3)))
        return _at_or_none(day, rng.randint(9 * 60, 11 * 60 + 30), self.now)

    def verdict(
        self,
        share: tuple[str, str],
        number: int,
        proposal: Proposal,
        now_proposed: Proposal,
        *,
        reported_that_day: bool = False,
    ) -> CheckVerdict:
        """The verdict on check `number` of `share`, given the proposal made when the sweep opened the check, what
        the record proposes now, and whether an accepted report came in later on the check day itself: 待定 is
        decided on the report's review, 合格 is confirmed, and 不合格 is mostly confirmed (grounds from the report's
        words) but overridden when the report came in that day, and now and then after a visit (现场督查)."""
        rng = _keyed_rng("verdict", *share, str(number))
        if proposal.verdict == Verdict.FAIL and reported_that_day:
            return CheckVerdict(Verdict.PASS, comment=data.CHECK_SAME_DAY_COMMENT)
        if proposal.verdict == Verdict.PENDING:
            if now_proposed.verdict == Verdict.FAIL:
                return CheckVerdict(Verdict.FAIL, (now_proposed.ground,), rng.choice(data.CHECK_FAIL_COMMENTS[number]))
            return CheckVerdict(Verdict.PASS, comment=rng.choice(data.CHECK_PENDING_PASS_COMMENTS))
        if proposal.verdict == Verdict.PASS:
            return CheckVerdict(Verdict.PASS, comment=rng.choice(data.CHECK_PASS_COMMENTS))
        if share not in self.followed and rng.random() < OVERRIDE_SHARE:
            return CheckVerdict(
                Verdict.PASS,
                comment=rng.choice(data.CHECK_OVERRIDE_COMMENTS),
                in_person_note=rng.choice(data.CHECK_IN_PERSON_NOTES),
            )
        grounds = [proposal.ground or "未按时报送"]
        extra = rng.choice(data.CHECK_EXTRA_GROUNDS[number])
        if extra not in grounds and (share in self.followed or rng.random() < 0.5):
            grounds.append(extra)
        return CheckVerdict(Verdict.FAIL, tuple(grounds), rng.choice(data.CHECK_FAIL_COMMENTS[number]))

    def issue_moment(self, check_day: date, decided: datetime, calendar: WorkCalendar) -> datetime | None:
        """When the supervisor issues the notices drafted by the failures of `check_day`'s checks (and sends its
        通报批评): the working day after the verdicts; None for the latest check days, left as drafts."""
        if check_day >= self.held_from:
            return None
        rng = _keyed_rng("issue", check_day.isoformat())
        day = calendar.add_working_days(china_date(decided), 1)
        return _at_or_none(day, rng.randint(10 * 60, 16 * 60), self.now)

    def leader_decision(
        self, share: tuple[str, str], submitted: datetime, calendar: WorkCalendar
    ) -> tuple[datetime, bool, str] | None:
        """(when, agreed, comment) of the leader's decision on a 提请追责 submitted at `submitted`; None while it
        waits (those submitted in the last LEADER_DECISION_DAYS working days)."""
        rng = _keyed_rng("leader", *share)
        day = calendar.add_working_days(china_date(submitted), LEADER_DECISION_DAYS)
        moment = _at_or_none(day, rng.randint(14 * 60, 17 * 60), self.now)
        if moment is None:
            return None
        agreed = rng.random() < 0.75
        comment = rng.choice(data.ACCOUNTABILITY_AGREED if agreed else data.ACCOUNTABILITY_DECLINED)
        return moment, agreed, comment


def plan_check_handling(now: datetime, items: list[ItemPlan], calendar: WorkCalendar) -> CheckHandling:
    """The office's handling of the checks for a history ending at `now` (see CheckHandling and the stories)."""
    today = china_date(now)
    held_from = calendar.add_working_days(today, -HELD_DAYS)
    for plan in items:
        for share in plan.assignments:
            if share.story == "first_check_failed" and plan.assigned is not None:
                first_check = plan_dates(china_date(plan.assigned), plan.deadline, plan.rhythm, calendar)[0]
                held_from = min(held_from, first_check)
    return CheckHandling(
        now=now,
        queue_from=calendar.add_working_days(today, -(QUEUE_DAYS - 1)),
        held_from=held_from,
        followed=frozenset(
            (plan.spec.title, share.unit) for plan in items for share in plan.assignments if share.story
        ),
    )


def _keyed_rng(*key: str) -> random.Random:
    """A generator seeded by SEED and `key` (string seeds are hashed the same in every process)."""
    return random.Random(":".join((str(SEED), *key)))  # nosec B311


def _at_or_none(day: date, minutes: int, now: datetime) -> datetime | None:
    """`day` at `minutes` past midnight, China time, as aware UTC; None when that is not before `now`."""
    moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=CHINA).astimezone(UTC)
    return moment if moment < now else None


def _random_day(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end] (start when the range is empty)."""
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _workday(calendar: WorkCalendar, day: date, step: int) -> date:
    """The day itself when it is a working day, else the nearest working day in the direction of `step`."""
    while not calendar.is_workday(day):
        day += timedelta(days=step)
    return day


def _office_time(rng: random.Random, day: date, now: datetime) -> datetime:
    """A moment in office hours (China time) on `day`, as aware UTC, never later than `now`."""
    minutes = rng.randint(8 * 60 + 30, 17 * 60)
    moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=CHINA)
    return _clamp(moment.astimezone(UTC), now)


def _later(rng: random.Random, moment: datetime, after: datetime | None, now: datetime) -> datetime:
    """`moment`, or a little after `after` when it would not come later (never later than `now`)."""
    if after is not None and moment <= after:
        moment = after + timedelta(minutes=rng.randint(10, 90))
    return _clamp(moment, now)


def _clamp(moment: datetime, now: datetime) -> datetime:
    return min(_in_office_hours(moment), now.astimezone(UTC) - timedelta(minutes=1))


def _in_office_hours(moment: datetime) -> datetime:
    """`moment` when it falls in office hours (08:30–17:30 China time on a weekday), else the next such morning
    (a few minutes after 08:30, by how late it was): nobody in the demo signs a 批示 at 01:17."""
    local = moment.astimezone(CHINA)
    opening, closing = time(8, 30), time(17, 30)
    if local.weekday() < 5 and opening <= local.time() <= closing:
        return moment
    day = local.date() if local.time() < opening else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 30 + local.minute % 30), tzinfo=CHINA).astimezone(UTC)
