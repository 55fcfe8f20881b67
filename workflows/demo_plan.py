"""Planning the demo office: a pure function of a seeded random generator and `now`, so every run is the same."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from clock import CHINA, china_date
from models import AssignmentStatus, Employment, ItemSource, ReviewStatus, Rhythm, UnitKind
from workflows import demo_data as data

SEED = 2026
HISTORY_DAYS = 90  # items are spread over this many days before `now`
EMAIL_DOMAIN = "example.org"  # reserved for examples (RFC 2606): demo mail can never reach a real person

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
    "silent": AssignmentStatus.ASSIGNED,
    "in_progress": AssignmentStatus.IN_PROGRESS,
    "failing": AssignmentStatus.IN_PROGRESS,
    "submitted": AssignmentStatus.SUBMITTED,
    "accepted": AssignmentStatus.ACCEPTED,
    "suspended": AssignmentStatus.SUSPENDED,
    "cancelled": AssignmentStatus.CANCELLED,
}
LAST_REVIEW_BY_OUTCOME = {
    "accepted": ReviewStatus.ACCEPTED,
    "submitted": ReviewStatus.PENDING,
    "failing": ReviewStatus.UNSATISFACTORY,
}


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
    """One feedback form a unit sends, and the supervisor's verdict on it."""

    submitted: datetime
    reviewed: datetime | None
    review: ReviewStatus
    percent: int
    progress: str
    measures: str
    problems: str
    next_steps: str
    comment: str | None


@dataclass
class AssignmentPlan:
    """Where one unit's share of an item has got to."""

    unit: str
    status: AssignmentStatus
    escalation: int
    reports: list[ReportPlan] = field(default_factory=list)


@dataclass
class ItemPlan:
    """One demo item's history: when it was registered, assigned, reported on and settled."""

    spec: data.DemoItem
    created: datetime
    assigned: datetime | None
    deadline: date
    rhythm: Rhythm
    settled: datetime
    assignments: list[AssignmentPlan]
    followup_at: datetime | None
    checks: list[datetime] = field(default_factory=list)  # the checks that raised escalation to rung 1, 2


def plan_office(now: datetime) -> tuple[list[UnitPlan], list[ItemPlan]]:
    """The whole demo office (roster and items), planned from `random.Random(SEED)` and `now` alone."""
    rng = random.Random(SEED)
    units = plan_units(rng, china_date(now))
    return units, [plan_item(rng, spec, now) for spec in data.ITEMS]


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


def plan_item(rng: random.Random, spec: data.DemoItem, now: datetime) -> ItemPlan:
    """Dates, per-unit outcomes and feedback of one item, told from its state relative to `now`."""
    today = china_date(now)
    rhythm = RHYTHM_BY_SOURCE.get(spec.source, Rhythm.ONE_OFF)
    created_day, deadline = _schedule(rng, spec.state, rhythm != Rhythm.ONE_OFF, today)
    created = _office_time(rng, created_day, now)
    assigned = None if spec.state == "registered" else _clamp(created + timedelta(minutes=rng.randint(60, 300)), now)
    lead_choices, co_choices = OUTCOMES_BY_STATE[spec.state]
    assignments = []
    for unit in (spec.lead, *spec.co):
        outcome = rng.choice(lead_choices if unit == spec.lead else co_choices)
        days = _report_days(rng, outcome, created_day, deadline, rhythm, spec.state == "closed", today)
        reports = _plan_reports(rng, spec.source, outcome, days, periodic=rhythm != Rhythm.ONE_OFF, now=now)
        status = STATUS_BY_OUTCOME[outcome]
        if outcome == "silent" and reports:
            status = AssignmentStatus.IN_PROGRESS
        escalation = 0
        if outcome in ("silent", "failing"):
            late_days = (today - deadline).days
            escalation = 2 if unit == spec.lead and late_days >= 14 else 1
        assignments.append(AssignmentPlan(unit, status, escalation, reports))
    moments = [created, assigned] + [m for a in assignments for r in a.reports for m in (r.submitted, r.reviewed)]
    settled = max(m for m in moments if m is not None)
    if spec.state in ("suspended", "cancelled"):
        settled = _office_time(rng, min(created_day + timedelta(days=rng.randint(5, 20)), today), now)
    checks = []
    if spec.state == "overdue":  # the ladder climbs one rung per check after the deadline, never skipping one
        first = deadline + timedelta(days=rng.randint(1, 3))
        checks = [_office_time(rng, first, now), _office_time(rng, first + timedelta(days=rng.randint(7, 10)), now)]
        checks = checks[: max(share.escalation for share in assignments)]
        settled = max(settled, *checks)
    followup_at = None
    if spec.followup:
        start = checks[0] if checks else (assigned or created)
        followup_at = _clamp(start + (now - start) * rng.uniform(0.3, 0.8), now).replace(second=0, microsecond=0)
    return ItemPlan(spec, created, assigned, deadline, rhythm, settled, assignments, followup_at, checks)


def _schedule(rng: random.Random, state: str, periodic: bool, today: date) -> tuple[date, date]:
    """The day an item was registered and its deadline; deadlines fall in the last 3 and next 2 months."""
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
        deadline = today - timedelta(days=rng.randint(2, 40))
        created = max(today - timedelta(days=HISTORY_DAYS - 2), deadline - timedelta(days=rng.randint(10, 35)))
    elif state == "review":
        created, deadline = today - timedelta(days=rng.randint(15, 70)), today + timedelta(days=rng.randint(0, 30))
    elif state in ("suspended", "cancelled"):
        created = today - timedelta(days=rng.randint(30, 80))
        deadline = created + timedelta(days=rng.randint(20, 60))
    else:
        created = today - timedelta(days=rng.randint(10, 80))
        deadline = today + timedelta(days=rng.choice((rng.randint(0, 6), rng.randint(7, 60))))
    return _working_day(created, -1), _working_day(deadline, -1 if deadline < today else 1)


def _report_days(rng, outcome, created: date, deadline: date, rhythm: Rhythm, closed: bool, today: date) -> list[date]:
    """The days a unit sent feedback: each month's/quarter's report for periodic items, one or two otherwise."""
    start = created + timedelta(days=1)
    end = max(start, min(deadline, today - timedelta(days=1)) if closed else today - timedelta(days=1))
    if rhythm == Rhythm.ONE_OFF:
        days = sorted(start + timedelta(days=rng.randint(0, (end - start).days)) for _ in range(rng.choice((1, 1, 2))))
    else:
        days = _period_report_days(rng, rhythm, start, end) or [end]
        if closed and days[-1] < end:
            days.append(end)
    if outcome == "submitted":  # the form waiting for review came in lately
        days[-1] = max(days[-1], today - timedelta(days=rng.randint(0, 6)))
    weekdays = [_working_day(day, -1) for day in days]
    return [weekday if weekday >= start else day for day, weekday in zip(days, weekdays, strict=True)]


def _period_report_days(rng: random.Random, rhythm: Rhythm, start: date, end: date) -> list[date]:
    """Report days between start and end: before the 5th of each month, or early in each new quarter."""
    months = (1, 4, 7, 10) if rhythm == Rhythm.QUARTERLY else range(1, 13)
    days, year, month = [], start.year, start.month
    while date(year, month, 1) <= end:
        if month in months:
            day = date(year, month, rng.randint(1, 5 if rhythm == Rhythm.MONTHLY else 8))
            if start <= day <= end:
                days.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def _plan_reports(rng, source: ItemSource, outcome: str, days: list[date], *, periodic: bool, now) -> list[ReportPlan]:
    """The feedback forms behind an outcome: earlier ones accepted (periodic) or returned, the last as it ended."""
    if outcome in ("silent", "suspended"):
        days = days[:-1]  # the latest report never came
    if outcome in ("pending", "assigned", "cancelled") or not days:
        return []
    reports, percent = [], 0
    for index, day in enumerate(days):
        last = index == len(days) - 1
        if periodic:
            percent = min(95, max(percent + 5, round(100 * (index + 1) / (len(days) + 1)) + rng.randint(-5, 5)))
            review = ReviewStatus.ACCEPTED
        else:
            percent = rng.randint(30, 80)
            review = ReviewStatus.RETURNED
        if last:
            review = LAST_REVIEW_BY_OUTCOME.get(outcome, ReviewStatus.ACCEPTED)
            if outcome == "in_progress" and not periodic and rng.random() < 0.3:
                review = ReviewStatus.RETURNED
            if outcome == "accepted" or (outcome == "submitted" and not periodic):
                percent = 100 if outcome == "accepted" else rng.choice((100, 100, 90, 80))
        reports.append(_report(rng, source, day, percent, review, now))
    return reports


def _report(rng, source: ItemSource, day: date, percent: int, review: ReviewStatus, now: datetime) -> ReportPlan:
    """One feedback form's text and times."""
    final = percent == 100
    submitted = _office_time(rng, day, now)
    comments = {
        ReviewStatus.ACCEPTED: data.ACCEPT_COMMENTS if final else data.INTERIM_ACCEPT_COMMENTS,
        ReviewStatus.RETURNED: data.RETURN_COMMENTS,
        ReviewStatus.UNSATISFACTORY: data.UNSATISFACTORY_COMMENTS,
    }
    reviewed = None
    if review != ReviewStatus.PENDING:
        reviewed = max(submitted, _office_time(rng, _working_day(day + timedelta(days=rng.randint(1, 2)), 1), now))
    return ReportPlan(
        submitted=submitted,
        reviewed=reviewed,
        review=review,
        percent=percent,
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


def _working_day(day: date, step: int) -> date:
    """The day itself when it is Monday–Friday, else the nearest weekday in the direction of `step`."""
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def _office_time(rng: random.Random, day: date, now: datetime) -> datetime:
    """A moment in office hours (China time) on `day`, as aware UTC, never later than `now`."""
    minutes = rng.randint(8 * 60 + 30, 17 * 60)
    moment = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=CHINA)
    return _clamp(moment.astimezone(UTC), now)


def _clamp(moment: datetime, now: datetime) -> datetime:
    return min(moment, now.astimezone(UTC) - timedelta(minutes=1))
