"""The three checks (三次督查): scope by source, the plan's dates, requests before each check, the records the sweep
opens with a proposal, a supervisor's verdicts and the rungs they lead to — and nothing punitive sent by itself."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import (
    AccountabilityDecision,
    CheckState,
    Circular,
    CircularKind,
    Escalation,
    ItemSource,
    Notice,
    NoticeKind,
    NoticeStatus,
    ReviewStatus,
    Rhythm,
    SupervisionCheck,
    Verdict,
)
from models.notice import LEADERSHIP
from tests.factories import make_user
from tests.office import assigned_item, at, build_office, outbox, report, subjects_to, sweep, sweep_days
from workdays import WorkCalendar
from workflows.checks import decide_check, plan_dates, propose, set_check_dates, set_scope
from workflows.circulars import send_circular
from workflows.feedback import acknowledge, change_deadline, review_feedback
from workflows.interventions import issue_supervision_notice, urge_now
from workflows.lifecycle import TransitionError
from workflows.sanctions import decide_accountability, edit_draft, issue_draft

ASSIGNED = at(2026, 12, 1)  # Tuesday
DEADLINE = date(2026, 12, 15)  # 10 working days: checks on 8, 10 and 15 December
PUNITIVE = {"rectification", "yellow_card", "accountability", "criticism"}


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


@pytest.fixture
def calendar(app):
    """The working-day calendar (the library's, no overrides)."""
    return WorkCalendar.load(db.session)


@pytest.fixture
def supervisor(app):
    """A supervisor who decides checks and issues notices."""
    return make_user("duchashi", "supervisor", email="ducha@example.org", display_name="督查员甲")


def checks_of(share) -> list[tuple[int, date, str]]:
    """(round, date, state) of a share's checks."""
    return [(c.round, c.planned_on, c.state.value) for c in share.checks]


def due_check(share, number: int) -> SupervisionCheck:
    """The share's check `number`."""
    return next(c for c in share.checks if c.round == number)


# --- scope ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, under",
    [
        (ItemSource.MEETING_DECISION, True),
        (ItemSource.LEADER_INSTRUCTION, True),
        (ItemSource.HIGHER_INSTRUCTION, True),
        (ItemSource.KEY_WORK, True),
        (ItemSource.BENEFIT_PROJECT, True),
        (ItemSource.CENTRAL_TASK, True),
        (ItemSource.STAFF_PROPOSAL, False),
        (ItemSource.RECEPTION_VISIT, False),
        (ItemSource.HOTLINE, False),
    ],
)
def test_should_put_an_item_under_the_checks_by_its_source(office, source, under):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED, source=source)
    assert item.three_checks is under
    assert all(bool(a.checks) is under for a in item.assignments)


def test_should_never_sanction_a_hotline_call_but_remind_it_after_the_deadline(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED, source=ItemSource.HOTLINE)
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2027, 1, 15))
    assert db.session.scalar(db.select(db.func.count()).select_from(SupervisionCheck)) == 0
    assert db.session.scalar(db.select(Escalation)) is None
    kinds = {m.kind for m in outbox(assignment_id=item.assignments[0].id)}
    assert not kinds & PUNITIVE
    overdue = [m for m in outbox(recipient_email="wang@forest.example.org") if m.created_at > at(2026, 12, 16, 0)]
    assert len(overdue) >= 5  # reminded every two working days after the deadline


def test_should_set_aside_the_checks_when_a_supervisor_takes_the_item_out_of_scope(office, supervisor):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    set_scope(db.session, item, False, actor=supervisor, now=at(2026, 12, 2))
    assert {c.state for a in item.assignments for c in a.checks} == {CheckState.MOOT}
    set_scope(db.session, item, True, actor=supervisor, now=at(2026, 12, 2))
    assert {c.state for a in item.assignments for c in a.checks} == {CheckState.PLANNED}
    assert item.three_checks is not False


# --- the plan ---------------------------------------------------------------------------------------------------


def test_should_plan_the_checks_at_a_third_two_thirds_and_the_deadline(office):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    # 10 working days: a third is 3, but never before 5 working days (8 Dec); two thirds is 7 (10 Dec)
    assert checks_of(share) == [
        (1, date(2026, 12, 8), "planned"),
        (2, date(2026, 12, 10), "planned"),
        (3, date(2026, 12, 15), "planned"),
    ]


def test_should_count_working_days_over_national_day_and_its_make_up_days(calendar, app):
    # 2026: 25 September (Mid-Autumn) and 1–7 October are off; Sunday 20 September and Saturday 10 October are
    # make-up working days. From Monday 21 September to Friday 30 October: 22–24, 28–30 Sept, 8–10, 12–16, 19–23,
    # 26–30 Oct = 24 working days; a third is 8 (9 Oct), two thirds 16 (20 Oct).
    assert calendar.working_days_between(date(2026, 9, 21), date(2026, 10, 30)) == 24
    assert plan_dates(date(2026, 9, 21), date(2026, 10, 30), Rhythm.ONE_OFF, calendar) == (
        date(2026, 10, 9),
        date(2026, 10, 20),
        date(2026, 10, 30),
    )
    # assigned 30 September, due 16 October: 8, 9, 10 (Saturday, worked), 12, 13 … the 5th working day is 13 Oct
    assert plan_dates(date(2026, 9, 30), date(2026, 10, 16), Rhythm.ONE_OFF, calendar) == (
        date(2026, 10, 13),
        date(2026, 10, 13),
        date(2026, 10, 16),
    )


def test_should_count_working_days_over_the_spring_festival(calendar, app):
    # 2026: 15–23 February off; Saturdays 14 and 28 February are make-up working days. From Monday 9 February to
    # Friday 6 March: 10–14, 24–28 Feb, 2–6 Mar = 15 working days: checks on the 5th and 10th, both Saturdays.
    assert plan_dates(date(2026, 2, 9), date(2026, 3, 6), Rhythm.ONE_OFF, calendar) == (
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 3, 6),
    )


def test_should_let_short_deadlines_share_a_day_in_order(calendar, app):
    # due in 3 working days: the first two checks cannot come 5 working days after assignment; all on the deadline
    assert plan_dates(date(2026, 12, 1), date(2026, 12, 4), Rhythm.ONE_OFF, calendar) == (date(2026, 12, 4),) * 3
    # due in 6 working days: first and second on the 5th working day, the third on the deadline
    assert plan_dates(date(2026, 12, 1), date(2026, 12, 9), Rhythm.ONE_OFF, calendar) == (
        date(2026, 12, 8),
        date(2026, 12, 8),
        date(2026, 12, 9),
    )


def test_should_place_a_quarterly_item_checks_on_its_report_days(calendar, app):
    # a year's work (246 working days) reported quarterly: a third of the way is 9 May, two thirds 2 September; the
    # first report due after each is the Q2 report (6 July: 5 July is a Sunday) and the Q3 report (8 October: 5–7
    # October are the holiday); then the year's end
    assert plan_dates(date(2026, 1, 5), date(2026, 12, 31), Rhythm.QUARTERLY, calendar) == (
        date(2026, 7, 6),
        date(2026, 10, 8),
        date(2026, 12, 31),
    )


def test_should_place_a_monthly_item_checks_on_its_report_days(calendar, app):
    assert plan_dates(date(2026, 1, 5), date(2026, 12, 31), Rhythm.MONTHLY, calendar) == (
        date(2026, 6, 5),  # the May report, the first due after 9 May
        date(2026, 9, 7),  # the August report: 5 September is a Saturday
        date(2026, 12, 31),
    )


def test_should_move_the_third_check_with_an_approved_extension(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    set_check_dates(db.session, share, {2: date(2026, 12, 11)}, actor=supervisor, now=at(2026, 12, 2))
    sweep(at(2026, 12, 8, 9))  # the first check is held (opened) on 8 December
    change_deadline(db.session, share, date(2026, 12, 31), "批准延期", actor=supervisor, now=at(2026, 12, 9))
    # the first is past, the second was set by hand: only the third moves
    assert checks_of(share) == [
        (1, date(2026, 12, 8), "due"),
        (2, date(2026, 12, 11), "planned"),
        (3, date(2026, 12, 31), "planned"),
    ]


def test_should_move_the_checks_still_ahead_with_a_new_deadline(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    change_deadline(db.session, share, date(2026, 12, 29), "批准延期", actor=supervisor, now=at(2026, 12, 2))
    # 20 working days from 1 December: 7 (10 Dec) and 13 (18 Dec)
    assert checks_of(share) == [
        (1, date(2026, 12, 10), "planned"),
        (2, date(2026, 12, 18), "planned"),
        (3, date(2026, 12, 29), "planned"),
    ]


def test_should_refuse_check_dates_out_of_order_or_in_the_past(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    with pytest.raises(TransitionError, match="按第一次、第二次、第三次的顺序"):
        set_check_dates(db.session, share, {1: date(2026, 12, 11)}, actor=supervisor, now=at(2026, 12, 2))
    db.session.rollback()
    share = db.session.get(type(share), share.id)
    assert checks_of(share)[0] == (1, date(2026, 12, 8), "planned")  # a refused change leaves nothing behind
    with pytest.raises(TransitionError, match="不能早于今天"):
        set_check_dates(db.session, share, {1: date(2026, 12, 1)}, actor=supervisor, now=at(2026, 12, 2))


# --- before and on the check day -------------------------------------------------------------------------------


def test_should_ask_for_a_report_before_each_check_naming_it(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    acknowledge(db.session, item.assignments[0], "王林", now=ASSIGNED)
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2026, 12, 31))
    number, title = item.number, item.title
    assert subjects_to("wang@forest.example.org") == [
        f"【决定事项办理督查通知单】{number} {title}",
        f"【第一次督查】{number} {title}",  # 3 Dec: 3 working days before 8 Dec
        f"【第二次督查】{number} {title}",  # 7 Dec
        f"【第三次督查】{number} {title}",  # 10 Dec: replaces the reminder due the same day
        f"【催办通知】{number} {title}",  # 15 Dec: the deadline
        f"【催办通知】{number} {title}",  # 17 Dec: every two working days after it
        f"【催办通知】{number} {title}",  # 21 Dec
        f"【催办通知】{number} {title}",  # 23 Dec
        f"【催办通知】{number} {title}",  # 25 Dec
        f"【催办通知】{number} {title}",  # 29 Dec
        f"【催办通知】{number} {title}",  # 31 Dec
    ]
    assert not {m.kind for m in outbox()} & PUNITIVE
    assert {c.state for a in item.assignments for c in a.checks} == {CheckState.DUE}  # nobody decided: all queued


@pytest.mark.parametrize(
    "moment, opened",
    [
        (at(2026, 12, 7, 23, 59, 59), 0),  # a second before the check day
        (at(2026, 12, 8, 0, 0, 0), 1),  # at its first instant
        (at(2026, 12, 8, 0, 0, 1), 1),  # a second after
    ],
)
def test_should_open_the_check_record_on_its_day(office, moment, opened):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    sweep(moment)
    assert [c.state for c in share.checks].count(CheckState.DUE) == opened
    assert share.escalation_level == 0


def test_should_propose_pass_pending_or_fail_from_the_reports(office, supervisor):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    accepted, waiting, silent = item.assignments
    review_feedback(db.session, report(accepted, 40), ReviewStatus.ACCEPTED, "", actor=supervisor, now=at(2026, 12, 4))
    report(waiting, 40, now=at(2026, 12, 7, 17))
    db.session.commit()
    sweep(at(2026, 12, 8, 7))
    proposals = [(c.proposed, c.proposed_ground) for c in (due_check(a, 1) for a in item.assignments)]
    assert proposals == [(Verdict.PASS, None), (Verdict.PENDING, "有反馈待审核"), (Verdict.FAIL, "未按时报送")]
    assert {a.escalation_level for a in item.assignments} == {0}  # a proposal is not a verdict
    # the live proposal follows the review
    review_feedback(db.session, waiting.feedbacks[0], ReviewStatus.ACCEPTED, "", actor=supervisor, now=at(2026, 12, 8))
    assert propose(due_check(waiting, 1), at(2026, 12, 8, 10)).verdict == Verdict.PASS


def test_should_propose_the_third_check_from_completion(office, supervisor):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    done, partial, _ = item.assignments
    review_feedback(db.session, report(done, 100), ReviewStatus.ACCEPTED, "", actor=supervisor, now=at(2026, 12, 14))
    review_feedback(
        db.session,
        report(partial, 90, now=at(2026, 12, 14)),
        ReviewStatus.ACCEPTED,
        "",
        actor=supervisor,
        now=at(2026, 12, 14),
    )
    db.session.commit()
    assert {c.state for c in done.checks} == {CheckState.MOOT}  # done: the checks to come are set aside
    sweep(at(2026, 12, 15, 7))
    third = due_check(partial, 3)
    assert (third.proposed, third.proposed_ground) == (Verdict.FAIL, "未按时保质保量完成")


def test_should_open_every_check_missed_in_downtime_and_decide_none(office):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    sweep(at(2026, 12, 2))
    sweep(at(2026, 12, 16))  # 8, 10 and 15 December passed while down
    assert [c.state for c in share.checks] == [CheckState.DUE] * 3
    assert share.escalation_level == 0 and db.session.scalar(db.select(Escalation)) is None


def test_should_do_nothing_twice_on_a_second_sweep(office):
    assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 8, 9))
    before = (len(outbox()), [(c.id, c.state, c.opened_at) for c in db.session.scalars(db.select(SupervisionCheck))])
    sweep(at(2026, 12, 8, 9))
    sweep(at(2026, 12, 8, 17))
    after = (len(outbox()), [(c.id, c.state, c.opened_at) for c in db.session.scalars(db.select(SupervisionCheck))])
    assert after == before


# --- the verdicts and their consequences --------------------------------------------------------------------


def fail(check, supervisor, when, ground="行动迟缓"):
    """A supervisor's 不合格 verdict on `check`."""
    return decide_check(db.session, check, Verdict.FAIL, grounds=[ground], actor=supervisor, now=when)


def test_should_pass_all_three_checks_without_any_notice(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    for day, percent in ((4, 30), (9, 60)):
        review_feedback(
            db.session,
            report(share, percent, now=at(2026, 12, day)),
            ReviewStatus.ACCEPTED,
            "",
            actor=supervisor,
            now=at(2026, 12, day, 15),
        )
        db.session.commit()
    sweep_days(date(2026, 12, 8), date(2026, 12, 10))
    for number in (1, 2):
        check = due_check(share, number)
        assert propose(check, at(2026, 12, 10, 10)).verdict == Verdict.PASS
        decide_check(db.session, check, Verdict.PASS, actor=supervisor, now=at(2026, 12, 10, 10))
    review_feedback(
        db.session,
        report(share, 100, now=at(2026, 12, 14)),
        ReviewStatus.ACCEPTED,
        "",
        actor=supervisor,
        now=at(2026, 12, 14, 15),
    )
    db.session.commit()
    assert [c.state for c in share.checks] == [CheckState.DECIDED, CheckState.DECIDED, CheckState.MOOT]
    assert share.escalation_level == 0 and db.session.scalar(db.select(Notice).where(Notice.kind.in_(PUNITIVE))) is None


def test_should_fail_the_first_check_then_recover_keeping_the_rung(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    sweep_days(date(2026, 12, 8), date(2026, 12, 10))
    escalation = fail(due_check(share, 1), supervisor, at(2026, 12, 9, 10), "不按时传达贯彻")
    assert (escalation.level, escalation.grounds, share.escalation_level) == (1, "不按时传达贯彻", 1)
    notice = escalation.notice
    assert (notice.kind, notice.status, notice.number) == (NoticeKind.RECTIFICATION, NoticeStatus.DRAFT, None)
    assert outbox(kind="rectification") == []  # a draft: nothing sent until a person issues it
    # the unit is in the check day's 通报批评 draft at the same time
    circular = db.session.scalar(db.select(Circular).where(Circular.kind == CircularKind.CRITICISM))
    assert circular.check_day == date(2026, 12, 8) and [e.unit_id for e in circular.entries] == [share.unit_id]
    assert "东方红林场" in circular.body and "不按时传达贯彻" in circular.body
    # the unit reports and passes the second check: it keeps rung 1, recorded as 整改到位
    review_feedback(
        db.session,
        report(share, 60, now=at(2026, 12, 10, 8)),
        ReviewStatus.ACCEPTED,
        "",
        actor=supervisor,
        now=at(2026, 12, 10, 9),
    )
    decide_check(db.session, due_check(share, 2), Verdict.PASS, actor=supervisor, now=at(2026, 12, 10, 11))
    assert share.escalation_level == 1 and escalation.remedied_at is not None


def test_should_climb_three_rungs_to_a_request_the_leadership_decides(office, supervisor, app):
    leader = make_user("zhaojuzhang", "leader", email="chief@example.org", display_name="赵局长")
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    share = item.assignments[0]
    db.session.commit()
    sweep_days(date(2026, 12, 8), date(2026, 12, 15))

    first = fail(due_check(share, 1), supervisor, at(2026, 12, 8, 10), "没有切实可行的措施")
    edit_draft(
        db.session,
        first.notice,
        title=first.notice.title,
        body=first.notice.body + "\n特此通知。",
        actor=supervisor,
        now=at(2026, 12, 8, 11),
    )
    issue_draft(db.session, first.notice, actor=supervisor, now=at(2026, 12, 8, 11))
    assert first.notice.number == "督整〔2026〕1号" and first.notice.body.endswith("特此通知。")
    rectification = {m.recipient_email for m in outbox(kind="rectification")}
    assert rectification == {"wang@forest.example.org", "head@forest.example.org", "deputy@example.org"}
    assert first.notice.copy_to == "钱副局长"  # copy to the leader in charge
    with pytest.raises(TransitionError, match="不能重复签发"):
        issue_draft(db.session, first.notice, actor=supervisor, now=at(2026, 12, 8, 12))
    circular = db.session.scalar(db.select(Circular).where(Circular.kind == CircularKind.CRITICISM))
    send_circular(db.session, circular, actor=supervisor, now=at(2026, 12, 8, 14))
    criticised = {m.recipient_email for m in outbox(kind="criticism")}
    assert {"wang@forest.example.org", "li@school.example.org", "chief@example.org", "deputy@example.org"} <= criticised

    second = fail(due_check(share, 2), supervisor, at(2026, 12, 10, 10), "整改不到位")
    issue_draft(db.session, second.notice, actor=supervisor, now=at(2026, 12, 10, 11))
    yellow = {m.recipient_email for m in outbox(kind="yellow_card")}
    assert yellow == {"wang@forest.example.org", "head@forest.example.org", "deputy@example.org"}

    third = fail(due_check(share, 3), supervisor, at(2026, 12, 16, 10), "有令不行、有禁不止")
    request = third.notice
    assert (request.kind, request.addressee, request.unit_id) == (NoticeKind.ACCOUNTABILITY, LEADERSHIP, share.unit_id)
    assert "第一次督查" in request.body and "没有切实可行的措施" in request.body and "督整〔2026〕1号" in request.body
    issue_draft(db.session, request, actor=supervisor, now=at(2026, 12, 16, 11))
    to = {m.recipient_email for m in outbox(kind="accountability")}
    assert to == {"chief@example.org"}  # the leadership only: never the unit it concerns
    assert [
        (e.level, e.previous_level) for e in db.session.scalars(db.select(Escalation).order_by(Escalation.level))
    ] == [
        (1, None),
        (2, 1),
        (3, 2),
    ]

    with pytest.raises(TransitionError, match="不予追责时须填写意见"):
        decide_accountability(db.session, third, False, "", actor=leader, now=at(2026, 12, 17))
    decide_accountability(db.session, third, True, "同意，由纪检组约谈", actor=leader, now=at(2026, 12, 17))
    assert third.decision == AccountabilityDecision.AGREED and third.decided_by_name == str(leader)
    told = {m.recipient_email for m in outbox(kind="accountability_decision")}
    assert told == {"wang@forest.example.org", "head@forest.example.org", "ducha@example.org"}
    with pytest.raises(TransitionError, match="不能重复决定"):
        decide_accountability(db.session, third, False, "再议", actor=leader, now=at(2026, 12, 18))


def test_should_give_the_first_rung_to_a_unit_that_fails_only_the_second_check(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    sweep_days(date(2026, 12, 8), date(2026, 12, 10))
    decide_check(
        db.session, due_check(share, 1), Verdict.PASS, comment="现场查看，已传达", actor=supervisor, now=at(2026, 12, 9)
    )
    escalation = fail(due_check(share, 2), supervisor, at(2026, 12, 10, 10))
    assert escalation.level == 1 and escalation.notice.kind == NoticeKind.RECTIFICATION


def test_should_decide_checks_in_order_once_and_with_grounds(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    with pytest.raises(TransitionError, match="督查日期（2026-12-08）到后才能裁定"):
        decide_check(db.session, due_check(share, 1), Verdict.PASS, actor=supervisor, now=at(2026, 12, 2))
    sweep(at(2026, 12, 10, 9))
    with pytest.raises(TransitionError, match="请先裁定第一次督查"):
        decide_check(db.session, due_check(share, 2), Verdict.PASS, actor=supervisor, now=at(2026, 12, 10, 10))
    with pytest.raises(TransitionError, match="须选择不合格情形或填写督查意见"):
        decide_check(db.session, due_check(share, 1), Verdict.FAIL, actor=supervisor, now=at(2026, 12, 10, 10))
    decide_check(
        db.session,
        due_check(share, 1),
        Verdict.PASS,
        in_person_note="到林场现场查看了整改台账",
        actor=supervisor,
        now=at(2026, 12, 10, 10),
    )
    check = due_check(share, 1)
    assert (check.in_person_on, check.decided_by_name) == (date(2026, 12, 10), str(supervisor))
    with pytest.raises(TransitionError, match="不能重复裁定"):
        decide_check(db.session, check, Verdict.FAIL, grounds=["行动迟缓"], actor=supervisor, now=at(2026, 12, 10, 11))


def test_should_refuse_a_skipped_rung_even_behind_the_workflow(office, supervisor):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()
    db.session.add(
        Escalation(
            assignment_id=share.id,
            level=2,
            previous_level=1,
            round_date=date(2026, 12, 8),
            reason="check_failed",
            created_at=ASSIGNED,
            created_by_name="x",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


# --- hands-on tools ----------------------------------------------------------------------------------------------


def test_should_issue_a_supervision_notice_of_the_source_kind_and_an_immediate_reminder(office, supervisor):
    decision = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    instruction = assigned_item(office, deadline=DEADLINE, now=ASSIGNED, source=ItemSource.HIGHER_INSTRUCTION)
    notice = issue_supervision_notice(
        db.session, decision, "进度不理想，请加快。", actor=supervisor, now=at(2026, 12, 3)
    )
    other = issue_supervision_notice(
        db.session, instruction.assignments[0], "请按批示要求落实。", actor=supervisor, now=at(2026, 12, 3)
    )
    assert (notice.kind, notice.number) == (NoticeKind.DECISION, "督决〔2026〕4号")  # 1–3 went with the assignment
    assert (other.kind, other.number) == (NoticeKind.INSTRUCTION, "督批〔2026〕4号")
    urged = urge_now(db.session, decision, "明天上午前报送进展。", actor=supervisor, now=at(2026, 12, 3, 10))
    assert urged.kind == NoticeKind.REMINDER and "明天上午前报送进展" in urged.body
    subjects = subjects_to("wang@forest.example.org")
    assert f"【决定事项办理督查通知单】{decision.item.number} {decision.item.title}" in subjects
    assert f"【催办通知单】{decision.item.number} {decision.item.title}" in subjects
    with pytest.raises(TransitionError, match="请填写催办的内容"):
        urge_now(db.session, decision, "  ", actor=supervisor, now=at(2026, 12, 3, 10))


def test_should_take_undecided_checks_off_the_queue_when_the_work_is_cancelled_or_its_checks_stopped(
    office, supervisor
):
    from workflows.checks import stop_checks
    from workflows.lifecycle import cancel_item

    stopped = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    cancelled = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 8, 9))  # the first checks are due
    stop_checks(db.session, stopped.assignments[0], "领导同意缓办", actor=supervisor, now=at(2026, 12, 8, 10))
    cancel_item(db.session, cancelled, "上级撤回", actor=supervisor, now=at(2026, 12, 8, 10))
    assert [c.state for c in stopped.assignments[0].checks] == [CheckState.MOOT] * 3
    assert {c.state for a in cancelled.assignments for c in a.checks} == {CheckState.MOOT}
    assert [c.state for c in stopped.assignments[1].checks][0] == CheckState.DUE  # the other units' checks stay
    with pytest.raises(TransitionError, match="不再督查"):
        decide_check(
            db.session,
            due_check(stopped.assignments[0], 1),
            Verdict.FAIL,
            grounds=["行动迟缓"],
            actor=supervisor,
            now=at(2026, 12, 8, 11),
        )
