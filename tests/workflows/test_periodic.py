"""Periodic items: monthly reports by the 5th (next working day when not one), laggards, the 月通报; quarters."""

from datetime import date

import pytest

from extensions import db
from models import Circular, CircularStatus, Escalation, Rhythm
from tests.office import assigned_item, at, build_office, outbox, report, sweep_days
from workdays import WorkCalendar
from workflows.circulars import send_circular
from workflows.lifecycle import TransitionError
from workflows.periodic import period_events, report_day


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


@pytest.mark.parametrize(
    "year, month, expected",
    [
        (2026, 11, date(2026, 11, 5)),  # a Thursday
        (2026, 12, date(2026, 12, 7)),  # the 5th is a Saturday: the next working day
        (2026, 10, date(2026, 10, 8)),  # the 5th is in the National Day holiday
        (2026, 2, date(2026, 2, 5)),
    ],
)
def test_should_set_the_report_day_on_the_5th_or_the_next_working_day(app, year, month, expected):
    assert report_day(WorkCalendar(), year, month) == expected


def test_should_plan_a_reminder_on_the_first_working_day_and_a_check_after_the_report_day(office):
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 10, 20), rhythm=Rhythm.MONTHLY)
    events = [(e.day, e.kind.value, e.period) for e in period_events(item.assignments[0], WorkCalendar())]
    assert events == [
        (date(2026, 11, 2), "period", "2026-11"),
        (date(2026, 11, 6), "laggard", "2026-11"),
        (date(2026, 12, 1), "period", "2026-12"),
        (date(2026, 12, 8), "laggard", "2026-12"),
    ]


def test_should_remind_every_unit_and_notify_only_the_laggards(office):
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 10, 20), rhythm=Rhythm.MONTHLY)
    on_time, late, silent = item.assignments
    db.session.commit()
    sweep_days(date(2026, 10, 20), date(2026, 11, 3))
    report(on_time, percent=30, period="2026-11", now=at(2026, 11, 4, 10))
    db.session.commit()
    sweep_days(date(2026, 11, 4), date(2026, 11, 9))
    report(late, percent=20, period="2026-11", now=at(2026, 11, 10, 8))
    db.session.commit()
    sweep_days(date(2026, 11, 10), date(2026, 11, 12))
    reminders = sorted(m.recipient_email for m in outbox(kind="period_reminder"))
    assert reminders == ["li@school.example.org", "wang@forest.example.org", "zhang@finance.example.org"]
    laggard_notices = [m for m in outbox(kind="assignment") if "未报送" in m.subject]
    assert sorted(m.recipient_email for m in laggard_notices) == ["li@school.example.org", "zhang@finance.example.org"]
    assert all(
        m.subject.startswith(f"【督查通知单】{item.number}") and "2026年11月未报送" in m.subject
        for m in laggard_notices
    )
    assert {a.escalation_level for a in item.assignments} == {0}


def test_should_draft_the_monthly_circular_once_and_send_it_to_every_unit(office):
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 10, 20), rhythm=Rhythm.MONTHLY)
    report(item.assignments[0], percent=45, progress="新建净水设备已安装", period="2026-11", now=at(2026, 11, 3))
    db.session.commit()
    sweep_days(date(2026, 11, 5), date(2026, 11, 9))
    (circular,) = db.session.scalars(db.select(Circular)).all()
    assert circular.period == "2026-11" and circular.status == CircularStatus.DRAFT
    assert "东方红林场：完成45%，新建净水设备已安装" in circular.body
    assert "东方红林场：完成45%，新建净水设备已安装\n" in circular.body  # on time: no 逾期报送
    assert (
        "未按期报送的单位：林业第一中学、计财科" in circular.body
        or "未按期报送的单位：计财科、林业第一中学" in circular.body
    )
    circular.body += "\n请各单位对照整改。"
    notice = send_circular(db.session, circular, actor=None, now=at(2026, 11, 10))
    db.session.commit()
    assert notice.number == "督报〔2026〕1号"
    sent = outbox(kind="monthly_circular")
    assert sorted(m.recipient_email for m in sent) == [
        "li@school.example.org",
        "wang@forest.example.org",
        "zhang@finance.example.org",
    ]
    assert all(m.subject.startswith("【月通报】督报〔2026〕1号") and "请各单位对照整改。" in m.body_text for m in sent)
    with pytest.raises(TransitionError, match="不能重复发送"):
        send_circular(db.session, circular, actor=None, now=at(2026, 11, 10))


def test_should_send_a_supervision_notice_not_a_sanction_when_a_quarterly_report_is_missing(office):
    item = assigned_item(office, deadline=date(2027, 3, 31), now=at(2026, 9, 1), rhythm=Rhythm.QUARTERLY)
    on_time = item.assignments[0]
    report(on_time, percent=25, period="2026Q3", now=at(2026, 10, 8, 16))
    db.session.commit()
    sweep_days(date(2026, 9, 25), date(2026, 10, 9))
    # Q3 is due on the 5th of October — in the holiday, so Thursday 8 October; checked on Friday 9 October.
    assert [a.escalation_level for a in item.assignments] == [0, 0, 0]
    assert db.session.scalar(db.select(Escalation)) is None
    laggards = {m.assignment_id for m in outbox(kind="assignment")} & {a.id for a in item.assignments[1:]}
    assert (
        {m.assignment_id for m in outbox(kind="assignment") if m.created_at >= at(2026, 10, 9, 0)}
        == {a.id for a in item.assignments[1:]}
        == laggards
    )
    reminder_days = sorted(
        {m.created_at.astimezone(at(2026, 1, 1).tzinfo).date() for m in outbox(kind="period_reminder")}
    )
    assert reminder_days == [date(2026, 9, 28)]  # 3 working days before 8 October (1–7 October are the holiday)


def test_should_set_quarterly_targets_and_show_them_on_the_units_page(client, office):
    from models import Role
    from tests.factories import login, make_user
    from workflows.tokens import make_token

    item = assigned_item(office, deadline=date(2027, 12, 31), now=at(2026, 12, 1), rhythm=Rhythm.QUARTERLY)
    share = item.assignments[0]
    make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    login(client, "sup")
    bad = client.post(
        "/admin/quarter_target/new/", data={"assignment": share.id, "period": "一季度", "target": "完成选址"}
    )
    assert "请从列表中选择季度" in bad.get_data(as_text=True) and "完成选址" in bad.get_data(as_text=True)
    assert (
        client.post(
            "/admin/quarter_target/new/", data={"assignment": share.id, "period": "2027Q1", "target": "完成选址"}
        ).status_code
        == 302
    )
    page = client.get(f"/unit/{make_token(share)}").get_data(as_text=True)
    assert "季度目标" in page and "2027年第一季度" in page and "完成选址" in page


def test_should_keep_waiting_for_review_when_a_period_report_is_reviewed_first(office):
    from models import AssignmentStatus, ReviewStatus
    from workflows.feedback import review_feedback

    share = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 10, 20), rhythm=Rhythm.MONTHLY).assignments[
        0
    ]
    monthly = report(share, percent=60, period="2026-11", now=at(2026, 11, 3))
    report(share, percent=100, now=at(2026, 11, 20))  # the final report
    assert share.status == AssignmentStatus.SUBMITTED
    review_feedback(db.session, monthly, ReviewStatus.ACCEPTED, "", actor=None, now=at(2026, 11, 21))
    assert share.status == AssignmentStatus.SUBMITTED


def test_should_not_name_in_the_circular_a_unit_that_owed_no_report(office):
    from models import ReviewStatus
    from workflows.feedback import review_feedback
    from workflows.lifecycle import assign_item

    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 10, 20), rhythm=Rhythm.MONTHLY)
    done_early = item.assignments[1]
    review_feedback(
        db.session,
        report(done_early, percent=100, now=at(2026, 10, 25)),
        ReviewStatus.ACCEPTED,
        "",
        actor=None,
        now=at(2026, 10, 26),
    )
    late_comer = make_late_unit(item)
    assign_item(db.session, item, actor=None, now=at(2026, 11, 10))  # assigned after the November report day
    db.session.commit()
    sweep_days(date(2026, 11, 6), date(2026, 11, 12))
    (circular,) = db.session.scalars(db.select(Circular)).all()
    assert office.forest.name in circular.body
    assert done_early.unit.name not in circular.body and late_comer.name not in circular.body


def make_late_unit(item):
    """A unit added to the item after its assignment."""
    from tests.factories import make_liaison, make_unit
    from workflows.items import save_item

    unit = make_unit("晚到林场")
    make_liaison(unit, "晚到", email="late@example.org")
    save_item(db.session, item, [*item.co_units, unit], now=at(2026, 11, 10))
    return unit


def test_should_not_chase_a_quarter_while_the_final_report_awaits_review(office):
    item = assigned_item(office, deadline=date(2027, 3, 31), now=at(2026, 9, 1), rhythm=Rhythm.QUARTERLY)
    share = item.assignments[0]
    report(share, percent=100, now=at(2026, 9, 30))  # final report, not yet reviewed
    db.session.commit()
    sweep_days(date(2026, 10, 8), date(2026, 10, 12))
    late = {m.assignment_id for m in outbox(kind="assignment") if m.created_at >= at(2026, 10, 8, 0)}
    assert late == {a.id for a in item.assignments[1:]}  # the share awaiting review is not chased
