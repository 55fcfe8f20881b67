"""The sweep: reminders on their days, the ladder at its rounds, exactly once, after downtime, and concurrently."""

import multiprocessing
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from workflows.checks import stop_checks as stop_escalation

from extensions import db
from models import Escalation, FailureReason, Notice, OutboxMessage, ReminderLog, ReviewStatus
from tests.office import assigned_item, at, build_office, outbox, report, subjects_to, sweep, sweep_days
from workflows.feedback import acknowledge, review_feedback
from workflows.rules import install_rules
from workflows.sweep import run_sweep

ASSIGNED = at(2026, 12, 1)  # Tuesday
DEADLINE = date(2026, 12, 15)  # Tuesday; R2 = 22 Dec, R3 = 29 Dec (every 5 working days)


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


def counts() -> tuple[int, int, int, int]:
    """(outbox messages, notices, reminder logs, escalations)."""
    return tuple(
        db.session.scalar(db.select(db.func.count()).select_from(m))
        for m in (OutboxMessage, Notice, ReminderLog, Escalation)
    )


def test_should_remind_unacknowledged_then_before_then_on_the_day_then_climb_the_ladder(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2026, 12, 31))
    subjects = subjects_to("wang@forest.example.org")
    number = item.number
    assert subjects == [
        f"【督查通知单】{number} {item.title}",
        f"【催办通知】{number} {item.title}",  # 3 Dec: not acknowledged after 2 working days
        f"【催办通知】{number} {item.title}",  # 10 Dec: 3 working days before
        f"【催办通知】{number} {item.title}",  # 15 Dec: the day
        f"【整改通知书】{number} {item.title}（东方红林场）",  # 16 Dec: round 1 failed
        f"【黄牌警告】{number} {item.title}（东方红林场）",  # 23 Dec: round 2 (22 Dec) failed
        f"【提请追责】{number} {item.title}（东方红林场）",  # 30 Dec: round 3 (29 Dec) failed
    ]
    days = [
        m.created_at.astimezone(at(2026, 1, 1).tzinfo).date().day
        for m in outbox(recipient_email="wang@forest.example.org")
    ]
    assert days == [1, 3, 10, 15, 16, 23, 30]


def test_should_tell_more_people_at_each_rung(office, app):
    app.config["ESCALATION_EXTRA_RECIPIENTS"] = "party-committee@example.org"
    install_rules(app)  # the rules are built from the configuration once
    assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep_days(date(2026, 12, 16), date(2026, 12, 30))
    by_kind = {}
    for message in outbox(
        assignment_id=office.forest.id
        and db.session.scalar(db.select(Escalation.assignment_id).order_by(Escalation.id))
    ):
        by_kind.setdefault(message.kind, set()).add(message.recipient_email)
    assert by_kind["rectification"] == {"wang@forest.example.org", "head@forest.example.org"}
    assert by_kind["yellow_card"] == {"wang@forest.example.org", "head@forest.example.org", "deputy@example.org"}
    assert by_kind["accountability"] == {
        "wang@forest.example.org",
        "head@forest.example.org",
        "deputy@example.org",
        "chief@example.org",
        "party-committee@example.org",
    }
    notices = db.session.scalars(
        db.select(Notice.number)
        .where(Notice.kind.in_(["rectification", "yellow_card", "accountability"]))
        .order_by(Notice.id)
    ).all()
    assert notices[:3] == ["督整〔2026〕1号", "督整〔2026〕2号", "督整〔2026〕3号"]
    assert "督警〔2026〕1号" in notices and "督责〔2026〕3号" in notices


def test_should_send_nothing_twice_when_run_twice_or_later_the_same_day(office):
    assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 16, 9))
    first = counts()
    sweep(at(2026, 12, 16, 9))
    sweep(at(2026, 12, 16, 17))
    assert counts() == first


@pytest.mark.parametrize(
    "moment, rungs",
    [
        (at(2026, 12, 15, 23, 59, 59), 0),  # a second before the end of the deadline day
        (at(2026, 12, 16, 0, 0, 0), 1),  # at midnight
        (at(2026, 12, 16, 0, 0, 1), 1),  # a second after
    ],
)
def test_should_check_the_first_round_at_the_end_of_the_deadline_day(office, moment, rungs):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    for assignment in item.assignments:
        acknowledge(db.session, assignment, "联络员", now=ASSIGNED)
    db.session.commit()
    sweep(moment)
    assert {a.escalation_level for a in item.assignments} == {rungs}


def test_should_catch_up_after_ten_days_of_downtime_with_one_reminder_per_assignment(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 1, 10))
    sweep(at(2026, 12, 11, 10))  # missed: 3 Dec (签收提醒) and 10 Dec (到期前提醒)
    logs = db.session.scalars(db.select(ReminderLog).order_by(ReminderLog.assignment_id)).all()
    assert [(log.assignment_id, log.slot, log.kind.value) for log in logs] == [
        (a.id, date(2026, 12, 10), "before") for a in item.assignments
    ]
    assert len(subjects_to("wang@forest.example.org")) == 2  # the notice and one reminder


def test_should_climb_one_rung_only_after_downtime_across_two_rounds(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 14))
    sweep(at(2026, 12, 24))  # rounds of 15 and 22 December both passed while down
    assert {a.escalation_level for a in item.assignments} == {1}
    sweep(at(2026, 12, 24, 15))
    assert {a.escalation_level for a in item.assignments} == {1}
    sweep(at(2026, 12, 30))  # round of 29 December
    assert {a.escalation_level for a in item.assignments} == {2}


def test_should_send_one_digest_to_a_unit_with_several_reminders_due(office):
    first = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    second = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    for assignment in [*first.assignments, *second.assignments]:
        acknowledge(db.session, assignment, "联络员", now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 10))
    (digest,) = [m for m in outbox(recipient_email="wang@forest.example.org") if m.kind == "reminder"]
    assert digest.subject == f"【催办通知】{first.number} 等2项督查事项"
    assert first.number in digest.body_text and second.number in digest.body_text
    assert digest.body_text.count("/unit/") == 2
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Notice).where(Notice.kind == "reminder")) == 3
    )  # one per unit


def test_should_not_escalate_a_share_done_on_time_or_awaiting_review(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    done, waiting, late = item.assignments
    review_feedback(db.session, report(done), ReviewStatus.ACCEPTED, "", actor=None, now=ASSIGNED)
    report(waiting)  # submitted before the deadline, not yet reviewed
    db.session.commit()
    sweep_days(date(2026, 12, 16), date(2026, 12, 17))
    assert (done.escalation_level, waiting.escalation_level, late.escalation_level) == (0, 0, 1)
    review_feedback(
        db.session, waiting.feedbacks[0], ReviewStatus.RETURNED, "内容不全", actor=None, now=at(2026, 12, 17, 10)
    )
    db.session.commit()
    sweep(at(2026, 12, 17, 11))
    assert waiting.escalation_level == 1
    assert (
        db.session.scalar(db.select(Escalation.reason).where(Escalation.assignment_id == waiting.id))
        == FailureReason.NOT_ACCEPTED
    )


def test_should_pass_a_round_when_an_interim_report_was_accepted_in_time(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    share = item.assignments[0]
    review_feedback(db.session, report(share, percent=60), ReviewStatus.ACCEPTED, "", actor=None, now=ASSIGNED)
    db.session.commit()
    sweep(at(2026, 12, 16))
    assert share.escalation_level == 0 and share.checks_done == 1
    sweep(at(2026, 12, 23))  # nothing new since round 1: round 2 fails
    assert share.escalation_level == 1


def test_should_stop_the_ladder_and_remind_every_two_working_days_instead(office):
    item = assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    share = item.assignments[0]
    acknowledge(db.session, share, "王林", now=ASSIGNED)
    stop_escalation(db.session, share, "领导同意缓办", actor=None, now=ASSIGNED)
    db.session.commit()
    sweep_days(date(2026, 12, 1), date(2026, 12, 22))
    assert share.escalation_level == 0
    kinds = db.session.scalars(
        db.select(ReminderLog.kind).where(ReminderLog.assignment_id == share.id).order_by(ReminderLog.slot)
    ).all()
    slots = db.session.scalars(
        db.select(ReminderLog.slot).where(ReminderLog.assignment_id == share.id).order_by(ReminderLog.slot)
    ).all()
    # every 2 working days after Tuesday 15 December: Thursday 17 and Monday 21
    assert [k.value for k in kinds] == ["before", "due", "overdue", "overdue"]
    assert slots == [date(2026, 12, 10), date(2026, 12, 15), date(2026, 12, 17), date(2026, 12, 21)]


def test_should_count_working_days_across_national_day_for_reminders(office):
    item = assigned_item(office, deadline=date(2026, 10, 9), now=at(2026, 9, 21))
    share = item.assignments[0]
    acknowledge(db.session, share, "王林", now=at(2026, 9, 21))
    db.session.commit()
    sweep_days(date(2026, 9, 21), date(2026, 10, 9))
    slots = db.session.scalars(
        db.select(ReminderLog.slot).where(ReminderLog.assignment_id == share.id).order_by(ReminderLog.slot)
    ).all()
    # 3 working days before Friday 9 October: 8 Oct, 30 Sep, 29 Sep (1–7 October are the holiday).
    assert slots == [date(2026, 9, 29), date(2026, 10, 9)]


def test_should_refuse_a_skipped_or_repeated_rung_in_the_database(office):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    db.session.commit()

    def rung(level, previous):
        db.session.add(
            Escalation(
                assignment_id=share.id,
                level=level,
                previous_level=previous,
                round_date=DEADLINE,
                reason=FailureReason.NO_FEEDBACK,
                created_at=ASSIGNED,
                created_by_name="测试",
            )
        )
        db.session.flush()

    for level, previous in ((2, 1), (2, None), (3, 1)):
        with pytest.raises(IntegrityError):
            with db.session.begin_nested():
                rung(level, previous)
    rung(1, None)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            rung(1, None)
    rung(2, 1)


def test_should_only_look_at_what_is_due(office):
    assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    assert sweep(at(2026, 12, 1, 10)).examined == 3
    assert sweep(at(2026, 12, 2, 10)).examined == 0  # next look: 3 December
    assert sweep(at(2026, 12, 3, 10)).examined == 3


def run_sweep_in_process(database_url: str, moment_iso: str, barrier) -> None:
    """Worker process: one sweep, started at the same moment as the others."""
    from datetime import datetime

    from app import create_app
    from tests.conftest import make_config

    app = create_app(make_config(database_url))
    with app.app_context():
        barrier.wait()
        run_sweep(db.session, now=datetime.fromisoformat(moment_iso))
        db.session.commit()


def test_should_not_duplicate_anything_when_two_sweeps_run_at_once(office, database_url):
    for _ in range(3):
        assigned_item(office, deadline=DEADLINE, now=ASSIGNED)
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    moment = at(2026, 12, 16).isoformat()
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            pool.starmap(run_sweep_in_process, [(database_url, moment, barrier)] * 2)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 9
    keys = db.session.scalars(db.select(OutboxMessage.dedupe_key)).all()
    assert len(keys) == len(set(keys))
    assert len(subjects_to("wang@forest.example.org")) == 3 + 3  # three notices, three 整改通知书


def test_should_climb_only_one_rung_when_the_awaited_report_is_judged_unsatisfactory(office):
    share = assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]
    feedback = report(share, percent=80, now=at(2026, 12, 14))
    db.session.commit()
    sweep(at(2026, 12, 16))  # round 1 waits for the review
    assert share.escalation_level == 0
    review_feedback(db.session, feedback, ReviewStatus.UNSATISFACTORY, "措施空泛", actor=None, now=at(2026, 12, 16, 10))
    db.session.commit()
    assert share.escalation_level == 1
    sweep(at(2026, 12, 17))  # the same report does not fail round 1 a second time
    assert share.escalation_level == 1
    sweep(at(2026, 12, 23))  # round 2 (22 December): still nothing accepted
    assert share.escalation_level == 2
