"""The demo office (`flask seed-demo`): leaders, 54 units and their liaisons, ~60 items at every stage, demo accounts.

Each item's planned history (demo.plan) is replayed through the real workflows at the planned moments:
registration, 交办 with its numbered 督查通知单, 签收, feedback and its review, 延期申请, 暂停 and 撤销, and the answer
to a proposer or caller. In a fresh office the sweep is replayed too, every morning of those three months, so the
reminders, the three checks' requests and records, the periodic cycles and the monthly circulars are exactly what
the rules make of that history; and what people do about the checks is replayed on top (demo.plan.CheckHandling):
the supervisor's verdicts on the checks the sweep opened, the 整改通知书, 黄牌警告 and 提请追责 they drafted issued
with each check day's 通报批评, and the leaders' decisions on the 提请追责 — leaving this week's checks in the
queue and the latest notices as drafts. The e-mail of the past is marked as sent, and every open share is left for
the next sweep to look at. Nothing here reads the clock: everything happens at `now` or at moments planned from it.
"""

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from functools import partial

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from clock import CHINA, china_date
from demo import data
from demo.in_charge import hand_out_departments
from demo.inspections import record_demo_inspection
from demo.plan import (
    EMAIL_DOMAIN,
    HISTORY_DAYS,
    AssignmentPlan,
    CheckHandling,
    ItemPlan,
    ReportPlan,
    UnitPlan,
    plan_check_handling,
    plan_office,
)
from demo.research import seed_research
from demo.roster import bounce_one_address, tend_roster
from demo.sources import add_source_history
from models import (
    Assignment,
    AuditEvent,
    BureauLeader,
    CheckState,
    Circular,
    CircularEntry,
    CircularKind,
    CircularStatus,
    Escalation,
    Feedback,
    Instruction,
    Item,
    ItemStatus,
    Liaison,
    Notice,
    NoticeStatus,
    OutboxMessage,
    OutboxStatus,
    ReviewStatus,
    Role,
    SupervisionCheck,
    Unit,
    User,
)
from models.item import under_checks_by_default
from workdays import WorkCalendar
from workflows.accounts import create_user, find_user, generate_password
from workflows.checks import Proposal, decide_check, propose
from workflows.circulars import send_circular
from workflows.deadlines import deadline_end
from workflows.feedback import FeedbackInput, acknowledge, decide_extension, request_extension, review_feedback
from workflows.feedback import submit_feedback as submit_feedback_form
from workflows.items import save_item
from workflows.lifecycle import assign_item, cancel_item, needs_sweep, record_answer, suspend_item
from workflows.roster import save_liaison
from workflows.sanctions import decide_accountability, issue_draft
from workflows.sweep import run_sweep

COUNT_KEYS = (
    "leaders",
    "units",
    "liaisons",
    "users",
    "items",
    "assignments",
    "feedbacks",
    "instructions",
    "notices",
    "sweeps",
)
SWEEP_TIME = time(8, 0)  # China time: the replayed sweep runs every morning as the office opens
SWEEP_ACTOR = "系统（自动督办）"
_UNSET = object()


def seed_demo(session: Session, *, now: datetime) -> dict:
    """Create whatever of the demo office is missing; returns counts of what was created and the new accounts.

    The sweep is replayed only when the office had no item before (a fresh demo): it would otherwise act, at past
    moments, on items that are not the demo's. Re-created demo items in an office with items are caught up by the
    next real sweep instead, as after downtime.
    """
    calendar = WorkCalendar.load(session)
    units_plan, items_plan = plan_office(now, calendar)
    counts = dict.fromkeys(COUNT_KEYS, 0)
    last_message = session.scalar(select(func.max(OutboxMessage.id))) or 0
    last_event = session.scalar(select(func.max(AuditEvent.id))) or 0
    notices_before = session.scalar(select(func.count(Notice.id)))
    fresh = session.scalar(select(Item.id).limit(1)) is None
    roster_moment = now - timedelta(days=HISTORY_DAYS + 1)
    with _happening_at(session, roster_moment):
        leaders = _ensure_leaders(session, counts)
        units = _ensure_units(session, units_plan, leaders, counts)
        _ensure_liaisons(session, units_plan, units, counts, now=roster_moment)
        accounts = _ensure_accounts(session, units_plan, leaders, counts, now=roster_moment)
        hand_out_departments(session, units.values(), find_user(session, data.DEPARTMENTS_SUPERVISOR_ACCOUNT[0]))
    existing_titles = set(session.scalars(select(Item.title).where(Item.title.in_([s.title for s in data.ITEMS]))))
    missing = [plan for plan in items_plan if plan.spec.title not in existing_titles]
    if missing:
        handling = plan_check_handling(now, items_plan, calendar)
        replay = _Replay(session, units, leaders, units_plan, calendar, counts, handling, now=now)
        for plan in missing:
            replay.add_item(plan)
        add_source_history(replay, missing)
        first_assigned = min((china_date(plan.assigned) for plan in missing if plan.assigned), default=None)
        if fresh and first_assigned is not None:
            replay.add_daily_sweeps(first_assigned)
        replay.run()
        for item in replay.items.values():
            for assignment in item.assignments:
                needs_sweep(assignment, now)  # the first real sweep looks at every open share
        session.flush()
        if fresh:
            tend_roster(
                session,
                random.Random(HISTORY_DAYS),  # nosec B311
                now=now,
                supervisor=find_user(session, data.SUPERVISOR_ACCOUNT[0]),
            )
        if fresh:
            visit = now - timedelta(days=30)
            with _happening_at(session, visit, replay.supervisor):
                record_demo_inspection(session, leaders, units, replay.items, now=visit)
        _mark_sent(session, after_id=last_message)
        if fresh:
            bounce_one_address(session, random.Random(HISTORY_DAYS))  # nosec B311
        seed_research(session, now=now)
        _history_in_time_order(session, after_id=last_event)
    counts["notices"] = session.scalar(select(func.count(Notice.id))) - notices_before
    return {**counts, "accounts": accounts}


def _history_in_time_order(session: Session, *, after_id: int) -> None:
    """Renumber the demo's audit events (those after `after_id`) in the order of their moments: the roster's history
    is written after the items' replay, and the trail is read in the order of its numbers."""
    events = session.execute(
        select(AuditEvent.id, AuditEvent.at).where(AuditEvent.id > after_id).order_by(AuditEvent.id)
    ).all()
    ids = [event.id for event in events]
    wanted = [event.id for event in sorted(events, key=lambda e: (e.at, e.id))]
    moves = [{"old": -old_id, "new": new_id} for new_id, old_id in zip(ids, wanted, strict=True) if new_id != old_id]
    if not moves:
        return
    session.flush()
    table = AuditEvent.__table__
    connection = session.connection()
    connection.execute(table.update().where(table.c.id > after_id).values(id=-table.c.id))
    # one statement executed for every moved event (executemany), then those that keep their number
    connection.execute(table.update().where(table.c.id == bindparam("old")).values(id=bindparam("new")), moves)
    connection.execute(table.update().where(table.c.id < 0).values(id=-table.c.id))
    session.expire_all()


def office_is_empty(session: Session) -> bool:
    """True when the database holds no unit and no item yet (a fresh install, where a demo cannot get in the way)."""
    return session.scalar(select(Unit.id).limit(1)) is None and session.scalar(select(Item.id).limit(1)) is None


@contextmanager
def _happening_at(session: Session, moment: datetime, actor=_UNSET) -> Iterator[None]:
    """Changes made inside are flushed as if at `moment` (and by `actor`, when given), so timestamps and the audit
    trail show a history; the session's own time and actor are restored afterwards."""
    saved = {key: session.info.get(key) for key in ("now", "actor")}
    session.info["now"] = moment
    if actor is not _UNSET:
        session.info["actor"] = actor
    try:
        yield
        session.flush()
    finally:
        for key, value in saved.items():
            if value is None:
                session.info.pop(key, None)
            else:
                session.info[key] = value


def _mark_sent(session: Session, *, after_id: int) -> None:
    """The history's e-mail went out when it was written: mark this run's queued messages sent at their creation."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > after_id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENT, sent_at=OutboxMessage.created_at, attempts=1)
        .execution_options(synchronize_session="fetch")
    )


def _ensure_leaders(session: Session, counts: dict) -> dict[str, BureauLeader]:
    """The bureau leaders by their key in the data, created when no leader of that name exists."""
    existing = {leader.name: leader for leader in session.scalars(select(BureauLeader))}
    leaders = {}
    for key, name, title, email, escalations, order in data.LEADERS:
        leader = existing.get(name)
        if leader is None:
            leader = BureauLeader(
                name=name,
                title=title,
                email=f"{email}@{EMAIL_DOMAIN}",
                receives_escalations=escalations,
                sort_order=order,
                active=True,
            )
            session.add(leader)
            counts["leaders"] += 1
        leaders[key] = leader
    return leaders


def _ensure_units(session: Session, plans: list[UnitPlan], leaders: dict, counts: dict) -> dict[str, Unit]:
    """The units by their demo name, created when neither the code nor the name is taken."""
    existing = list(session.scalars(select(Unit)))
    by_code, by_name = {u.code: u for u in existing}, {u.name: u for u in existing}
    units = {}
    for plan in plans:
        unit = by_code.get(plan.code) or by_name.get(plan.name)
        if unit is None:
            unit = Unit(
                code=plan.code,
                name=plan.name,
                kind=plan.kind,
                head_name=plan.head_name,
                head_email=plan.head_email,
                leader_in_charge=leaders[plan.leader_key],
                office_email=f"office@{plan.code.lower()}.{EMAIL_DOMAIN}",
                phone=plan.phone,
                active=True,
            )
            session.add(unit)
            counts["units"] += 1
        units[plan.name] = unit
    session.flush()
    return units


def _ensure_liaisons(session: Session, plans: list[UnitPlan], units: dict, counts: dict, *, now) -> None:
    """One primary liaison per unit (with its tenure since `since`), unless a liaison with that e-mail exists; never
    a second active primary."""
    known = set(session.scalars(select(func.lower(Liaison.email)).where(Liaison.email.is_not(None))))
    with_primary = set(session.scalars(select(Liaison.unit_id).where(Liaison.is_primary, Liaison.active)))
    for plan in plans:
        if plan.liaison_email.lower() in known:
            continue
        unit = units[plan.name]
        liaison = Liaison(
            unit=unit,
            name=plan.liaison_name,
            post=plan.liaison_post,
            employment=plan.employment,
            office_phone=plan.liaison_phone,
            mobile=plan.mobile,
            email=plan.liaison_email,
            active=True,
            is_primary=unit.id not in with_primary,
            since=plan.since,
        )
        save_liaison(session, liaison, now=now)
        counts["liaisons"] += 1


def _account(account: tuple[str, str, str]) -> tuple:
    """(username, role, name, e-mail) of a demo supervisor account."""
    username, name, email = account
    return username, Role.SUPERVISOR, name, email


def _ensure_accounts(session: Session, plans: list[UnitPlan], leaders: dict, counts: dict, *, now) -> list[dict]:
    """The supervisor, leader and liaison demo accounts that do not exist yet, with their new passwords."""
    leader = leaders[data.LEADER_ACCOUNT[1]]
    liaison = next(plan for plan in plans if plan.code == data.LIAISON_ACCOUNT[1])
    wanted = (
        (data.SUPERVISOR_ACCOUNT[0], Role.SUPERVISOR, data.SUPERVISOR_ACCOUNT[1], data.SUPERVISOR_ACCOUNT[2], None),
        (*_account(data.DEPARTMENTS_SUPERVISOR_ACCOUNT), None),
        (data.LEADER_ACCOUNT[0], Role.LEADER, leader.name, leader.email, None),
        (data.LIAISON_ACCOUNT[0], Role.LIAISON, liaison.liaison_name, liaison.liaison_email, liaison.code),
    )
    accounts = []
    for username, role, name, email, unit_code in wanted:
        if find_user(session, username) is not None:
            continue
        password = generate_password()
        user = create_user(session, username, password, role=role, display_name=name, unit_code=unit_code, now=now)
        user.email = email
        user.must_change_password = True  # a generated password: asked to change it once, at first sign-in
        if role == Role.LEADER:
            user.leader = leader
        accounts.append({"username": username, "role": role.label, "display_name": name, "password": password})
        counts["users"] += 1
    return accounts


class _Replay:
    """The demo's history as one timeline of steps (people's actions and the morning sweeps), run in order."""

    def __init__(
        self,
        session: Session,
        units: dict,
        leaders: dict,
        units_plan: list,
        calendar,
        counts,
        handling: CheckHandling,
        *,
        now,
    ):
        self.session, self.units, self.leaders = session, units, leaders
        self.calendar, self.counts, self.now = calendar, counts, now
        self.handling = handling
        self.supervisor: User | None = find_user(session, data.SUPERVISOR_ACCOUNT[0])
        self.liaison_account: User | None = find_user(session, data.LIAISON_ACCOUNT[0])
        # the leader who decides the 提请追责: the demo's leader account, or (when that username was taken) by name
        self.leader = find_user(session, data.LEADER_ACCOUNT[0]) or leaders[data.LEADER_ACCOUNT[1]].name
        self.contacts = {plan.name: (plan.liaison_name, plan.mobile) for plan in units_plan}
        self.items: dict[str, Item] = {}
        self.assignments: dict[tuple[str, str], Assignment] = {}
        self.circulars_planned: set[int] = set()
        self.checks_planned: set[int] = set()
        self._queue: list = []
        self._order = itertools.count()

    def at(self, moment: datetime, actor, step: Callable[[datetime], object], *, first: bool = False) -> None:
        """Plan `step(moment)` on the timeline, done by `actor`; `first` puts it before people's steps then."""
        heapq.heappush(self._queue, (moment, 0 if first else 1, next(self._order), actor, step))

    def run(self) -> None:
        """Do every step in the order of its moment (and of planning, for steps of the same moment)."""
        while self._queue:
            moment, _, _, actor, step = heapq.heappop(self._queue)
            with _happening_at(self.session, moment, actor):
                step(moment)

    # --- people's steps ---------------------------------------------------------------------------------------

    def add_item(self, plan: ItemPlan) -> None:
        """Plan every step of one item's history."""
        spec, supervisor = plan.spec, self.supervisor
        self.at(plan.created, supervisor, partial(self._register, plan))
        if plan.assigned:
            self.at(plan.assigned, supervisor, self._on_item(spec.title, assign_item))
        for share in plan.assignments:
            self._add_share(plan, share)
        if spec.followup:
            self.at(plan.followup_at, supervisor, partial(self._instruct, plan))
        if plan.settled:
            settle = suspend_item if spec.state == "suspended" else cancel_item
            self.at(plan.settled, supervisor, self._on_item(spec.title, settle, spec.reason))
        if plan.answer:
            answer = plan.answer
            step = self._on_item(spec.title, record_answer, answer.text, answer.satisfaction.value)
            self.at(answer.at, supervisor, step)

    def _on_item(self, title: str, workflow: Callable, *args) -> Callable[[datetime], None]:
        """A step doing `workflow(session, item, *args, actor=supervisor, now=moment)` on the item titled `title`."""

        def step(moment: datetime) -> None:
            workflow(self.session, self.items[title], *args, actor=self.supervisor, now=moment)

        return step

    def _add_share(self, plan: ItemPlan, share: AssignmentPlan) -> None:
        key = (plan.spec.title, share.unit)
        name, _ = self.contacts[share.unit]
        unit_actor = f"{name}（{share.unit}）"
        if share.acknowledged:
            self.at(share.acknowledged, unit_actor, partial(self._acknowledge, key, name))
        feedbacks: dict[int, Feedback] = {}
        for index, report in enumerate(share.reports):
            self.at(report.submitted, unit_actor, partial(self._submit, key, report, feedbacks, index))
            if report.reviewed:
                self.at(report.reviewed, self.supervisor, partial(self._review, report, feedbacks, index))
        extension = share.extension
        if extension:
            requests = {}
            self.at(extension.requested_at, unit_actor, partial(self._request_extension, key, extension, requests))
            if extension.decided_at:
                self.at(extension.decided_at, self.supervisor, partial(self._approve_extension, extension, requests))

    def _register(self, plan: ItemPlan, moment: datetime) -> None:
        spec = plan.spec
        lead = self.units[spec.lead]
        item = Item(
            title=spec.title,
            content=spec.content,
            source=spec.source,
            ordering_leader=self.leaders.get(spec.ordered_by),
            instruction=spec.instruction,
            responsible_leader=lead.leader_in_charge,
            lead_unit=lead,
            responsible_person=lead.head_name,
            deadline=plan.deadline,
            rhythm=plan.rhythm,
            three_checks=under_checks_by_default(spec.source),  # as the item form proposes it
            status=ItemStatus.REGISTERED,
        )
        save_item(self.session, item, [self.units[name] for name in spec.co], actor=self.supervisor, now=moment)
        self.items[spec.title] = item
        for assignment in item.assignments:
            self.assignments[(spec.title, assignment.unit.name)] = assignment
        self.counts["items"] += 1
        self.counts["assignments"] += len(item.assignments)

    def _instruct(self, plan: ItemPlan, moment: datetime) -> None:
        leader_key, text = plan.spec.followup
        author_id = self.supervisor.id if self.supervisor else None
        instruction = Instruction(
            item=self.items[plan.spec.title], leader=self.leaders[leader_key], author_id=author_id, text=text
        )
        self.session.add(instruction)
        self.counts["instructions"] += 1

    def _acknowledge(self, key: tuple[str, str], name: str, moment: datetime) -> None:
        acknowledge(self.session, self.assignments[key], name, now=moment)

    def _submit(self, key, report: ReportPlan, feedbacks: dict, index: int, moment: datetime) -> None:
        assignment = self.assignments[key]
        name, phone = self.contacts[key[1]]
        account = self.liaison_account
        form = FeedbackInput(
            progress=report.progress,
            measures=report.measures,
            problems=report.problems,
            next_steps=report.next_steps,
            percent_complete=report.percent,
            contact_name=name,
            contact_phone=phone,
            period=report.period,
        )
        feedbacks[index] = submit_feedback_form(
            self.session,
            assignment,
            form,
            [],
            by_name=name,
            user=account if account is not None and account.unit_id == assignment.unit_id else None,
            now=moment,
        )
        self.counts["feedbacks"] += 1

    def _review(self, report: ReportPlan, feedbacks: dict, index: int, moment: datetime) -> None:
        review_feedback(
            self.session, feedbacks[index], report.review, report.comment or "", actor=self.supervisor, now=moment
        )

    def _request_extension(self, key, extension, requests: dict, moment: datetime) -> None:
        name, _ = self.contacts[key[1]]
        requests["request"] = request_extension(
            self.session,
            self.assignments[key],
            extension.requested_deadline,
            extension.reason,
            by_name=name,
            now=moment,
        )

    def _approve_extension(self, extension, requests: dict, moment: datetime) -> None:
        decide_extension(self.session, requests["request"], True, extension.comment, actor=self.supervisor, now=moment)

    # --- the sweep --------------------------------------------------------------------------------------------

    def add_daily_sweeps(self, first_day) -> None:
        """The sweep at 08:00 every day from the first 交办 up to `now` (today's too, when 07:00 has passed)."""
        day = first_day
        while True:
            moment = datetime.combine(day, SWEEP_TIME, tzinfo=CHINA).astimezone(UTC)
            if moment >= self.now:
                return
            self.at(moment, SWEEP_ACTOR, self._sweep, first=True)
            day += timedelta(days=1)

    def _sweep(self, moment: datetime) -> None:
        run_sweep(self.session, now=moment)
        self.counts["sweeps"] += 1
        self._plan_verdicts(moment)
        drafts = self.session.scalars(
            select(Circular).where(Circular.status == CircularStatus.DRAFT, Circular.kind == CircularKind.MONTHLY)
        ).all()
        for circular in drafts:
            if circular.id in self.circulars_planned:
                continue
            self.circulars_planned.add(circular.id)
            send_day = self.calendar.add_working_days(china_date(moment), 1)
            sending = datetime.combine(send_day, time(10, 0), tzinfo=CHINA).astimezone(UTC)
            if sending < self.now:  # the supervisor edits the draft and sends it the next working day
                self.at(sending, self.supervisor, partial(self._send_circular, circular))

    def _send_circular(self, circular: Circular, moment: datetime) -> None:
        send_circular(self.session, circular, actor=self.supervisor, now=moment)

    # --- the three checks: verdicts, notices, the leaders' decisions -------------------------------------------

    def _plan_verdicts(self, moment: datetime) -> None:
        """Plan the supervisor's verdicts on the checks this sweep opened (none for this week's: they wait)."""
        opened = self.session.scalars(
            select(SupervisionCheck.id).where(SupervisionCheck.state == CheckState.DUE).order_by(SupervisionCheck.id)
        ).all()
        new = [check_id for check_id in opened if check_id not in self.checks_planned]
        self.checks_planned.update(new)
        deciding = self.handling.decision_moment(china_date(moment), self.calendar) if new else None
        if deciding is not None:
            self.at(deciding, self.supervisor, partial(self._decide, new))

    def _decide(self, check_ids: list[int], moment: datetime) -> None:
        """The supervisor goes through the checks opened on one day, each share's in order, and gives the verdicts;
        the notices the failures drafted are issued the next working day (but for the latest check days)."""
        checks = self.session.scalars(select(SupervisionCheck).where(SupervisionCheck.id.in_(check_ids))).all()
        climbed: dict = {}
        for check in sorted(checks, key=lambda c: (c.assignment_id, c.round)):
            if check.state != CheckState.DUE:
                continue
            assignment = check.assignment
            if any(c.round < check.round and c.state == CheckState.DUE for c in assignment.checks):
                continue  # the share's earlier check is still waiting: a person decides them in order
            share = (assignment.item.title, assignment.unit.name)
            proposal = Proposal(check.proposed, check.proposed_ground)
            that_day = deadline_end(check.planned_on)
            reported_that_day = any(
                check.opened_at < f.submitted_at <= that_day and f.review_status == ReviewStatus.ACCEPTED
                for f in assignment.feedbacks
            )
            choice = self.handling.verdict(
                share, check.round, proposal, propose(check, moment), reported_that_day=reported_that_day
            )
            escalation = decide_check(
                self.session,
                check,
                choice.verdict,
                grounds=choice.grounds,
                comment=choice.comment,
                in_person_on=china_date(moment) if choice.in_person_note else None,
                in_person_note=choice.in_person_note,
                actor=self.supervisor,
                now=moment,
            )
            if escalation is not None:
                climbed.setdefault(escalation.round_date, []).append(escalation.id)
        for check_day, escalation_ids in climbed.items():
            issuing = self.handling.issue_moment(check_day, moment, self.calendar)
            if issuing is not None:
                self.at(issuing, self.supervisor, partial(self._issue, escalation_ids))

    def _issue(self, escalation_ids: list[int], moment: datetime) -> None:
        """签发 the drafted notices of one check day's failures and send the day's 通报批评 naming the first-rung
        units; a 提请追责 goes to the leadership, who decide it some days later."""
        escalations = self.session.scalars(
            select(Escalation).where(Escalation.id.in_(escalation_ids)).order_by(Escalation.level, Escalation.id)
        ).all()
        criticisms = self.session.scalars(
            select(Circular)
            .join(CircularEntry, CircularEntry.circular_id == Circular.id)
            .where(CircularEntry.escalation_id.in_(escalation_ids), Circular.status == CircularStatus.DRAFT)
            .distinct()
        ).all()
        for circular in criticisms:
            send_circular(self.session, circular, actor=self.supervisor, now=moment)
        for escalation in escalations:
            if escalation.notice is None or escalation.notice.status != NoticeStatus.DRAFT:
                continue
            issue_draft(self.session, escalation.notice, actor=self.supervisor, now=moment)
            if escalation.level == 3:
                assignment = escalation.assignment
                share = (assignment.item.title, assignment.unit.name)
                decision = self.handling.leader_decision(share, moment, self.calendar)
                if decision is not None:
                    deciding, agreed, comment = decision
                    step = partial(self._leader_decides, escalation.id, agreed, comment)
                    self.at(deciding, self.leader, step)

    def _leader_decides(self, escalation_id: int, agreed: bool, comment: str, moment: datetime) -> None:
        """A bureau leader decides a submitted 提请追责 (同意追责 / 不予追责)."""
        escalation = self.session.get(Escalation, escalation_id)
        decide_accountability(self.session, escalation, agreed, comment, actor=self.leader, now=moment)
