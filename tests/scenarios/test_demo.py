"""The demo office: a realistic, reproducible roster and items at every stage, loaded once however often it runs,
whose history went through the real workflows and the daily sweep — so the next sweep finds nothing to correct —
and whose three checks were decided by a supervisor, never by the sweep: this week's checks wait in the queue, the
latest notices are drafts, and a 提请追责 awaits a leader."""

import re
from collections import defaultdict
from datetime import datetime

import pytest
import sqlalchemy as sa

from app import create_app
from audit import act_as
from clock import CHINA, china_date
from demo import data
from demo.office import SWEEP_ACTOR, seed_demo
from demo.plan import QUEUE_DAYS, plan_office
from extensions import db
from models import (
    LADDER_KINDS,
    OPEN_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    AuditEvent,
    Base,
    BureauLeader,
    CheckState,
    Circular,
    CircularEntry,
    CircularKind,
    CircularStatus,
    Confirmation,
    DeadlineChange,
    Escalation,
    ExtensionRequest,
    ExtensionStatus,
    Feedback,
    Instruction,
    Item,
    ItemSource,
    ItemStatus,
    LeaderInspection,
    Liaison,
    Notice,
    NoticeKind,
    NoticeStatus,
    OutboxMessage,
    OutboxStatus,
    ReceptionVisit,
    ReminderLog,
    ReviewStatus,
    Rhythm,
    Role,
    SupervisionCheck,
    Tenure,
    Unit,
    UnitKind,
    User,
    Verdict,
)
from models.item import under_checks_by_default
from models.notice import LEADERSHIP
from tests.conftest import empty_all_tables, make_config
from workdays import WorkCalendar
from workflows.accounts import find_user
from workflows.checks import decide_check
from workflows.circulars import send_circular
from workflows.notices import ASSIGNMENT_NOTICE_KINDS
from workflows.recipients import bureau_leadership
from workflows.sanctions import RUNG_KINDS, decide_accountability, issue_draft
from workflows.sweep import run_sweep

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)  # the `now` fixture's moment: a Thursday, 10:00
SEED_ARGS = ["seed-demo", "--now", "2026-11-26T10:00"]
WORKING = (AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.SUBMITTED)


def seed(now: datetime) -> dict:
    act_as(db.session, "演示数据", now=now)
    result = seed_demo(db.session, now=now)
    db.session.commit()
    return result


@pytest.fixture(scope="class")
def office(migrated_database):
    """The demo office seeded once at NOW for a class of read-only tests (on its own app), emptied afterwards."""
    application = create_app(make_config(migrated_database))
    with application.app_context():
        yield seed(NOW)
        db.session.remove()
        with db.engine.begin() as connection:
            empty_all_tables(connection)
        db.engine.dispose()


def all_rows(model):
    return db.session.scalars(sa.select(model).order_by(model.id)).all()


def notices_of(assignment: Assignment) -> list[Notice]:
    return db.session.scalars(sa.select(Notice).where(Notice.assignment_id == assignment.id)).all()


def rungs_of(assignment: Assignment) -> list[Escalation]:
    return db.session.scalars(
        sa.select(Escalation).where(Escalation.assignment_id == assignment.id).order_by(Escalation.level)
    ).all()


def criticism_of(escalation: Escalation) -> Circular:
    """The 通报批评 naming the unit of this first-rung failure (exactly one entry)."""
    (entry,) = db.session.scalars(sa.select(CircularEntry).filter_by(escalation_id=escalation.id)).all()
    assert entry.unit_id == escalation.assignment.unit_id
    return entry.circular


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    """Rows per table, as the session sees them (its own uncommitted work included)."""
    return {table.name: count(table) for table in Base.metadata.sorted_tables}


def sweep_counts() -> tuple[int, ...]:
    due = db.session.scalar(sa.select(sa.func.count()).where(SupervisionCheck.state == CheckState.DUE))
    return (*(count(model) for model in (OutboxMessage, Notice, ReminderLog, Escalation, SupervisionCheck)), due)


def supervisor_name() -> str:
    return data.SUPERVISOR_ACCOUNT[1]


def assert_ladder_consistent() -> None:
    """Every share's rungs are 1..its level, each once, each with its notice — and each behind a failed check that a
    supervisor decided (the k-th failed check of the share, in round order, gives rung k)."""
    rungs = defaultdict(list)
    for escalation in all_rows(Escalation):
        rungs[escalation.assignment_id].append(escalation)
    for assignment in all_rows(Assignment):
        found = sorted(rungs.get(assignment.id, []), key=lambda e: e.level)
        assert [e.level for e in found] == list(range(1, (assignment.escalation_level or 0) + 1))
        assert [e.previous_level for e in found] == [None, 1, 2][: len(found)]
        failed = [c for c in assignment.checks if c.verdict == Verdict.FAIL]
        assert [c.round for c in failed] == sorted(c.round for c in failed)
        assert [e.check_id for e in found] == [c.id for c in failed][: len(found)]
        for escalation in found:
            assert escalation.notice.kind == LADDER_KINDS[escalation.level]
            assert escalation.notice.assignment_id == assignment.id
            assert escalation.check.state == CheckState.DECIDED and escalation.check.verdict == Verdict.FAIL
            assert escalation.created_by_name == escalation.check.decided_by_name == supervisor_name()


def assert_three_checks_story(now: datetime) -> None:
    """What a new user finds, whatever `now` is: the week's due checks in the queue (among them a third check after
    two failed ones, 黄牌警告 issued), a 提请追责 awaiting a leader, and a 整改通知书 and a 通报批评 still drafts."""
    today = china_date(now)
    week = WorkCalendar.load(db.session).add_working_days(today, -(QUEUE_DAYS - 1))
    checks = all_rows(SupervisionCheck)
    queue = [c for c in checks if c.state == CheckState.DUE]
    assert len(queue) >= 3
    assert all(week <= china_date(c.opened_at) <= today and c.proposed is not None for c in queue)
    assert all(china_date(c.opened_at) < week for c in checks if c.state == CheckState.DECIDED)
    third = [
        c
        for c in queue
        if c.round == 3
        and [e.level for e in rungs_of(c.assignment)] == [1, 2]
        and all(e.notice.status == NoticeStatus.ISSUED for e in rungs_of(c.assignment))
        and criticism_of(rungs_of(c.assignment)[0]).status == CircularStatus.SENT
    ]
    assert third and all(c.proposed == Verdict.FAIL for c in third)
    awaiting = [
        e
        for e in all_rows(Escalation)
        if e.level == 3 and e.notice.status == NoticeStatus.ISSUED and e.decision is None
    ]
    assert awaiting and all(e.notice.addressee == LEADERSHIP for e in awaiting)
    assert any(e.level == 1 and e.notice.status == NoticeStatus.DRAFT for e in all_rows(Escalation))
    assert any(c.kind == CircularKind.CRITICISM and c.status == CircularStatus.DRAFT for c in all_rows(Circular))


@pytest.mark.usefixtures("office")
class TestSeededOffice:
    """What the office looks like after one seed at NOW."""

    def test_should_create_40_affiliated_units_and_14_departments_each_with_a_leader_in_charge(self):
        units = all_rows(Unit)
        assert sum(u.kind == UnitKind.AFFILIATED for u in units) == 40
        assert sum(u.kind == UnitKind.DEPARTMENT for u in units) == 14
        assert len({u.code for u in units}) == len({u.name for u in units}) == 54
        assert all(u.leader_in_charge is not None and u.head_name and u.phone for u in units)
        assert {"东方红林场", "林业医院", "供热公司", "党政办", "信访办"} <= {u.name for u in units}

    def test_should_give_every_unit_but_one_exactly_one_active_primary_liaison_with_a_tenure(self):
        liaisons = all_rows(Liaison)
        assert len(liaisons) == 54
        primaries = [liaison.unit_id for liaison in liaisons if liaison.is_primary and liaison.active]
        orphan = next(u for u in all_rows(Unit) if u.name == "团委")  # its liaison left three days ago
        assert sorted(primaries) == sorted(u.id for u in all_rows(Unit) if u is not orphan)
        assert {liaison.employment.label for liaison in liaisons} == {"专职", "兼职"}
        for liaison in liaisons:
            assert re.fullmatch(r"0457-\d{7}", liaison.office_phone)
            assert re.fullmatch(r"1[358]\d{9}", liaison.mobile)
            assert liaison.since is not None
        tenures = {(t.liaison_id, t.unit_id, t.start, t.end is None) for t in all_rows(Tenure)}
        assert tenures == {(liaison.id, liaison.unit_id, liaison.since, liaison.active) for liaison in liaisons}

    def test_should_show_an_office_keeping_its_roster_true(self):
        from workflows.directory_health import directory_health

        answers = [c.answer.value if c.answer else None for c in all_rows(Confirmation)]
        assert answers.count("confirmed") > 40 and answers.count("corrected") == 2 and answers.count("left") == 1
        statuses = sorted(str(c.correction_status) for c in all_rows(Confirmation) if c.correction_status)
        assert statuses == ["approved", "pending", "pending"]
        health = directory_health(db.session, now=NOW)
        assert [u.name for u in health["without_liaison"]] == ["团委"]
        assert len(health["bounced"]) == 1 and "550" in health["bounced"][0][1].last_error

    def test_should_create_bureau_leaders_of_whom_a_few_receive_escalations(self):
        leaders = all_rows(BureauLeader)
        assert 6 <= len(leaders) <= 8
        assert 2 <= sum(leader.receives_escalations for leader in leaders) <= 3
        assert {"局长", "党委书记", "副局长", "纪委书记", "工会主席"} <= {leader.title for leader in leaders}

    def test_should_use_only_reserved_example_domains_for_email(self):
        addresses = [u.head_email for u in all_rows(Unit)] + [u.office_email for u in all_rows(Unit)]
        addresses += [liaison.email for liaison in all_rows(Liaison)]
        addresses += [leader.email for leader in all_rows(BureauLeader)]
        addresses += [user.email for user in all_rows(User)]
        addresses += [message.recipient_email for message in all_rows(OutboxMessage)]
        assert addresses and all(re.fullmatch(r"[a-z0-9.]+@([a-z0-9]+\.)?example\.org", a) for a in addresses)
        assert len({liaison.email for liaison in all_rows(Liaison)}) == 54

    def test_should_register_about_60_numbered_items_from_every_source(self):
        items = all_rows(Item)
        assert 55 <= len(items) <= 65
        assert {item.source for item in items} == set(ItemSource)
        assert all(re.fullmatch(r"督〔2026〕\d+号", item.number) for item in items)
        assert sorted(item.seq for item in items) == list(range(1, len(items) + 1))
        by_number = sorted(items, key=lambda item: item.seq)
        assert [item.created_at for item in by_number] == sorted(item.created_at for item in items)
        assert all(item.rhythm == Rhythm.QUARTERLY for item in items if item.source == ItemSource.KEY_WORK)
        assert all(item.rhythm == Rhythm.MONTHLY for item in items if item.source == ItemSource.BENEFIT_PROJECT)
        assert all(
            item.ordering_leader and item.instruction for item in items if item.source == ItemSource.HIGHER_INSTRUCTION
        )

    def test_should_give_every_item_exactly_one_lead_assignment(self):
        for item in all_rows(Item):
            leads = [a.unit_id for a in item.assignments if a.role == AssignmentRole.LEAD]
            assert leads == [item.lead_unit_id]
            assert len(item.assignments) <= 4

    def test_should_spread_items_over_the_last_three_months_and_deadlines_over_past_and_future(self):
        today = china_date(NOW)
        items = all_rows(Item)
        created_days = [(today - china_date(item.created_at)).days for item in items]
        assert min(created_days) >= 0 and max(created_days) <= 92 and max(created_days) >= 60
        assert any(item.deadline < today for item in items) and any(item.deadline > today for item in items)
        assert all((item.deadline - today).days <= 62 and (today - item.deadline).days <= 92 for item in items)

    def test_should_show_every_stage_of_the_lifecycle(self):
        today = china_date(NOW)
        statuses = {item.status for item in all_rows(Item)}
        assert {ItemStatus.REGISTERED, ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS} <= statuses
        assert {ItemStatus.UNDER_REVIEW, ItemStatus.CLOSED, ItemStatus.SUSPENDED, ItemStatus.CANCELLED} <= statuses
        assignments = all_rows(Assignment)
        assert set(WORKING) <= {a.status for a in assignments}
        assert any(a.is_overdue(today) for a in assignments)
        assert {0, 1, 2, 3} <= {a.escalation_level for a in assignments}
        assert {CheckState.PLANNED, CheckState.DUE, CheckState.DECIDED, CheckState.MOOT} <= {
            c.state for c in all_rows(SupervisionCheck)
        }

    def test_should_end_every_share_and_item_where_its_plan_says(self):
        plans = plan_office(NOW, WorkCalendar.load(db.session))[1]
        items = {item.title: item for item in all_rows(Item)}
        for plan in plans:
            item = items[plan.spec.title]
            shares = {a.unit.name: a for a in item.assignments}
            assert {share.unit: share.status for share in plan.assignments} == {
                name: a.status for name, a in shares.items()
            }, item.title
            expected = {
                "registered": {ItemStatus.REGISTERED},
                "assigned": {ItemStatus.ASSIGNED},
                "progress": {ItemStatus.IN_PROGRESS, ItemStatus.UNDER_REVIEW},
                "overdue": {ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS},
                "review": {ItemStatus.UNDER_REVIEW},
                "closed": {ItemStatus.CLOSED},
                "suspended": {ItemStatus.SUSPENDED},
                "cancelled": {ItemStatus.CANCELLED},
            }[plan.spec.state]
            assert item.status in expected, item.title
            if plan.spec.reason:
                assert item.status_reason == plan.spec.reason

    def test_should_close_items_only_when_every_share_was_accepted_and_answer_proposals_and_calls(self):
        closed = [item for item in all_rows(Item) if item.status == ItemStatus.CLOSED]
        assert closed
        for item in closed:
            assert item.closed_at is not None
            for assignment in item.assignments:
                final = [f for f in assignment.feedbacks if f.period is None]
                assert assignment.status == AssignmentStatus.ACCEPTED and assignment.accepted_at is not None
                assert final[-1].review_status == ReviewStatus.ACCEPTED and final[-1].percent_complete == 100
            if item.needs_answer:
                assert item.answer and item.satisfaction is not None and item.answered_at <= item.closed_at
        assert any(item.needs_answer for item in closed)

    def test_should_keep_statuses_consistent_with_feedback(self):
        for item in all_rows(Item):
            for assignment in item.assignments:
                if item.status == ItemStatus.REGISTERED:
                    assert assignment.status == AssignmentStatus.PENDING and not assignment.feedbacks
                    assert assignment.assigned_at is None
                final = [f for f in assignment.feedbacks if f.period is None]
                if assignment.status == AssignmentStatus.SUBMITTED:
                    assert final[-1].review_status == ReviewStatus.PENDING
                if assignment.feedbacks:
                    assert assignment.acknowledged_at is not None
                    assert assignment.acknowledged_at <= assignment.feedbacks[0].submitted_at
                if assignment.escalation_level:
                    assert assignment.status in (*OPEN_ASSIGNMENT_STATUSES, AssignmentStatus.ACCEPTED)

    def test_should_report_each_period_of_the_periodic_items(self):
        periodic = [item for item in all_rows(Item) if item.rhythm != Rhythm.ONE_OFF]
        assert periodic
        for item in periodic:
            for assignment in item.assignments:
                periods = [f.period for f in assignment.feedbacks if f.period]
                assert periods and len(periods) == len(set(periods))
                assert all(
                    re.fullmatch(r"2026-\d\d" if item.rhythm == Rhythm.MONTHLY else r"2026Q\d", p) for p in periods
                )

    def test_should_store_feedback_times_as_aware_utc_in_order(self):
        feedbacks = all_rows(Feedback)
        assert feedbacks
        for feedback in feedbacks:
            assert feedback.submitted_at.utcoffset().total_seconds() == 0
            assert feedback.submitted_at <= NOW
            assert feedback.progress and feedback.contact_name and feedback.contact_phone
            if feedback.review_status == ReviewStatus.PENDING:
                assert feedback.reviewed_at is None
            else:
                assert feedback.submitted_at <= feedback.reviewed_at <= NOW and feedback.review_comment
            assert feedback.assignment.assigned_at <= feedback.submitted_at
            assert feedback.created_at == feedback.submitted_at

    def test_should_add_a_few_leader_instructions(self):
        instructions = all_rows(Instruction)
        assert 2 <= len(instructions) <= 10
        assert all(instruction.leader and instruction.text for instruction in instructions)
        assert all(instruction.item.created_at <= instruction.created_at <= NOW for instruction in instructions)

    def test_should_create_the_demo_accounts_with_generated_passwords(self, office):
        accounts = {account["username"]: account for account in office["accounts"]}
        assert set(accounts) == {"duchayuan", "duchayuan2", "juzhang", "lianluoyuan"}
        supervisor, leader, liaison = (find_user(db.session, n) for n in ("duchayuan", "juzhang", "lianluoyuan"))
        assert supervisor.role == Role.SUPERVISOR and supervisor.check_password(accounts["duchayuan"]["password"])
        assert leader.role == Role.LEADER and leader.leader.title == "局长"
        assert liaison.role == Role.LIAISON and liaison.unit is not None
        assert liaison.check_password(accounts["lianluoyuan"]["password"])
        assert len({account["password"] for account in accounts.values()}) == 4
        assert all(user.must_change_password for user in (supervisor, leader, liaison))

    def test_should_record_the_chiefs_on_site_supervision_in_the_fire_items_history(self, office):
        (visit,) = all_rows(LeaderInspection)
        assert visit.leader.title == "局长" and [i.title for i in visit.items] == ["做好秋季森林防火各项准备工作"]
        assert {u.name for u in visit.units} == {"东方红林场", "青山林场", "森林消防大队"}
        step = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "领导督查")).one()
        assert step.item_id == visit.items[0].id and china_date(step.at) == visit.held_on

    def test_should_register_each_reception_visit_and_answer_the_closed_ones(self, office):
        items = [i for i in all_rows(Item) if i.source == ItemSource.RECEPTION_VISIT]
        visits = {v.item_id: v for v in all_rows(ReceptionVisit)}
        assert items and set(visits) == {i.id for i in items}
        assert all(visits[i.id].leader_id == i.ordering_leader_id and visits[i.id].visitors for i in items)
        closed = [i for i in items if i.status == ItemStatus.CLOSED]
        assert closed and all(i.answer and i.answered_at <= i.closed_at for i in closed)

    def test_should_put_the_departments_in_the_second_supervisors_charge(self, office):
        second = find_user(db.session, "duchayuan2")
        departments = [unit for unit in all_rows(Unit) if unit.kind == UnitKind.DEPARTMENT]
        assert second.role == Role.SUPERVISOR and len(departments) == 14
        assert all(unit.supervisor_id == second.id for unit in departments)
        others = [unit for unit in all_rows(Unit) if unit.kind != UnitKind.DEPARTMENT]
        assert others and all(unit.supervisor_id is None for unit in others)  # 王晓燕 keeps seeing every unit

    def test_should_issue_a_numbered_notice_to_every_assigned_share_and_for_every_rung(self):
        assigned = [a for a in all_rows(Assignment) if a.assigned_at is not None]
        notices = defaultdict(set)
        for notice in all_rows(Notice):
            notices[notice.assignment_id].add(notice.kind)
        assert assigned and all(notices[a.id] & set(ASSIGNMENT_NOTICE_KINDS) for a in assigned)
        for escalation in all_rows(Escalation):
            assert LADDER_KINDS[escalation.level] in notices[escalation.assignment_id]
        prefixes = {NoticeKind.DECISION: "督决", NoticeKind.INSTRUCTION: "督批", NoticeKind.RECTIFICATION: "督整"}
        for notice in all_rows(Notice):
            if notice.kind in prefixes and notice.status == NoticeStatus.ISSUED:
                assert re.fullmatch(rf"{prefixes[notice.kind]}〔2026〕\d+号", notice.number)
            if notice.status == NoticeStatus.DRAFT:
                assert notice.number is None and notice.kind in RUNG_KINDS
        assert count(Escalation) > 0 and any(n.kind == NoticeKind.REMINDER for n in all_rows(Notice))

    def test_should_climb_the_ladder_one_rung_at_a_time(self):
        assert_ladder_consistent()

    def test_should_leave_one_approved_and_one_pending_extension_request(self):
        requests = all_rows(ExtensionRequest)
        assert {ExtensionStatus.APPROVED, ExtensionStatus.PENDING} <= {r.status for r in requests}
        for request in requests:
            assert request.requested_deadline > request.current_deadline
            if request.status == ExtensionStatus.APPROVED:
                assert request.assignment.deadline == request.requested_deadline
                change = db.session.scalar(sa.select(DeadlineChange).filter_by(assignment_id=request.assignment_id))
                assert change.old_deadline == request.current_deadline and change.changed_at == request.decided_at

    def test_should_mark_the_history_mail_sent_when_it_was_written(self):
        messages = all_rows(OutboxMessage)
        assert len(messages) > count(Notice)
        bounced = [m for m in messages if m.status == OutboxStatus.FAILED]
        assert len(bounced) == 1 and bounced[0].last_error.startswith("550")  # one address no longer exists
        for message in messages:
            if message is not bounced[0]:
                assert message.status == OutboxStatus.SENT, message.subject
                assert message.sent_at == message.created_at <= NOW and message.attempts == 1

    def test_should_send_each_months_circular_once_drafted_by_the_sweep(self):
        circulars = [c for c in all_rows(Circular) if c.kind == CircularKind.MONTHLY]
        assert circulars and all(c.status == CircularStatus.SENT and c.notice_id for c in circulars)
        assert len({c.period for c in circulars}) == len(circulars)

    def test_should_gather_each_check_days_first_rung_failures_in_one_criticism_circular(self):
        criticisms = [c for c in all_rows(Circular) if c.kind == CircularKind.CRITICISM]
        assert {c.status for c in criticisms} == {CircularStatus.SENT, CircularStatus.DRAFT}
        assert len({c.check_day for c in criticisms}) == len(criticisms)
        for circular in criticisms:
            days = {db.session.get(Escalation, entry.escalation_id).round_date for entry in circular.entries}
            assert days == {circular.check_day}
            assert (circular.notice_id is not None) == (circular.status == CircularStatus.SENT)

    def test_should_ask_the_next_sweep_to_look_at_every_open_share(self):
        today = china_date(NOW)
        for assignment in all_rows(Assignment):
            if assignment.status in WORKING:
                assert assignment.assigned_at is not None
                assert assignment.next_action_on is not None and assignment.next_action_on <= today
            else:
                assert assignment.next_action_on is None

    def test_should_leave_an_audit_trail_of_who_did_what_when(self):
        supervisor = find_user(db.session, "duchayuan")
        steps = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "交办")).all()
        assigned = {a.item_id: a.assigned_at for a in all_rows(Assignment) if a.assigned_at}
        assert steps and all(s.actor_id == supervisor.id and s.at == assigned[s.item_id] for s in steps)
        acknowledged = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "签收")).all()
        assert acknowledged and all(re.fullmatch(r"\S+（\S+）", s.actor_name) for s in acknowledged)
        for action in ("整改通知书", "第一次督查裁定", "签发整改通知书", "发送通报批评", "提交提请追责"):
            steps = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()
            assert steps and {s.actor_name for s in steps} == {str(supervisor)}, action

    def test_should_put_items_under_the_three_checks_by_source_and_never_sanction_the_others(self):
        items = all_rows(Item)
        assert all(item.three_checks == under_checks_by_default(item.source) for item in items)
        outside = {a.id for item in items if not item.three_checks for a in item.assignments}
        assert outside and {i.source for i in items if not i.three_checks} == {
            ItemSource.HOTLINE,
            ItemSource.STAFF_PROPOSAL,
            ItemSource.RECEPTION_VISIT,
        }
        assert not [e for e in all_rows(Escalation) if e.assignment_id in outside]
        assert not [c for c in all_rows(SupervisionCheck) if c.assignment_id in outside]
        assert not [n for n in all_rows(Notice) if n.kind in RUNG_KINDS and n.assignment_id in outside]
        assert not [e for e in all_rows(CircularEntry) if e.item is not None and not e.item.three_checks]
        overdue_outside = [a for a in all_rows(Assignment) if a.id in outside and a.is_overdue(china_date(NOW))]
        assert overdue_outside  # reminded (催办) after their deadline, never sanctioned
        assert all(any(n.kind == NoticeKind.REMINDER for n in notices_of(a)) for a in overdue_outside)

    def test_should_have_every_check_decided_by_the_supervisor_following_or_overriding_the_proposal(self):
        decided = [c for c in all_rows(SupervisionCheck) if c.state == CheckState.DECIDED]
        assert decided and all(c.decided_by_name == supervisor_name() for c in decided)
        assert all(c.decided_at > c.opened_at and c.verdict in (Verdict.PASS, Verdict.FAIL) for c in decided)
        assert all(c.grounds or c.comment for c in decided if c.verdict == Verdict.FAIL)
        pairs = {(c.proposed, c.verdict) for c in decided}
        assert {(Verdict.PASS, Verdict.PASS), (Verdict.FAIL, Verdict.FAIL), (Verdict.PENDING, Verdict.PASS)} <= pairs
        overridden = [c for c in decided if c.proposed == Verdict.FAIL and c.verdict == Verdict.PASS]
        assert overridden and all(c.comment for c in overridden)
        assert any(c.in_person_on and c.in_person_note for c in overridden)  # 现场督查
        assert any(e.remedied_at for e in all_rows(Escalation))  # a unit that passed a later check: 整改到位
        steps = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("%督查裁定"))).all()
        assert len(steps) == len(decided) and all(s.actor_name != SWEEP_ACTOR for s in steps)

    def test_should_name_every_rectified_unit_in_a_criticism_circular(self):
        first_rungs = [e for e in all_rows(Escalation) if e.level == 1]
        assert {e.notice.status for e in first_rungs} == {NoticeStatus.ISSUED, NoticeStatus.DRAFT}
        for escalation in first_rungs:
            circular = criticism_of(escalation)
            assert circular.kind == CircularKind.CRITICISM and escalation.assignment.unit.name in circular.body
            if escalation.notice.status == NoticeStatus.ISSUED:  # sent with the 通报批评, never before it
                assert circular.status == CircularStatus.SENT and circular.sent_at <= escalation.notice.issued_at

    def test_should_address_each_accountability_request_to_the_leadership_and_leave_one_for_a_leader(self):
        requests = [e for e in all_rows(Escalation) if e.level == 3]
        leaders = {r.email for r in bureau_leadership(db.session)}
        for escalation in requests:
            assert escalation.notice.addressee == LEADERSHIP
            assert escalation.assignment.item.three_checks
            mails = {m.recipient_email for m in all_rows(OutboxMessage) if m.notice_id == escalation.notice_id}
            if escalation.notice.status == NoticeStatus.ISSUED:
                assert mails == leaders  # to the leadership only, never to the unit it concerns
            else:
                assert not mails
        leader = find_user(db.session, data.LEADER_ACCOUNT[0])
        assert leader.role == Role.LEADER
        assert any(e.notice.status == NoticeStatus.ISSUED and e.decision is None for e in requests)

    def test_should_show_the_week_s_checks_a_pending_accountability_request_and_drafts_to_send(self):
        assert_three_checks_story(NOW)

    def test_should_let_the_user_run_the_three_checks_from_the_demo(self):
        """The "done when" of the three checks, at the workflows: fail the third check after a 黄牌警告 (a 提请追责 is
        drafted for the leadership), issue the drafted 整改通知书 and send the 通报批评, a leader decides."""
        supervisor, leader = find_user(db.session, "duchayuan"), find_user(db.session, "juzhang")
        try:
            third = next(
                c
                for c in all_rows(SupervisionCheck)
                if c.state == CheckState.DUE and c.round == 3 and c.assignment.escalation_level == 2
            )
            escalation = decide_check(
                db.session, third, Verdict.FAIL, grounds=["有令不行、有禁不止"], actor=supervisor, now=NOW
            )
            assert escalation.level == 3 and escalation.notice.status == NoticeStatus.DRAFT
            assert escalation.notice.addressee == LEADERSHIP
            first = next(e for e in all_rows(Escalation) if e.level == 1 and e.notice.status == NoticeStatus.DRAFT)
            criticism = criticism_of(first)
            assert criticism.status == CircularStatus.DRAFT
            send_circular(db.session, criticism, actor=supervisor, now=NOW)
            issue_draft(db.session, first.notice, actor=supervisor, now=NOW)
            assert first.notice.number.startswith("督整") and criticism.notice.number.startswith("督评")
            waiting = next(e for e in all_rows(Escalation) if e.level == 3 and e.decision is None and e.notice.number)
            decide_accountability(db.session, waiting, True, "同意追责", actor=leader, now=NOW)
            assert waiting.decided_by_name == leader.display_name
        finally:
            db.session.rollback()

    def test_should_leave_nothing_for_the_next_sweep_to_do_twice(self):
        before = sweep_counts()
        try:
            run_sweep(db.session, now=NOW)
            first = sweep_counts()
            assert_ladder_consistent()
            run_sweep(db.session, now=NOW)
            assert sweep_counts() == first
            assert first == before  # the replayed sweep of this morning already did the day's work
        finally:
            db.session.rollback()


def item_history() -> list[tuple]:
    """What should come out the same every time: numbers, dates, statuses, and each share's story."""
    items = db.session.scalars(sa.select(Item).order_by(Item.seq)).all()
    return [
        (i.number, i.title, i.deadline, i.status, i.created_at, i.closed_at)
        + tuple((a.unit.name, a.status, a.deadline, a.escalation_level, len(a.feedbacks)) for a in i.assignments)
        for i in items
    ]


def test_should_be_reproducible_and_create_nothing_the_second_time(app, now):
    first = seed_demo(db.session, now=now)
    snapshot = item_history()
    liaisons = sorted((liaison.name, liaison.email, liaison.mobile) for liaison in all_rows(Liaison))
    before = table_counts()
    again = seed_demo(db.session, now=now)
    assert table_counts() == before
    assert again["accounts"] == [] and all(n == 0 for key, n in again.items() if key != "accounts")
    db.session.rollback()
    second = seed_demo(db.session, now=now)
    assert {k: v for k, v in first.items() if k != "accounts"} == {k: v for k, v in second.items() if k != "accounts"}
    assert item_history() == snapshot
    assert sorted((liaison.name, liaison.email, liaison.mobile) for liaison in all_rows(Liaison)) == liaisons


def test_should_not_create_an_account_whose_username_exists(app, now):
    from tests.factories import make_user

    make_user("duchayuan", Role.SUPERVISOR)
    result = seed_demo(db.session, now=now)
    assert {account["username"] for account in result["accounts"]} == {"duchayuan2", "juzhang", "lianluoyuan"}


def test_should_stay_consistent_with_the_sweep_seeded_early_on_a_holiday(app):
    """Seeded before the morning sweep on a National Day holiday: the first sweep does the day's work, once."""
    moment = datetime(2026, 10, 4, 6, 30, tzinfo=CHINA)
    seed(moment)
    assert count(Item) == 60 and all(m.status != OutboxStatus.QUEUED for m in all_rows(OutboxMessage))
    assert_ladder_consistent()
    assert_three_checks_story(moment)
    run_sweep(db.session, now=moment)
    first = sweep_counts()
    assert_ladder_consistent()
    run_sweep(db.session, now=moment)
    assert sweep_counts() == first


def test_should_load_the_demo_from_the_command_line_once_and_print_the_accounts(runner):
    result = runner.invoke(args=[*SEED_ARGS, "--if-empty"])
    assert result.exit_code == 0, result.output
    for username in ("duchayuan", "duchayuan2", "juzhang", "lianluoyuan"):
        assert re.search(rf"用户名: {username}\s+密码: \S{{14}}", result.output)
    assert "督查事项 60 件" in result.output and "历史邮件已标记为已发送" in result.output
    waiting = re.search(
        r"待裁定督查 (\d+) 项.*待发送的通报批评 (\d+) 份；局领导待决定的提请追责 (\d+) 份", result.output
    )
    assert waiting and all(int(n) > 0 for n in waiting.groups()), result.output
    counts = table_counts()

    again = runner.invoke(args=SEED_ARGS)
    assert again.exit_code == 0, again.output
    assert "未新增任何记录" in again.output and "密码" not in again.output
    assert table_counts() == counts


def test_should_refuse_a_malformed_now(runner):
    result = runner.invoke(args=["seed-demo", "--now", "yesterday"])
    assert result.exit_code != 0
    assert "--now" in result.output


def test_should_load_nothing_with_if_empty_when_the_office_has_data(runner):
    from tests.factories import make_unit

    make_unit("已有单位")
    db.session.commit()
    result = runner.invoke(args=[*SEED_ARGS, "--if-empty"])
    assert result.exit_code == 0 and "未载入演示数据" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 1
