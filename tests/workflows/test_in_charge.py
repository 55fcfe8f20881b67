"""分包 (workflows/in_charge.py): who watches a share, the SQL that finds a supervisor's shares, reassigning, and the
signature on what the unit receives."""

from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db
from models import Assignment, AuditEvent, Item, ReminderKind, Role
from tests.factories import make_user
from tests.office import assigned_item, at, build_office, outbox
from workflows.in_charge import (
    has_anything_in_charge,
    items_in_charge_of,
    set_share_supervisor,
    shares_in_charge_of,
    signature,
    supervisor_in_charge,
)
from workflows.lifecycle import TransitionError, resend_assignment_notice
from workflows.reminders import ReminderBatch, Slot

ASSIGNED = at(2026, 12, 1)


@pytest.fixture
def office(app):
    """The three-unit office; 李督查 in charge of the forest farm and the school, 陈督查 of nothing yet."""
    office = build_office()
    office.li = make_user("li", Role.SUPERVISOR, display_name="李督查", email="li@office.example.org")
    office.chen = make_user("chen", Role.SUPERVISOR, display_name="陈督查")
    office.forest.supervisor = office.li
    office.school.supervisor = office.li
    db.session.flush()
    return office


def test_should_follow_the_unit_unless_the_share_has_its_own_supervisor(office):
    item = assigned_item(office, deadline=date(2026, 12, 20), now=ASSIGNED)
    lead, school, finance = sorted(
        item.assignments, key=lambda a: [office.forest, office.school, office.finance].index(a.unit)
    )
    assert supervisor_in_charge(lead) is office.li and supervisor_in_charge(finance) is None
    school.supervisor = office.chen
    assert supervisor_in_charge(school) is office.chen
    office.chen.active = False  # a disabled account watches nothing: the share is nobody's until reassigned
    assert supervisor_in_charge(school) is None


def test_should_find_in_sql_exactly_the_shares_and_items_the_rule_gives(office):
    first = assigned_item(office, deadline=date(2026, 12, 20), now=ASSIGNED)
    second = assigned_item(office, deadline=date(2026, 12, 21), now=ASSIGNED, title="第二件")
    finance_only = next(a for a in second.assignments if a.unit == office.finance)
    finance_only.supervisor = office.chen
    forest_share = next(a for a in second.assignments if a.unit == office.forest)
    forest_share.supervisor = office.chen  # the central task's split overrides the unit's supervisor
    db.session.flush()
    shares = db.session.scalars(sa.select(Assignment)).all()
    for user in (office.li, office.chen):
        expected = {a.id for a in shares if supervisor_in_charge(a) is user}
        found = set(db.session.scalars(sa.select(Assignment.id).where(shares_in_charge_of(user.id))))
        assert found == expected and found
        items = set(db.session.scalars(sa.select(Item.id).where(items_in_charge_of(user.id))))
        assert items == {a.item_id for a in shares if a.id in expected}
    assert forest_share.id not in set(
        db.session.scalars(sa.select(Assignment.id).where(shares_in_charge_of(office.li.id)))
    )
    assert first.id in set(db.session.scalars(sa.select(Item.id).where(items_in_charge_of(office.li.id))))


def test_should_offer_the_mine_scope_only_to_a_supervisor_with_something_in_charge(office):
    leader = make_user("boss", Role.LEADER)
    assert has_anything_in_charge(db.session, office.li)
    assert not has_anything_in_charge(db.session, office.chen) and not has_anything_in_charge(db.session, leader)


def test_should_record_a_reassignment_and_sign_later_mail_with_the_new_supervisor(office):
    item = assigned_item(office, deadline=date(2026, 12, 20), now=ASSIGNED)
    lead = next(a for a in item.assignments if a.unit == office.forest)
    first_mail = outbox(assignment_id=lead.id)
    assert "分包督查员：李督查" in first_mail[0].body_text

    set_share_supervisor(db.session, lead, office.chen, actor=office.li, now=at(2026, 12, 2))
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "分包")).one()
    assert event.entity_id == lead.id and "李督查 → 陈督查" in event.summary

    resend_assignment_notice(db.session, lead, actor=office.chen, now=at(2026, 12, 3))
    mails = outbox(assignment_id=lead.id)
    assert "分包督查员：陈督查" in mails[-1].body_text
    assert "分包督查员：李督查" in mails[0].body_text  # what was sent stays as it was

    set_share_supervisor(db.session, lead, None, actor=office.li, now=at(2026, 12, 4))
    assert supervisor_in_charge(lead) is office.li  # back to the unit's supervisor


def test_should_refuse_to_hand_a_share_to_someone_who_is_not_an_active_supervisor(office):
    item = assigned_item(office, deadline=date(2026, 12, 20), now=ASSIGNED)
    leader = make_user("boss", Role.LEADER)
    office.chen.active = False
    for who in (leader, office.chen):
        with pytest.raises(TransitionError, match="只能分包给在用的督查员账号"):
            set_share_supervisor(db.session, item.assignments[0], who, actor=office.li, now=ASSIGNED)


def test_should_sign_the_reminders_with_the_supervisor_in_charge(office):
    item = assigned_item(office, deadline=date(2026, 12, 10), now=ASSIGNED)
    batch = ReminderBatch()
    for share in item.assignments:
        batch.add(share, Slot(date(2026, 12, 7), ReminderKind.BEFORE))
    signed = {notice.addressee: notice.issued_by_name for notice in batch.send(db.session, now=at(2026, 12, 7))}
    assert signed == {"东方红林场": "督查室（李督查）", "林业第一中学": "督查室（李督查）", "计财科": "督查室"}
    forest_mail = [m for m in outbox(kind="reminder") if m.recipient_email == "wang@forest.example.org"]
    finance_mail = [m for m in outbox(kind="reminder") if m.recipient_email == "zhang@finance.example.org"]
    assert "分包督查员：李督查，li@office.example.org）\n" in forest_mail[-1].body_text
    assert "分包督查员" not in finance_mail[-1].body_text


def test_should_sign_with_the_office_when_nobody_is_in_charge(office):
    assert signature(None, office.finance, "督查室") == "督查室"
    assert signature(None, office.forest, "督查室") == "督查室（李督查）"
