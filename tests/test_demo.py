"""The demo office: a realistic, reproducible roster and items at every stage, loaded once however often it runs."""

import re

import pytest
import sqlalchemy as sa

from clock import china_date
from extensions import db
from models import (
    OPEN_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Base,
    BureauLeader,
    Feedback,
    Instruction,
    Item,
    ItemSource,
    ItemStatus,
    Liaison,
    ReviewStatus,
    Rhythm,
    Role,
    Unit,
    UnitKind,
    User,
)
from workflows.accounts import find_user
from workflows.audit import act_as
from workflows.demo import seed_demo

SEED_ARGS = ["seed-demo", "--now", "2026-11-26T10:00"]


@pytest.fixture
def seeded(app, now):
    """The demo office seeded at the fixed `now`, committed; returns the workflow's result."""
    act_as(db.session, "演示数据", now=now)
    result = seed_demo(db.session, now=now)
    db.session.commit()
    return result


def all_rows(model):
    return db.session.scalars(sa.select(model)).all()


def table_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def test_should_create_40_affiliated_units_and_14_departments_each_with_a_leader_in_charge(seeded):
    units = all_rows(Unit)
    assert sum(u.kind == UnitKind.AFFILIATED for u in units) == 40
    assert sum(u.kind == UnitKind.DEPARTMENT for u in units) == 14
    assert len({u.code for u in units}) == len({u.name for u in units}) == 54
    assert all(u.leader_in_charge is not None and u.head_name and u.phone for u in units)
    assert {"东方红林场", "林业医院", "供热公司", "党政办", "信访办"} <= {u.name for u in units}


def test_should_give_every_unit_exactly_one_active_primary_liaison(seeded):
    liaisons = all_rows(Liaison)
    assert len(liaisons) == 54
    primaries = [liaison.unit_id for liaison in liaisons if liaison.is_primary and liaison.active]
    assert sorted(primaries) == sorted(u.id for u in all_rows(Unit))
    assert {liaison.employment.label for liaison in liaisons} == {"专职", "兼职"}
    for liaison in liaisons:
        assert re.fullmatch(r"0457-\d{7}", liaison.office_phone)
        assert re.fullmatch(r"1[358]\d{9}", liaison.mobile)
        assert liaison.since is not None


def test_should_create_bureau_leaders_of_whom_a_few_receive_escalations(seeded):
    leaders = all_rows(BureauLeader)
    assert 6 <= len(leaders) <= 8
    assert 2 <= sum(leader.receives_escalations for leader in leaders) <= 3
    assert {"局长", "党委书记", "副局长", "纪委书记", "工会主席"} <= {leader.title for leader in leaders}


def test_should_use_only_reserved_example_domains_for_email(seeded):
    addresses = [u.head_email for u in all_rows(Unit)] + [u.office_email for u in all_rows(Unit)]
    addresses += [liaison.email for liaison in all_rows(Liaison)]
    addresses += [leader.email for leader in all_rows(BureauLeader)]
    addresses += [user.email for user in all_rows(User)]
    assert addresses and all(re.fullmatch(r"[a-z0-9.]+@([a-z0-9]+\.)?example\.org", a) for a in addresses)
    assert len({liaison.email for liaison in all_rows(Liaison)}) == 54


def test_should_register_about_60_numbered_items_from_every_source(seeded):
    items = all_rows(Item)
    assert 55 <= len(items) <= 65
    assert {item.source for item in items} == set(ItemSource)
    assert all(re.fullmatch(r"督〔2026〕\d+号", item.number) for item in items)
    assert sorted(item.seq for item in items) == list(range(1, len(items) + 1))
    assert all(item.rhythm == Rhythm.QUARTERLY for item in items if item.source == ItemSource.KEY_WORK)
    assert all(item.rhythm == Rhythm.MONTHLY for item in items if item.source == ItemSource.BENEFIT_PROJECT)
    assert all(
        item.ordering_leader and item.instruction for item in items if item.source == ItemSource.HIGHER_INSTRUCTION
    )


def test_should_give_every_item_exactly_one_lead_assignment(seeded):
    for item in all_rows(Item):
        leads = [a.unit_id for a in item.assignments if a.role == AssignmentRole.LEAD]
        assert leads == [item.lead_unit_id]
        assert len(item.assignments) <= 4


def test_should_spread_items_over_the_last_three_months_and_deadlines_over_past_and_future(seeded, now):
    today = china_date(now)
    items = all_rows(Item)
    created_days = [(today - china_date(item.created_at)).days for item in items]
    assert min(created_days) >= 0 and max(created_days) <= 92 and max(created_days) >= 60
    assert any(item.deadline < today for item in items) and any(item.deadline > today for item in items)
    assert all((item.deadline - today).days <= 62 and (today - item.deadline).days <= 92 for item in items)


def test_should_show_every_stage_of_the_lifecycle(seeded, now):
    today = china_date(now)
    items = all_rows(Item)
    statuses = {item.status for item in items}
    assert {ItemStatus.REGISTERED, ItemStatus.IN_PROGRESS, ItemStatus.UNDER_REVIEW, ItemStatus.CLOSED} <= statuses
    assert {ItemStatus.SUSPENDED, ItemStatus.CANCELLED} <= statuses
    assignments = all_rows(Assignment)
    assert any(a.is_overdue(today) for a in assignments)
    assert any(a.escalation_level in (1, 2) and a.is_overdue(today) for a in assignments)
    assert {AssignmentStatus.ASSIGNED, AssignmentStatus.IN_PROGRESS, AssignmentStatus.SUBMITTED} <= {
        a.status for a in assignments
    }


def test_should_close_items_only_when_every_share_was_accepted(seeded):
    closed = [item for item in all_rows(Item) if item.status == ItemStatus.CLOSED]
    assert closed
    for item in closed:
        for assignment in item.assignments:
            assert assignment.status == AssignmentStatus.ACCEPTED
            assert assignment.feedbacks[-1].review_status == ReviewStatus.ACCEPTED
            assert assignment.feedbacks[-1].percent_complete == 100


def test_should_keep_statuses_consistent_with_feedback(seeded):
    for item in all_rows(Item):
        for assignment in item.assignments:
            if item.status == ItemStatus.REGISTERED:
                assert assignment.status == AssignmentStatus.PENDING and not assignment.feedbacks
            if assignment.status == AssignmentStatus.SUBMITTED:
                assert assignment.feedbacks[-1].review_status == ReviewStatus.PENDING
            if assignment.escalation_level:
                assert assignment.status in OPEN_ASSIGNMENT_STATUSES


def test_should_store_feedback_times_as_aware_utc_in_order(seeded, now):
    feedbacks = all_rows(Feedback)
    assert feedbacks
    for feedback in feedbacks:
        assert feedback.submitted_at.utcoffset().total_seconds() == 0
        assert feedback.submitted_at <= now
        assert feedback.progress and feedback.contact_name and feedback.contact_phone
        if feedback.review_status == ReviewStatus.PENDING:
            assert feedback.reviewed_at is None
        else:
            assert feedback.submitted_at <= feedback.reviewed_at <= now and feedback.review_comment
        assert feedback.assignment.item.created_at <= feedback.submitted_at


def test_should_add_a_few_leader_instructions(seeded):
    instructions = all_rows(Instruction)
    assert 2 <= len(instructions) <= 10
    assert all(instruction.leader and instruction.text for instruction in instructions)


def test_should_create_the_demo_accounts_with_generated_passwords(seeded):
    accounts = {account["username"]: account for account in seeded["accounts"]}
    assert set(accounts) == {"duchayuan", "juzhang", "lianluoyuan"}
    supervisor, leader, liaison = (find_user(db.session, name) for name in ("duchayuan", "juzhang", "lianluoyuan"))
    assert supervisor.role == Role.SUPERVISOR and supervisor.check_password(accounts["duchayuan"]["password"])
    assert leader.role == Role.LEADER and leader.leader.title == "局长"
    assert liaison.role == Role.LIAISON and liaison.unit is not None
    assert liaison.check_password(accounts["lianluoyuan"]["password"])
    assert len({account["password"] for account in accounts.values()}) == 3


def test_should_create_nothing_the_second_time(seeded, now):
    before = table_counts()
    again = seed_demo(db.session, now=now)
    db.session.commit()
    assert table_counts() == before
    assert again["accounts"] == []
    assert all(count == 0 for key, count in again.items() if key != "accounts")


def test_should_not_create_an_account_whose_username_exists(app, now):
    from tests.factories import make_user

    make_user("duchayuan", Role.SUPERVISOR)
    result = seed_demo(db.session, now=now)
    assert {account["username"] for account in result["accounts"]} == {"juzhang", "lianluoyuan"}


def test_should_be_reproducible(app, now):
    first = seed_demo(db.session, now=now)
    snapshot = [(i.number, i.title, i.deadline, i.status, i.created_at) for i in all_rows(Item)]
    liaisons = [(liaison.name, liaison.email, liaison.mobile) for liaison in all_rows(Liaison)]
    db.session.rollback()
    second = seed_demo(db.session, now=now)
    assert {k: v for k, v in first.items() if k != "accounts"} == {k: v for k, v in second.items() if k != "accounts"}
    assert [(i.number, i.title, i.deadline, i.status, i.created_at) for i in all_rows(Item)] == snapshot
    assert [(liaison.name, liaison.email, liaison.mobile) for liaison in all_rows(Liaison)] == liaisons


def test_should_load_the_demo_from_the_command_line_once_and_print_the_accounts(runner):
    result = runner.invoke(args=SEED_ARGS)
    assert result.exit_code == 0, result.output
    for username in ("duchayuan", "juzhang", "lianluoyuan"):
        assert re.search(rf"用户名: {username}\s+密码: \S{{14}}", result.output)
    assert "督查事项 60 件" in result.output
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


def test_should_load_the_demo_with_if_empty_on_a_fresh_database(runner):
    result = runner.invoke(args=[*SEED_ARGS, "--if-empty"])
    assert result.exit_code == 0 and "督查事项 60 件" in result.output
