"""目标考核: each unit's measures and score for a year or a quarter, ranked per kind of unit; freezing (定稿) a period.

The score is the year's rules applied to what happened in the period: base + credits − deductions, each rule capped
where it says so. Every deduction names the record that caused it (a share, a report, a notice, a rung, an item);
credits for research articles name the article. The computation runs a fixed number of grouped queries whatever the
number of units or items (see QUERY_COUNT), and its result is plain JSON-able data, so a frozen period is stored and
shown exactly as it was computed.

What the measures count, for a period [first day, last day] in China time, judged as of `now`:
- assigned: shares assigned (交办) in the period; completed: shares accepted (办结) in the period, of which
  completed on time: accepted on or before their deadline; early: accepted before it.
- due: shares whose deadline fell in the period and has passed (not cancelled, suspended or never assigned);
  overdue: those not accepted by their deadline (a deduction each); on-time rate = (due − overdue) / due.
- average days to acknowledge (交办 → 签收) of the shares assigned, and to complete (交办 → 办结) of those completed.
- reports: the checks held in the period (their day passed, record opened); on time when the unit's report for that
  check was in by the check day. Checks passed / failed: the verdicts of the checks of the period.
- notices: 整改通知书 and 黄牌警告 issued in the period, 通报批评 (the unit named in a circular sent in the period),
  提请追责 the leadership decided to pursue (同意追责) in the period.
- satisfaction: answered items (proposals, calls …) the unit led, by the proposer's or caller's judgement.
- research: articles of the period concerning the unit that got a leader's instruction, were adopted or published.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, and_, case, cast, exists, extract, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from audit import record_step
from clock import CHINA, china_date
from models.assessment import RULE_DEFAULTS, AssessmentFreeze, AssessmentRule, RuleKind
from models.assignment import Assignment, AssignmentStatus
from models.check import CheckState, SupervisionCheck, Verdict
from models.escalation import AccountabilityDecision, Escalation
from models.feedback import Feedback, ReviewStatus
from models.item import Item, Satisfaction
from models.notice import Notice, NoticeKind, NoticeStatus
from models.periodic import Circular, CircularEntry, CircularKind, CircularStatus
from models.research import ResearchArticle, research_article_unit
from models.unit import Unit, UnitKind
from workflows.lifecycle import TransitionError, actor_name

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
FIRST_YEAR, LAST_YEAR = 2000, 2099


class PeriodError(ValueError):
    """A period that cannot be read (the message is the office's)."""


@dataclass(frozen=True)
class Period:
    """A year (2026) or one of its quarters (2026Q3)."""

    year: int
    quarter: int | None = None

    @property
    def key(self) -> str:
        """2026 or 2026Q3."""
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"

    @property
    def label(self) -> str:
        """2026年度 or 2026年第三季度."""
        return f"{self.year}年度" if self.quarter is None else f"{self.year}年{QUARTER_NAMES[self.quarter]}"

    @property
    def first(self) -> date:
        """The first day."""
        return date(self.year, 1 if self.quarter is None else 3 * self.quarter - 2, 1)

    @property
    def last(self) -> date:
        """The last day."""
        if self.quarter is None or self.quarter == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.quarter + 1, 1) - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """The period's first moment (China midnight), for timestamp columns."""
        return datetime.combine(self.first, time.min, CHINA)

    @property
    def end(self) -> datetime:
        """The moment after the period (China midnight of the next day)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, CHINA)


def parse_period(text) -> Period:
    """Read 2026 or 2026Q3 (also 2026q3); a Chinese message for anything else."""
    value = str(text or "").strip().upper()
    match = re.fullmatch(r"(\d{4})(?:Q([1-4]))?", value)
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise PeriodError(f"考核期“{str(text or '')[:20]}”无效，应为年度（如 2026）或季度（如 2026Q3）。")
    return Period(int(match[1]), int(match[2]) if match[2] else None)


# ----- the rules of a year ------------------------------------------------------------------------------------------
def rules_of_year(session: Session, year: int) -> list[AssessmentRule]:
    """The year's rules, in the order of RuleKind (empty when the year has none yet)."""
    order = {kind: n for n, kind in enumerate(RuleKind)}
    rules = session.scalars(select(AssessmentRule).where(AssessmentRule.year == year)).all()
    return sorted(rules, key=lambda r: order[RuleKind(r.kind)])


def frozen_periods_of_year(session: Session, year: int) -> list[str]:
    """The periods of a year whose result is frozen now."""
    return list(
        session.scalars(
            select(AssessmentFreeze.period)
            .where(AssessmentFreeze.year == year, AssessmentFreeze.unfrozen_at.is_(None))
            .order_by(AssessmentFreeze.period)
        )
    )


def check_rules_editable(session: Session, year: int) -> None:
    """Refuse a change to a year's rules while one of its periods is frozen: a published result is never rewritten."""
    frozen = frozen_periods_of_year(session, year)
    if frozen:
        names = "、".join(parse_period(p).label for p in frozen)
        raise TransitionError(f"{names}的考核结果已定稿，{year}年的评分规则不能修改；如确需修改，请先撤销定稿。")


def create_rules(session: Session, year: int, *, now: datetime) -> list[AssessmentRule]:
    """Give a year its rules: a copy of the latest earlier year's, or the defaults; kinds it lacks are added."""
    have = {RuleKind(r.kind) for r in rules_of_year(session, year)}
    earlier = session.scalar(select(func.max(AssessmentRule.year)).where(AssessmentRule.year < year))
    template = {RuleKind(r.kind): r for r in rules_of_year(session, earlier)} if earlier else {}
    for kind, default in RULE_DEFAULTS.items():
        if kind in have:
            continue
        source = template.get(kind)
        session.add(
            AssessmentRule(
                year=year,
                kind=kind,
                points=source.points if source else default.points,
                cap=source.cap if source else default.cap,
                active=source.active if source else default.active,
                note=source.note if source else None,
            )
        )
    session.flush()
    return rules_of_year(session, year)


def rule_rows(rules: list[AssessmentRule]) -> list[dict]:
    """The rules as stored with a result: kind, name, credit or deduction, points, cap, counted."""
    return [
        {
            "kind": RuleKind(r.kind).value,
            "label": RuleKind(r.kind).label,
            "sign": r.sign,
            "points": float(r.points or 0),
            "cap": float(r.cap) if r.cap is not None else None,
            "active": bool(r.active),
            "per": RULE_DEFAULTS[RuleKind(r.kind)].per,
            "note": r.note or "",
        }
        for r in rules
    ]


# ----- SQL helpers that read the same on SQLite and PostgreSQL -------------------------------------------------------
def _china_day(session: Session, column):
    """The China-time date of a UTC timestamp column."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, "+8 hours")
    return cast(func.timezone("Asia/Shanghai", column), Date)


def _days_between(session: Session, later, earlier):
    """later − earlier in days (fractional)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return extract("epoch", later - earlier) / 86400.0


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _in(column, period: Period):
    """A timestamp column inside the period."""
    return and_(column >= period.start, column < period.end)


# ----- the measures -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    """One column of the table: its key in a unit's measures, its heading, how it is shown."""

    key: str
    label: str
    kind: str = "count"  # count, rate (0..1), days, score


MEASURES = (
    Measure("assigned", "交办任务"),
    Measure("completed", "办结"),
    Measure("completed_on_time", "按时办结"),
    Measure("due", "到期任务"),
    Measure("overdue", "逾期"),
    Measure("on_time_rate", "按时办结率", "rate"),
    Measure("ack_days", "平均签收天数", "days"),
    Measure("done_days", "平均办结天数", "days"),
    Measure("reports_due", "应报送"),
    Measure("reports_on_time", "按时报送"),
    Measure("checks_passed", "督查合格"),
    Measure("checks_failed", "督查不合格"),
    Measure("returned_reports", "反馈退回"),
    Measure("rectification", "整改通知书"),
    Measure("criticism", "通报批评"),
    Measure("yellow_card", "黄牌警告"),
    Measure("accountability", "决定追责"),
    Measure("answered", "答复件数"),
    Measure("satisfied", "满意"),
    Measure("basically", "基本满意"),
    Measure("dissatisfied", "不满意"),
    Measure("satisfaction_rate", "满意率", "rate"),
    Measure("research", "调研文章（批示/采用/刊发）"),
    Measure("credits", "加分", "score"),
    Measure("deductions", "扣分", "score"),
    Measure("score", "得分", "score"),
)
COUNT_KEYS = [m.key for m in MEASURES if m.kind == "count"]
GROUPS = (UnitKind.AFFILIATED, UnitKind.DEPARTMENT)
QUERY_COUNT = 10  # the statements compute_assessment runs (with the rules), whatever the size of the office
QUERY_COUNT_WITH_RECORDS = QUERY_COUNT + 6  # … when it also reads the records behind the points


ALL_UNITS = "all"  # compute_assessment(records=ALL_UNITS): the records behind every unit's points (freezing)


def _record(kind: str, record_id: int, text: str) -> dict:
    return {"type": kind, "id": record_id, "text": text}


class _Tally:
    """What the queries found, per unit: counts, averages, how often each rule applies, and (when asked for, for one
    unit or for all) the records behind those occurrences."""

    def __init__(self, records_of):
        self.records_of = records_of  # None: counts only; ALL_UNITS; or one unit's id
        self.counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
        self.averages: dict[int, dict] = defaultdict(dict)
        self.hits: dict[int, dict[RuleKind, int]] = defaultdict(lambda: defaultdict(int))
        self.records: dict[int, dict[RuleKind, list]] = defaultdict(lambda: defaultdict(list))

    @property
    def wants_records(self) -> bool:
        return self.records_of is not None

    def only(self, unit_column):
        """The condition limiting a records query to the unit asked for (none for all units)."""
        return true() if self.records_of == ALL_UNITS else unit_column == self.records_of

    def hit(self, unit_id: int, kind: RuleKind, times) -> None:
        self.hits[unit_id][kind] += int(times or 0)

    def add(self, unit_id: int, kind: RuleKind, record: dict) -> None:
        self.records[unit_id][kind].append(record)


def _shares(session: Session, period: Period, today: date, tally: _Tally) -> None:
    """Shares assigned, completed (on time, early), due and overdue; average days; the overdue shares' records."""
    accepted_day = _china_day(session, Assignment.accepted_at)
    accepted = and_(Assignment.status == AssignmentStatus.ACCEPTED, _in(Assignment.accepted_at, period))
    last_judged = min(period.last, today - timedelta(days=1))
    due = and_(
        Assignment.deadline.between(period.first, last_judged),
        Assignment.status.not_in((AssignmentStatus.CANCELLED, AssignmentStatus.SUSPENDED, AssignmentStatus.PENDING)),
    )
    in_time = and_(Assignment.accepted_at.is_not(None), accepted_day <= Assignment.deadline)
    assigned = _in(Assignment.assigned_at, period)
    acked = and_(assigned, Assignment.acknowledged_at.is_not(None))
    touching = or_(
        assigned, _in(Assignment.accepted_at, period), Assignment.deadline.between(period.first, period.last)
    )
    # grouped by an expression, not the column: SQLite would otherwise walk the (unit, status) index for the grouping
    # and fetch every row from the table through it (3x slower at 200,000 shares)
    unit = (Assignment.unit_id + 0).label("unit")
    rows = session.execute(
        select(
            unit,
            _count(assigned),
            _count(accepted),
            _count(and_(accepted, accepted_day <= Assignment.deadline)),
            _count(and_(accepted, accepted_day < Assignment.deadline)),
            _count(due),
            _count(and_(due, ~in_time)),
            func.avg(case((acked, _days_between(session, Assignment.acknowledged_at, Assignment.assigned_at)))),
            func.avg(
                case(
                    (
                        and_(accepted, Assignment.assigned_at.is_not(None)),
                        _days_between(session, Assignment.accepted_at, Assignment.assigned_at),
                    )
                )
            ),
        )
        .where(touching, Assignment.status != AssignmentStatus.CANCELLED)
        .group_by(unit)
    ).all()
    for unit_id, n_assigned, n_done, n_on_time, n_early, n_due, n_overdue, ack, done in rows:
        counts = tally.counts[unit_id]
        counts.update(
            assigned=int(n_assigned or 0),
            completed=int(n_done or 0),
            completed_on_time=int(n_on_time or 0),
            due=int(n_due or 0),
            overdue=int(n_overdue or 0),
        )
        tally.averages[unit_id] = {"ack_days": ack, "done_days": done}
        tally.hit(unit_id, RuleKind.EARLY_COMPLETION, n_early)
        tally.hit(unit_id, RuleKind.OVERDUE_SHARE, n_overdue)
    if not tally.wants_records:
        return
    overdue = session.execute(
        select(Assignment.id, Assignment.unit_id, Assignment.deadline, Assignment.accepted_at, Item.number, Item.title)
        .join(Item, Item.id == Assignment.item_id)
        .where(due, ~in_time, tally.only(Assignment.unit_id))
        .order_by(Assignment.deadline, Assignment.id)
    ).all()
    for share_id, unit_id, deadline, accepted_at, number, title in overdue:
        state = f"{china_date(accepted_at)}办结" if accepted_at else "未办结"
        text = f"{number} {title}（完成时限 {deadline}，{state}）"
        tally.add(unit_id, RuleKind.OVERDUE_SHARE, _record("assignment", share_id, text))


def _checks(session: Session, period: Period, today: date, tally: _Tally) -> None:
    """Reports due and on time for the checks of the period, verdicts; the failed checks' records."""
    held = and_(
        SupervisionCheck.planned_on.between(period.first, min(period.last, today)),
        SupervisionCheck.state.in_((CheckState.DUE, CheckState.DECIDED)),
    )
    reported = exists().where(
        Feedback.assignment_id == SupervisionCheck.assignment_id,
        Feedback.check_round == SupervisionCheck.round,
        _china_day(session, Feedback.submitted_at) <= SupervisionCheck.planned_on,
    )
    decided = SupervisionCheck.state == CheckState.DECIDED
    failed = and_(held, decided, SupervisionCheck.verdict == Verdict.FAIL)
    rows = session.execute(
        select(
            Assignment.unit_id,
            func.count(),
            _count(reported),
            _count(and_(decided, SupervisionCheck.verdict == Verdict.PASS)),
            _count(and_(decided, SupervisionCheck.verdict == Verdict.FAIL)),
        )
        .select_from(SupervisionCheck)
        .join(Assignment, Assignment.id == SupervisionCheck.assignment_id)
        .where(held)
        .group_by(Assignment.unit_id)
    ).all()
    for unit_id, n_due, n_on_time, n_pass, n_fail in rows:
        tally.counts[unit_id].update(
            reports_due=int(n_due or 0),
            reports_on_time=int(n_on_time or 0),
            checks_passed=int(n_pass or 0),
            checks_failed=int(n_fail or 0),
        )
        tally.hit(unit_id, RuleKind.FAILED_CHECK, n_fail)
    if not tally.wants_records:
        return
    records = session.execute(
        select(
            SupervisionCheck.id, SupervisionCheck.round, SupervisionCheck.planned_on, Assignment.unit_id, Item.number
        )
        .join(Assignment, Assignment.id == SupervisionCheck.assignment_id)
        .join(Item, Item.id == Assignment.item_id)
        .where(failed, tally.only(Assignment.unit_id))
        .order_by(SupervisionCheck.planned_on, SupervisionCheck.id)
    ).all()
    for check_id, round_, planned_on, unit_id, number in records:
        text = f"{number} 第{'一二三'[round_ - 1]}次督查不合格（{planned_on}）"
        tally.add(unit_id, RuleKind.FAILED_CHECK, _record("check", check_id, text))


REPORT_RULES = {
    ReviewStatus.RETURNED: RuleKind.RETURNED_REPORT,
    ReviewStatus.UNSATISFACTORY: RuleKind.UNSATISFACTORY_REPORT,
}


def _reports(session: Session, period: Period, tally: _Tally) -> None:
    """Reports returned or judged unsatisfactory in the period: counts, and their records."""
    judged = and_(Feedback.review_status.in_(tuple(REPORT_RULES)), _in(Feedback.reviewed_at, period))
    rows = session.execute(
        select(Assignment.unit_id, Feedback.review_status, func.count())
        .select_from(Feedback)
        .join(Assignment, Assignment.id == Feedback.assignment_id)
        .where(judged)
        .group_by(Assignment.unit_id, Feedback.review_status)
    ).all()
    for unit_id, status, n in rows:
        tally.hit(unit_id, REPORT_RULES[ReviewStatus(status)], n)
        tally.counts[unit_id]["returned_reports"] += int(n)
    if not tally.wants_records:
        return
    records = session.execute(
        select(Feedback.id, Feedback.review_status, Feedback.reviewed_at, Assignment.unit_id, Item.number)
        .join(Assignment, Assignment.id == Feedback.assignment_id)
        .join(Item, Item.id == Assignment.item_id)
        .where(judged, tally.only(Assignment.unit_id))
        .order_by(Feedback.reviewed_at, Feedback.id)
    ).all()
    for feedback_id, status, reviewed_at, unit_id, number in records:
        status = ReviewStatus(status)
        text = f"{number} 反馈{status.label}（{china_date(reviewed_at)}）"
        tally.add(unit_id, REPORT_RULES[status], _record("feedback", feedback_id, text))


NOTICE_RULES = {NoticeKind.RECTIFICATION: RuleKind.RECTIFICATION, NoticeKind.YELLOW_CARD: RuleKind.YELLOW_CARD}


def _notices(session: Session, period: Period, tally: _Tally) -> None:
    """整改通知书 and 黄牌警告 issued, 通报批评 naming the unit, 提请追责 decided to pursue: counts and records."""
    issued = and_(
        Notice.kind.in_(tuple(NOTICE_RULES)),
        Notice.status == NoticeStatus.ISSUED,
        Notice.unit_id.is_not(None),
        _in(Notice.issued_at, period),
    )
    for unit_id, kind, n in session.execute(
        select(Notice.unit_id, Notice.kind, func.count()).where(issued).group_by(Notice.unit_id, Notice.kind)
    ):
        rule = NOTICE_RULES[NoticeKind(kind)]
        tally.hit(unit_id, rule, n)
        tally.counts[unit_id][rule.value] += int(n)
    named = session.execute(
        select(CircularEntry.unit_id, func.count())
        .join(Circular, Circular.id == CircularEntry.circular_id)
        .where(
            Circular.kind == CircularKind.CRITICISM,
            Circular.status == CircularStatus.SENT,
            _in(Circular.sent_at, period),
        )
        .group_by(CircularEntry.unit_id)
    ).all()
    for unit_id, n in named:
        tally.counts[unit_id]["criticism"] = int(n)
    pursued = and_(
        Escalation.level == 3,
        Escalation.decision == AccountabilityDecision.AGREED,
        _in(Escalation.decided_at, period),
    )
    for unit_id, n in session.execute(
        select(Assignment.unit_id, func.count())
        .select_from(Escalation)
        .join(Assignment, Assignment.id == Escalation.assignment_id)
        .where(pursued)
        .group_by(Assignment.unit_id)
    ):
        tally.hit(unit_id, RuleKind.ACCOUNTABILITY, n)
        tally.counts[unit_id]["accountability"] += int(n)
    if not tally.wants_records:
        return
    for notice_id, kind, number, issued_at, unit_id in session.execute(
        select(Notice.id, Notice.kind, Notice.number, Notice.issued_at, Notice.unit_id)
        .where(issued, tally.only(Notice.unit_id))
        .order_by(Notice.issued_at, Notice.id)
    ):
        kind = NoticeKind(kind)
        text = f"{number} {kind.label}（{china_date(issued_at)}）"
        tally.add(unit_id, NOTICE_RULES[kind], _record("notice", notice_id, text))
    for escalation_id, decided_at, unit_id, number in session.execute(
        select(Escalation.id, Escalation.decided_at, Assignment.unit_id, Item.number)
        .join(Assignment, Assignment.id == Escalation.assignment_id)
        .join(Item, Item.id == Assignment.item_id)
        .where(pursued, tally.only(Assignment.unit_id))
        .order_by(Escalation.decided_at, Escalation.id)
    ):
        text = f"{number} 提请追责，局领导决定追责（{china_date(decided_at)}）"
        tally.add(unit_id, RuleKind.ACCOUNTABILITY, _record("escalation", escalation_id, text))


def _satisfaction(session: Session, period: Period, tally: _Tally) -> None:
    """Answered items the unit led, by judgement; the unsatisfied ones' records."""
    rows = session.execute(
        select(Item.lead_unit_id, Item.satisfaction, func.count())
        .where(_in(Item.answered_at, period))
        .group_by(Item.lead_unit_id, Item.satisfaction)
    ).all()
    for unit_id, satisfaction, n in rows:
        counts = tally.counts[unit_id]
        counts["answered"] += int(n)
        if satisfaction is not None:
            counts[Satisfaction(satisfaction).value] += int(n)
            if Satisfaction(satisfaction) == Satisfaction.DISSATISFIED:
                tally.hit(unit_id, RuleKind.DISSATISFIED_ANSWER, n)
    if not tally.wants_records:
        return
    unhappy = session.execute(
        select(Item.id, Item.number, Item.title, Item.lead_unit_id)
        .where(
            _in(Item.answered_at, period),
            Item.satisfaction == Satisfaction.DISSATISFIED,
            tally.only(Item.lead_unit_id),
        )
        .order_by(Item.answered_at, Item.id)
    ).all()
    for item_id, number, title, unit_id in unhappy:
        tally.add(unit_id, RuleKind.DISSATISFIED_ANSWER, _record("item", item_id, f"{number} {title}（答复不满意）"))


def _research(session: Session, period: Period, tally: _Tally) -> None:
    """Articles of the period concerning each unit that a leader instructed on, that were adopted or published (few
    rows: read with their records)."""
    link = aliased(research_article_unit)
    rows = session.execute(
        select(
            link.c.unit_id,
            ResearchArticle.id,
            ResearchArticle.title,
            ResearchArticle.leader_instructed,
            ResearchArticle.adopted,
            ResearchArticle.published,
        )
        .join(link, link.c.article_id == ResearchArticle.id)
        .where(
            ResearchArticle.written_on.between(period.first, period.last),
            or_(ResearchArticle.leader_instructed, ResearchArticle.adopted, ResearchArticle.published),
        )
        .order_by(ResearchArticle.written_on, ResearchArticle.id)
    ).all()
    for unit_id, article_id, title, instructed, adopted, published in rows:
        tally.counts[unit_id]["research"] += 1
        for flag, kind, word in (
            (instructed, RuleKind.RESEARCH_INSTRUCTED, "获领导批示"),
            (adopted, RuleKind.RESEARCH_ADOPTED, "被采用"),
            (published, RuleKind.RESEARCH_PUBLISHED, "刊发"),
        ):
            if flag:
                tally.hit(unit_id, kind, 1)
                if tally.wants_records and (tally.records_of in (ALL_UNITS, unit_id)):
                    tally.add(unit_id, kind, _record("research", article_id, f"《{title}》{word}"))


def _days(value) -> float | None:
    """An average of days, to one decimal (a plain float: the result is stored as JSON)."""
    return round(float(value), 1) if value is not None else None


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _score(rules: list[dict], hits: dict, records: dict) -> tuple[float, float, float, list[dict], list[dict]]:
    """(base, credits, deductions, per-rule subtotals, the records behind them) of one unit under the rules."""
    base = credits = deductions = 0.0
    subtotals, entries = [], []
    for rule in rules:
        kind = RuleKind(rule["kind"])
        if kind == RuleKind.BASE:
            base = rule["points"] if rule["active"] else 0.0
            continue
        times = hits.get(kind, 0)
        if not rule["active"] or not times:
            continue
        total = times * rule["points"]
        if rule["cap"] is not None:
            total = min(total, rule["cap"])
        total = round(total, 2)
        if total == 0:
            continue
        subtotals.append({"kind": kind.value, "label": kind.label, "count": times, "points": total})
        if rule["sign"] > 0:
            credits += total
        else:
            deductions += total
        for record in records.get(kind, []):
            entries.append({"kind": kind.value, "label": kind.label, "sign": rule["sign"], **record})
    return base, round(credits, 2), round(deductions, 2), subtotals, entries


def _rank(rows: list[dict]) -> list[dict]:
    """Order by score (then on-time rate, then code) and give equal scores the same rank (1, 2, 2, 4)."""
    rows.sort(key=lambda r: (-r["score"], -(r["measures"]["on_time_rate"] or 0), r["code"]))
    for position, row in enumerate(rows, 1):
        tied = position > 1 and rows[position - 2]["score"] == row["score"]
        row["rank"] = rows[position - 2]["rank"] if tied else position
    return rows


def compute_assessment(session: Session, period: Period, *, now: datetime, rules=None, records=None) -> dict:
    """Every active unit's measures and score, ranked per kind of unit; with `records` (ALL_UNITS, or one unit's id)
    also the records behind that unit's (or every unit's) points, each deduction naming the record that caused it.

    `rules` defaults to the period's year's rules; a year without rules is refused (a supervisor creates them first).
    """
    rules = rule_rows(rules if rules is not None else rules_of_year(session, period.year))
    if not rules:
        raise TransitionError(f"{period.year}年尚未制定评分规则，请先建立本年度规则。")
    today = china_date(now)
    tally = _Tally(records)
    units = session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind).where(Unit.active.is_(True)).order_by(Unit.code)
    ).all()
    _shares(session, period, today, tally)
    _checks(session, period, today, tally)
    _reports(session, period, tally)
    _notices(session, period, tally)
    _satisfaction(session, period, tally)
    _research(session, period, tally)
    groups = {kind: [] for kind in GROUPS}
    for unit_id, code, name, kind in units:
        counts = dict(tally.counts[unit_id])
        averages = tally.averages.get(unit_id, {})
        base, credits, deductions, subtotals, entries = _score(rules, tally.hits[unit_id], tally.records[unit_id])
        measures = {
            **counts,
            "on_time_rate": _rate(counts["due"] - counts["overdue"], counts["due"]),
            "ack_days": _days(averages.get("ack_days")),
            "done_days": _days(averages.get("done_days")),
            "satisfaction_rate": _rate(
                counts["satisfied"] + counts["basically"],
                counts["satisfied"] + counts["basically"] + counts["dissatisfied"],
            ),
            "credits": credits,
            "deductions": deductions,
            "score": round(base + credits - deductions, 2),
        }
        groups[UnitKind(kind)].append(
            {
                "unit_id": unit_id,
                "code": code,
                "name": name,
                "base": base,
                "score": measures["score"],
                "measures": measures,
                "subtotals": subtotals,
                "entries": entries,
            }
        )
    return {
        "period": period.key,
        "label": period.label,
        "computed_at": now.isoformat(),
        "as_of": today.isoformat(),
        "records": "all" if records == ALL_UNITS else ("unit" if records is not None else "none"),
        "rules": rules,
        "groups": [{"kind": kind.value, "label": kind.label, "units": _rank(groups[kind])} for kind in GROUPS],
    }


def unit_row(result: dict, unit_id: int) -> tuple[dict, dict] | None:
    """(group, row) of one unit in a result, or None."""
    for group in result["groups"]:
        for row in group["units"]:
            if row["unit_id"] == unit_id:
                return group, row
    return None


# ----- freezing -----------------------------------------------------------------------------------------------------
def current_freeze(session: Session, period: Period) -> AssessmentFreeze | None:
    """The period's frozen result in force, if any."""
    return session.scalar(
        select(AssessmentFreeze).where(AssessmentFreeze.period == period.key, AssessmentFreeze.unfrozen_at.is_(None))
    )


def freeze(session: Session, period: Period, *, actor, now: datetime) -> AssessmentFreeze:
    """定稿: compute the period now and store the table as it is, with who froze it and when."""
    if current_freeze(session, period) is not None:
        raise TransitionError(f"{period.label}的考核结果已经定稿。")
    result = compute_assessment(session, period, now=now, records=ALL_UNITS)
    frozen = AssessmentFreeze(
        period=period.key,
        year=period.year,
        result=result,
        frozen_at=now,
        frozen_by_name=actor_name(actor),
        frozen_by_id=getattr(actor, "id", None),
    )
    session.add(frozen)
    session.flush()
    record_step(session, "定稿", frozen, f"{period.label}目标考核结果定稿", now=now)
    return frozen


def unfreeze(session: Session, period: Period, reason: str, *, actor, now: datetime) -> AssessmentFreeze:
    """撤销定稿, with a reason: the stored result stays as history, the period is computed live again."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("请填写撤销定稿的原因。")
    frozen = current_freeze(session, period)
    if frozen is None:
        raise TransitionError(f"{period.label}的考核结果尚未定稿。")
    frozen.unfrozen_at, frozen.unfrozen_by_name, frozen.unfreeze_reason = now, actor_name(actor), reason[:1000]
    session.flush()
    record_step(session, "撤销定稿", frozen, f"{period.label}：{reason[:200]}", now=now)
    return frozen


def shown_result(
    session: Session, period: Period, *, now: datetime, records=None
) -> tuple[dict, AssessmentFreeze | None]:
    """What the pages show: the frozen result as it was (with every unit's records), or the period computed now (with
    the records of `records`, see compute_assessment)."""
    frozen = current_freeze(session, period)
    if frozen is not None:
        return frozen.result, frozen
    return compute_assessment(session, period, now=now, records=records), None
