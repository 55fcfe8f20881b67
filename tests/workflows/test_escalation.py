"""The ladder's functions on their own (workflows/escalation.py): round days, due rounds, one rung at a time."""

from datetime import UTC, date, datetime

import pytest

from extensions import db
from models import LADDER, Escalation, FailureReason, Notice, ReviewStatus
from tests.office import assigned_item, at, build_office, report
from workdays import WorkCalendar
from workflows.escalation import (
    fail_check,
    judge_round,
    ladder_active,
    latest_due_round,
    round_date,
    run_due_round,
    stop_escalation,
)
from workflows.feedback import review_feedback
from workflows.lifecycle import TransitionError

ASSIGNED = at(2026, 12, 1)  # Tuesday
DEADLINE = date(2026, 12, 15)  # Tuesday; rounds every 5 working days: 15, 22 and 29 December


@pytest.fixture
def share(app):
    """The forest farm's share of an item due on 15 December 2026 (the lead share of the three-unit office)."""
    office = build_office()
    return assigned_item(office, deadline=DEADLINE, now=ASSIGNED).assignments[0]


@pytest.fixture
def calendar(app) -> WorkCalendar:
    """The working-day calendar (statutory 2026 holidays and make-up days)."""
    return WorkCalendar.load(db.session)


def rungs_of(share) -> list[tuple[int, int | None, str]]:
    """(level, previous level, notice kind) of every rung the share reached, in order."""
    rows = db.session.execute(
        db.select(Escalation.level, Escalation.previous_level, Notice.kind)
        .join(Notice, Notice.id == Escalation.notice_id)
        .where(Escalation.assignment_id == share.id)
        .order_by(Escalation.level)
    ).all()
    return [(level, previous, kind.value) for level, previous, kind in rows]


def test_should_place_the_rounds_every_five_working_days_after_the_deadline(share, calendar):
    assert [round_date(share, n, calendar) for n in (1, 2, 3)] == [
        date(2026, 12, 15),
        date(2026, 12, 22),
        date(2026, 12, 29),
    ]


def test_should_skip_national_day_and_count_the_make_up_saturday_between_rounds(share, calendar):
    share.deadline = date(2026, 9, 30)  # Wednesday before National Day (1–7 October 2026)
    # 8, 9, 10 (Saturday, a make-up working day), 12 and 13 October
    assert round_date(share, 2, calendar) == date(2026, 10, 13)
    assert round_date(share, 3, calendar) == date(2026, 10, 20)


@pytest.mark.parametrize(
    "now, due",
    [
        (at(2026, 12, 15, 23, 59, 59), None),  # a second before midnight China time: the deadline day is not over
        (at(2026, 12, 16, 0, 0, 0), 1),  # at midnight
        (at(2026, 12, 16, 0, 0, 1), 1),  # a second after
        (datetime(2026, 12, 15, 15, 59, 59, tzinfo=UTC), None),  # the same edges given in UTC
        (datetime(2026, 12, 15, 16, 0, 0, tzinfo=UTC), 1),
    ],
)
def test_should_make_the_first_round_due_at_midnight_china_time_after_the_deadline(share, calendar, now, due):
    assert latest_due_round(share, calendar, now) == due


def test_should_make_the_second_round_due_after_the_make_up_saturday_is_counted(share, calendar):
    share.deadline, share.checks_done = date(2026, 9, 30), 1
    assert latest_due_round(share, calendar, at(2026, 10, 13, 23, 59, 59)) is None
    assert latest_due_round(share, calendar, at(2026, 10, 14, 0, 0, 0)) == 2


def test_should_name_only_the_latest_due_round_after_downtime(share, calendar):
    assert latest_due_round(share, calendar, at(2026, 12, 30)) == 3  # rounds 1, 2 and 3 have all passed


def test_should_judge_a_round_on_the_feedback_of_its_window(share, calendar):
    assert judge_round(share, 1, calendar, since_round=0).reason == FailureReason.NO_FEEDBACK
    feedback = report(share, percent=50, now=at(2026, 12, 15, 23, 59, 59))  # the last second of the deadline day
    assert judge_round(share, 1, calendar, since_round=0).verdict == "wait"
    review_feedback(db.session, feedback, ReviewStatus.ACCEPTED, "", actor=None, now=at(2026, 12, 16, 9))
    assert judge_round(share, 1, calendar, since_round=0).verdict == "pass"
    # round 2 looks only at what came after round 1: nothing
    assert judge_round(share, 2, calendar, since_round=1).reason == FailureReason.NO_FEEDBACK


def test_should_not_count_a_feedback_sent_at_midnight_for_the_round_of_the_day_before(share, calendar):
    report(share, percent=50, now=at(2026, 12, 16, 0, 0, 0))
    assert judge_round(share, 1, calendar, since_round=0).verdict == "fail"


def test_should_climb_one_rung_per_run_even_when_three_rounds_have_passed(share, calendar):
    assert run_due_round(db.session, share, calendar, now=at(2026, 12, 30)) == "fail"
    assert (share.escalation_level, share.checks_done) == (1, 3)
    assert rungs_of(share) == [(1, None, "rectification")]


def test_should_climb_each_rung_once_when_the_same_round_is_run_twice(share, calendar):
    run_due_round(db.session, share, calendar, now=at(2026, 12, 16))
    assert run_due_round(db.session, share, calendar, now=at(2026, 12, 16, 17)) is None
    assert rungs_of(share) == [(1, None, "rectification")]


def test_should_climb_the_three_rungs_in_order_with_their_notices(share, calendar):
    for day in (16, 23, 30):
        run_due_round(db.session, share, calendar, now=at(2026, 12, day))
    assert rungs_of(share) == [(rung.level, rung.level - 1 or None, rung.kind.value) for rung in LADDER]
    assert rungs_of(share) == [(1, None, "rectification"), (2, 1, "yellow_card"), (3, 2, "accountability")]
    assert not ladder_active(share)
    assert run_due_round(db.session, share, calendar, now=at(2027, 1, 20)) is None


def test_should_issue_the_notice_named_after_its_rung(share):
    escalation = fail_check(db.session, share, FailureReason.NO_FEEDBACK, DEADLINE, actor=None, now=at(2026, 12, 16))
    notice = escalation.notice
    assert notice.number == "督整〔2026〕1号"
    assert notice.title == f"关于东方红林场办理“{share.item.title}”的整改通知书"
    assert "现发出整改通知书" in notice.body and "将予以黄牌警告" in notice.body


def test_should_not_climb_above_the_top_rung(share):
    for _ in range(4):
        fail_check(db.session, share, FailureReason.NO_FEEDBACK, DEADLINE, actor=None, now=at(2026, 12, 16))
    assert share.escalation_level == 3
    assert [level for level, _, _ in rungs_of(share)] == [1, 2, 3]


def test_should_climb_no_rung_once_the_ladder_is_stopped(share, calendar):
    stop_escalation(db.session, share, "领导同意缓办", actor=None, now=ASSIGNED)
    assert not ladder_active(share)
    assert run_due_round(db.session, share, calendar, now=at(2026, 12, 16)) is None
    assert fail_check(db.session, share, FailureReason.NO_FEEDBACK, DEADLINE, actor=None, now=at(2026, 12, 16)) is None
    assert share.escalation_level == 0 and rungs_of(share) == []


def test_should_refuse_to_stop_the_ladder_twice_or_without_a_reason(share):
    with pytest.raises(TransitionError, match="须填写原因"):
        stop_escalation(db.session, share, "  ", actor=None, now=ASSIGNED)
    stop_escalation(db.session, share, "领导同意缓办", actor=None, now=ASSIGNED)
    with pytest.raises(TransitionError, match="已停止督办"):
        stop_escalation(db.session, share, "再次停止", actor=None, now=ASSIGNED)


def test_should_keep_the_ladder_quiet_for_a_share_already_done(share, calendar):
    review_feedback(db.session, report(share), ReviewStatus.ACCEPTED, "", actor=None, now=ASSIGNED)
    assert not ladder_active(share)
    assert run_due_round(db.session, share, calendar, now=at(2026, 12, 16)) is None
