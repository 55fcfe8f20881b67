"""Each source's own steps: hotline calls (register, 回访), instructions from above (上报 and its reminders),
proposals (答复, the representative's judgement by link or by a supervisor, 二次办理)."""

from datetime import date, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from extensions import db
from models import (
    AssignmentStatus,
    HigherInstruction,
    ItemSource,
    ItemStatus,
    JudgedVia,
    Notice,
    Proposal,
    ReviewStatus,
    Role,
    Satisfaction,
)
from tests.factories import make_user
from tests.office import assigned_item, at, build_office, outbox, report, subjects_to, sweep
from workflows.feedback import review_feedback
from workflows.hotline import (
    CallInput,
    earlier_calls,
    ensure_categories,
    hotline_counts,
    record_callback,
    register_call,
)
from workflows.lifecycle import TransitionError
from workflows.proposals import (
    SALT,
    JudgementLinkError,
    answer_proposal,
    check_link,
    judge,
    make_link_token,
    proposal_counts,
)
from workflows.upward import pending_upward_reports, report_upward, upward_reports_on_time

NOW = at(2026, 11, 26, 10)


@pytest.fixture
def office(app):
    return build_office()


def call_input(office, **fields) -> CallInput:
    categories = {c.name: c for c in ensure_categories(db.session)}
    values = dict(
        called_at=NOW - timedelta(minutes=5),
        caller="刘女士",
        phone="0457-3221234",
        category_id=categories[fields.pop("category", "供暖")].id,
        said="林苑小区3号楼暖气不热，室温只有12度。",
        unit_id=office.forest.id,
        days=5,
    )
    values.update(fields)
    return CallInput(**values)


def accept_all(item, now):
    for assignment in item.assignments:
        review_feedback(db.session, report(assignment, now=now), ReviewStatus.ACCEPTED, "", actor=None, now=now)


# ----- hotline ---------------------------------------------------------------------------------------------------


def test_registering_a_call_makes_an_assigned_hotline_item_and_mails_the_unit(office):
    call = register_call(db.session, call_input(office), actor=None, now=NOW)
    item = call.item
    assert item.source == ItemSource.HOTLINE and not item.three_checks
    assert item.title.startswith("【供暖】林苑小区") and item.status == ItemStatus.ASSIGNED
    assert item.deadline == date(2026, 12, 3)  # 5 working days from Thursday 26 November
    assert [a.unit for a in item.assignments] == [office.forest]
    assert item.assignments[0].status == AssignmentStatus.ASSIGNED
    assert call.phone == "04573221234" and call.category.name == "供暖"
    assert any(item.title in s for s in subjects_to("wang@forest.example.org"))


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"caller": " "}, "来电人"),
        ({"phone": "abc"}, "来电号码"),
        ({"said": ""}, "来电内容"),
        ({"days": 0}, "办理时限"),
        ({"days": 61}, "办理时限"),
        ({"unit_id": None}, "承办单位"),
        ({"category_id": 999999}, "类别"),
    ],
)
def test_a_call_missing_what_it_needs_is_refused_in_chinese(office, fields, message):
    with pytest.raises(TransitionError, match=message):
        register_call(db.session, call_input(office, **fields), actor=None, now=NOW)


def test_the_call_back_answers_the_call_and_closes_it_once_the_unit_is_accepted(office):
    call = register_call(db.session, call_input(office), actor=None, now=NOW)
    accept_all(call.item, at(2026, 11, 30))
    assert call.item.status == ItemStatus.UNDER_REVIEW  # waiting for the call-back
    record_callback(
        db.session,
        call,
        on=date(2026, 12, 1),
        method="phone",
        satisfaction="satisfied",
        note="已告知维修结果，室温恢复。",
        actor=None,
        now=at(2026, 12, 1, 15),
    )
    assert call.item.status == ItemStatus.CLOSED and call.item.satisfaction == Satisfaction.SATISFIED
    assert call.satisfaction == Satisfaction.SATISFIED and call.callback_on == date(2026, 12, 1)
    with pytest.raises(TransitionError, match="已登记回访"):
        record_callback(
            db.session,
            call,
            on=date(2026, 12, 1),
            method="phone",
            satisfaction="satisfied",
            note="再次",
            actor=None,
            now=at(2026, 12, 1, 16),
        )


@pytest.mark.parametrize(
    "on, method, satisfaction, note, message",
    [
        (date(2026, 12, 5), "phone", "satisfied", "x", "不能晚于今天"),
        (date(2026, 11, 1), "phone", "satisfied", "x", "不能早于来电日期"),
        (date(2026, 11, 27), "fax", "satisfied", "x", "回访方式"),
        (date(2026, 11, 27), "phone", "", "x", "满意度"),
        (date(2026, 11, 27), "phone", "satisfied", " ", "回访情况"),
    ],
)
def test_a_bad_call_back_is_refused(office, on, method, satisfaction, note, message):
    call = register_call(db.session, call_input(office), actor=None, now=NOW)
    with pytest.raises(TransitionError, match=message):
        record_callback(
            db.session,
            call,
            on=on,
            method=method,
            satisfaction=satisfaction,
            note=note,
            actor=None,
            now=at(2026, 11, 27, 10),
        )


def test_a_number_shows_its_earlier_calls_and_a_liaison_only_those_of_their_unit(office):
    first = register_call(db.session, call_input(office), actor=None, now=at(2026, 11, 20))
    other_unit = register_call(
        db.session, call_input(office, unit_id=office.school.id, phone="0457 3221234"), actor=None, now=at(2026, 11, 23)
    )
    latest = register_call(db.session, call_input(office, category="城管"), actor=None, now=NOW)
    register_call(db.session, call_input(office, phone="13900001111"), actor=None, now=NOW)
    assert earlier_calls(db.session, latest) == [other_unit, first]
    assert earlier_calls(db.session, latest, unit_id=office.forest.id) == [first]


def test_hotline_counts_by_category_and_satisfaction_for_a_year(office):
    call = register_call(db.session, call_input(office), actor=None, now=NOW)
    register_call(db.session, call_input(office, category="城管"), actor=None, now=NOW)
    accept_all(call.item, at(2026, 11, 30))
    record_callback(
        db.session,
        call,
        on=date(2026, 11, 30),
        method="phone",
        satisfaction="basically",
        note="已办",
        actor=None,
        now=at(2026, 11, 30, 16),
    )
    counts = hotline_counts(db.session, 2026)
    assert counts == {
        "total": 2,
        "by_category": {"供暖": 1, "城管": 1},
        "by_satisfaction": {"基本满意": 1, "未回访": 1},
        "called_back": 1,
    }
    assert hotline_counts(db.session, 2025)["total"] == 0


# ----- instructions from above -------------------------------------------------------------------------------------


def from_above(office, *, due: date, received: date = date(2026, 11, 20)) -> HigherInstruction:
    supervisor = make_user("duchayuan", Role.SUPERVISOR, email="duchayuan@example.org")
    item = assigned_item(
        office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=ItemSource.HIGHER_INSTRUCTION
    )
    item.created_by = supervisor
    record = HigherInstruction(
        item=item,
        issuing_body="省林草局",
        issuing_leader="陈副局长",
        document_number="黑林草批〔2026〕8号",
        received_on=received,
        report_due=due,
    )
    db.session.add(record)
    db.session.flush()
    return record


def test_the_item_cannot_close_before_it_is_reported_upward(office):
    record = from_above(office, due=date(2026, 12, 10))
    accept_all(record.item, at(2026, 12, 1))
    assert record.item.status == ItemStatus.UNDER_REVIEW
    report_upward(
        db.session, record, on=date(2026, 12, 2), text="已按要求完成并报省林草局。", actor=None, now=at(2026, 12, 2, 11)
    )
    assert record.item.status == ItemStatus.CLOSED and not record.reported_late
    with pytest.raises(TransitionError, match="已登记上报"):
        report_upward(db.session, record, on=date(2026, 12, 2), text="再报", actor=None, now=at(2026, 12, 2, 12))


def test_a_report_after_the_deadline_is_shown_late_and_counted_so(office):
    record = from_above(office, due=date(2026, 11, 25))
    assert record.is_late(date(2026, 11, 26)) and pending_upward_reports(db.session) == [record]
    report_upward(db.session, record, on=date(2026, 11, 27), text="补报。", actor=None, now=at(2026, 11, 27, 9))
    assert record.reported_late and pending_upward_reports(db.session) == []
    assert upward_reports_on_time(db.session, 2026, today=date(2026, 11, 27)) == {
        "due": 1,
        "reported": 1,
        "on_time": 0,
        "late": 1,
        "outstanding": 0,
    }


@pytest.mark.parametrize(
    "on, text, message",
    [
        (date(2026, 12, 1), "x", "不能晚于今天"),
        (date(2026, 11, 1), "x", "不能早于收文日期"),
        (date(2026, 11, 26), " ", "上报内容"),
    ],
)
def test_a_bad_upward_report_is_refused(office, on, text, message):
    record = from_above(office, due=date(2026, 12, 10))
    with pytest.raises(TransitionError, match=message):
        report_upward(db.session, record, on=on, text=text, actor=None, now=NOW)


def test_the_supervisor_is_reminded_before_the_upward_deadline_and_on_the_day_once_each(office):
    record = from_above(office, due=date(2026, 12, 10))  # a Thursday: reminded on Monday 7 December and that day
    db.session.commit()
    sweep(at(2026, 12, 4, 8))
    assert outbox(kind="upward_reminder") == []
    sweep(at(2026, 12, 7, 8))
    sweep(at(2026, 12, 7, 9))
    subjects = [m.subject for m in outbox(kind="upward_reminder")]
    assert len(subjects) == 1 and "上报提醒" in subjects[0]
    assert outbox(kind="upward_reminder")[0].recipient_email == "duchayuan@example.org"
    sweep(at(2026, 12, 10, 8))
    assert len(outbox(kind="upward_reminder")) == 2 and "今天是上报时限" in outbox(kind="upward_reminder")[1].body_text
    report_upward(db.session, record, on=date(2026, 12, 10), text="已上报。", actor=None, now=at(2026, 12, 10, 9))
    db.session.commit()
    sweep(at(2026, 12, 11, 8))
    assert len(outbox(kind="upward_reminder")) == 2


# ----- proposals ---------------------------------------------------------------------------------------------------


def proposal_of(office, *, email="rep@example.org") -> Proposal:
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=ItemSource.STAFF_PROPOSAL)
    proposal = Proposal(
        item=item,
        number="提案2026-07",
        representatives="马代表、朱代表",
        delegation="东方红林场代表团",
        seconders="林代表",
        category="生活福利",
        email=email,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def answered(office, **fields) -> Proposal:
    proposal = proposal_of(office, **fields)
    accept_all(proposal.item, at(2026, 11, 24))
    answer_proposal(db.session, proposal, "已增设通勤班车两班。", actor=None, now=at(2026, 11, 25, 10))
    return proposal


def test_the_answer_sends_the_representative_a_link_and_their_judgement_closes_it(office):
    proposal = answered(office)
    (mail,) = outbox(kind="proposal_judgement")
    assert mail.recipient_email == "rep@example.org" and "/proposal/" in mail.body_text
    assert proposal.item.status == ItemStatus.CLOSED
    assert check_link(db.session, make_link_token(proposal), now=NOW) is proposal
    judge(db.session, proposal, "satisfied", via=JudgedVia.LINK, by_name="马代表", now=NOW)
    assert proposal.item.satisfaction == Satisfaction.SATISFIED and proposal.item.status == ItemStatus.CLOSED
    assert proposal_counts(db.session, 2026) == {
        "total": 1,
        "answered": 1,
        "by_judgement": {"满意": 1},
        "reopened": 0,
    }


def test_without_an_address_no_link_goes_and_a_supervisor_enters_the_judgement(office):
    proposal = answered(office, email=None)
    assert outbox(kind="proposal_judgement") == []
    judge(db.session, proposal, "basically", "基本解决", via=JudgedVia.OFFICE, by_name="督查员", now=NOW)
    assert proposal.judgements[0].via == JudgedVia.OFFICE
    with pytest.raises(TransitionError, match="不能重复评价"):
        judge(db.session, proposal, "satisfied", via=JudgedVia.OFFICE, by_name="督查员", now=NOW)


def test_dissatisfied_reopens_every_share_for_a_second_handling_with_its_own_deadline(office):
    proposal = answered(office)
    before = db.session.query(Notice).count()
    judge(db.session, proposal, "dissatisfied", "班次太少", via=JudgedVia.LINK, by_name="马代表", now=NOW)
    item = proposal.item
    assert proposal.round == 2 and proposal.second_deadline == date(2026, 12, 10)  # 10 working days
    assert item.status == ItemStatus.IN_PROGRESS and item.answer is None and item.closed_at is None
    assert {a.status for a in item.assignments} == {AssignmentStatus.IN_PROGRESS}
    assert {a.deadline for a in item.assignments} == {date(2026, 12, 10)}
    assert db.session.query(Notice).count() == before + 3  # a notice (with its link) to each unit
    accept_all(item, at(2026, 12, 3))
    answer_proposal(db.session, proposal, "再增一班。", actor=None, now=at(2026, 12, 4, 10))
    judge(db.session, proposal, "dissatisfied", via=JudgedVia.LINK, by_name="马代表", now=at(2026, 12, 5))
    assert proposal.round == 2 and item.status == ItemStatus.CLOSED  # the second 不满意 is recorded, not reopened
    assert proposal_counts(db.session, 2026)["reopened"] == 1


def test_the_representative_s_link_refuses_tampering_expiry_and_a_second_use(app, office):
    proposal = answered(office)
    token = make_link_token(proposal)
    with pytest.raises(JudgementLinkError, match="链接无效"):
        check_link(db.session, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), now=NOW)
    forged = URLSafeTimedSerializer("another-secret", salt=SALT).dumps({"p": proposal.id, "r": 1, "v": 1})
    with pytest.raises(JudgementLinkError, match="链接无效"):
        check_link(db.session, forged, now=NOW)
    with pytest.raises(JudgementLinkError, match="已过期"):
        check_link(db.session, token, now=NOW + timedelta(days=31))
    judge(db.session, proposal, "satisfied", via=JudgedVia.LINK, by_name="马代表", now=NOW)
    with pytest.raises(JudgementLinkError, match="只能使用一次"):
        check_link(db.session, token, now=NOW)
