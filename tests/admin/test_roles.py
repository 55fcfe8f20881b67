"""The role matrix: every role against every screen and operation, and a liaison confined to their unit."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from extensions import db
from models import (
    Assignment,
    AuditEvent,
    BureauLeader,
    CalendarDay,
    CheckGround,
    Circular,
    Confirmation,
    Escalation,
    ExtensionRequest,
    Feedback,
    Instruction,
    Item,
    Liaison,
    Notice,
    OutboxMessage,
    QuarterTarget,
    Role,
    StandIn,
    SupervisionCheck,
    Unit,
    User,
)
from tests.checking import due_check
from tests.factories import login, make_item, make_leader, make_liaison, make_unit, make_user
from tests.office import fail_next_check
from workflows.feedback import request_extension
from workflows.lifecycle import assign_item
from workflows.sanctions import issue_draft

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

L, D, C, E, X, DEL = "list", "details", "create", "edit", "export", "delete"
ALL = {L, D, C, E, X, DEL}
READS = {L, D, X}

# What each role may do in each screen, written out independently of admin_views/permissions.py.
EXPECTED = {
    "item": {"admin": ALL, "supervisor": ALL, "leader": READS, "liaison": READS},
    "assignment": {"admin": READS, "supervisor": READS, "leader": READS, "liaison": READS},
    "feedback": {"admin": ALL, "supervisor": READS | {C}, "leader": READS, "liaison": READS},
    "instruction": {"admin": ALL, "supervisor": READS | {C}, "leader": READS | {C}, "liaison": set()},
    "unit": {"admin": ALL, "supervisor": ALL, "leader": READS, "liaison": set()},
    "liaison": {"admin": ALL, "supervisor": ALL, "leader": READS, "liaison": set()},
    "leader": {"admin": ALL, "supervisor": ALL, "leader": READS, "liaison": set()},
    "user": {"admin": {L, D, C, E, DEL}, "supervisor": set(), "leader": set(), "liaison": set()},
    "audit": {"admin": READS, "supervisor": READS, "leader": set(), "liaison": set()},
    "notice": {"admin": READS, "supervisor": READS, "leader": READS, "liaison": READS},
    "escalation": {"admin": READS, "supervisor": READS, "leader": READS, "liaison": READS},
    "extension": {"admin": READS, "supervisor": READS, "leader": READS, "liaison": READS},
    "circular": {"admin": READS | {C, E, DEL}, "supervisor": READS | {C, E}, "leader": READS, "liaison": set()},
    "calendar": {"admin": ALL, "supervisor": READS, "leader": set(), "liaison": set()},
    "outbox": {"admin": READS, "supervisor": READS, "leader": set(), "liaison": set()},
    "quarter_target": {"admin": ALL, "supervisor": ALL, "leader": READS, "liaison": READS},
    "stand_in": {"admin": ALL, "supervisor": ALL, "leader": READS, "liaison": set()},
    "confirmation": {"admin": READS, "supervisor": READS, "leader": set(), "liaison": set()},
    "check": {"admin": READS, "supervisor": READS, "leader": READS, "liaison": READS},
    "check_queue": {"admin": {L, D}, "supervisor": {L, D}, "leader": set(), "liaison": set()},
    "check_ground": {"admin": ALL, "supervisor": ALL, "leader": set(), "liaison": set()},
}
MODELS = {
    "item": Item,
    "assignment": Assignment,
    "feedback": Feedback,
    "instruction": Instruction,
    "unit": Unit,
    "liaison": Liaison,
    "leader": BureauLeader,
    "user": User,
    "audit": AuditEvent,
    "notice": Notice,
    "escalation": Escalation,
    "extension": ExtensionRequest,
    "circular": Circular,
    "calendar": CalendarDay,
    "outbox": OutboxMessage,
    "quarter_target": QuarterTarget,
    "stand_in": StandIn,
    "confirmation": Confirmation,
    "check": SupervisionCheck,
    "check_queue": SupervisionCheck,
    "check_ground": CheckGround,
}
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SERIAL = itertools.count()


def build_office():
    """Two units, a liaison account in the first, and one record of every kind belonging to the first."""
    own, other = make_unit("第一林场"), make_unit("第二林场")
    users = {
        "admin": make_user("admin1", Role.ADMIN),
        "supervisor": make_user("sup1", Role.SUPERVISOR),
        "leader": make_user("leader1", Role.LEADER),
        "liaison": make_user("liaison1", Role.LIAISON, unit=own),
    }
    return own, other, users


def record_of(endpoint: str, own: Unit) -> int:
    """A fresh record of the screen's model, belonging to the liaison's own unit where that applies."""
    if endpoint == "item":
        return make_item(own).id
    if endpoint == "assignment":
        return make_item(own).assignments[0].id
    if endpoint == "feedback":
        assignment = make_item(own).assignments[0]
        feedback = Feedback(assignment=assignment, progress="进展", percent_complete=10, submitted_at=NOW)
        db.session.add(feedback)
        db.session.flush()
        return feedback.id
    if endpoint == "instruction":
        instruction = Instruction(item=make_item(own), text="请抓紧落实")
        db.session.add(instruction)
        db.session.flush()
        return instruction.id
    if endpoint == "unit":
        return make_unit().id
    if endpoint == "liaison":
        return make_liaison(own).id
    if endpoint == "leader":
        return make_leader().id
    if endpoint == "user":
        return make_user(
            f"victim{own.id}x{db.session.scalar(db.select(db.func.count()).select_from(User))}", Role.LEADER
        ).id
    if endpoint == "audit":
        return db.session.scalar(db.select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    if endpoint in ("notice", "escalation"):
        item = make_item(own, deadline=date(2026, 12, 15), now=NOW, three_checks=True)
        assign_item(db.session, item, actor=None, now=NOW)
        escalation = fail_next_check(item.assignments[0], now=NOW)
        issue_draft(db.session, escalation.notice, actor=None, now=NOW)  # the unit reads a notice once issued
        return escalation.notice_id if endpoint == "notice" else escalation.id
    if endpoint == "extension":
        item = make_item(own, deadline=date(2026, 12, 15), now=NOW)
        assign_item(db.session, item, actor=None, now=NOW)
        return request_extension(db.session, item.assignments[0], date(2026, 12, 31), "理由", by_name="王", now=NOW).id
    if endpoint == "circular":
        circular = Circular(period=f"{2000 + next(SERIAL)}-01", title="通报", body="正文", status="draft")
        db.session.add(circular)
        db.session.flush()
        return circular.id
    if endpoint == "calendar":
        day = CalendarDay(day=date(2026, 1, 1) + timedelta(days=next(SERIAL)), is_workday=False, note="测试")
        db.session.add(day)
        db.session.flush()
        return day.id
    if endpoint == "quarter_target":
        target = QuarterTarget(
            assignment=make_item(own).assignments[0], period=f"20{next(SERIAL) % 90 + 10}Q1", target="完成一半"
        )
        db.session.add(target)
        db.session.flush()
        return target.id
    if endpoint == "stand_in":
        stand_in = StandIn(
            liaison=make_liaison(own),
            name="代理人",
            email="stand-in@example.org",
            start=date(2026, 12, 1),
            end=date(2026, 12, 9),
        )
        db.session.add(stand_in)
        db.session.flush()
        return stand_in.id
    if endpoint == "confirmation":
        confirmation = Confirmation(liaison=make_liaison(own), campaign=f"C{next(SERIAL)}", sent_at=NOW)
        db.session.add(confirmation)
        db.session.flush()
        return confirmation.id
    if endpoint == "outbox":
        make_liaison(own, email=f"liaison{next(SERIAL)}@example.org")
        item = make_item(own, deadline=date(2026, 12, 15), now=NOW)
        assign_item(db.session, item, actor=None, now=NOW)
        return db.session.scalar(db.select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))
    if endpoint in ("check", "check_queue"):
        item = make_item(own, deadline=date(2026, 12, 15), now=NOW)
        assign_item(db.session, item, actor=None, now=NOW)
        return due_check(item.assignments[0], now=NOW).id
    if endpoint == "check_ground":
        ground = CheckGround(name=f"情形{next(SERIAL)}", sort_order=1, active=True)
        db.session.add(ground)
        db.session.flush()
        return ground.id
    raise AssertionError(endpoint)


@pytest.mark.parametrize("role", ["admin", "supervisor", "leader", "liaison"])
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_should_allow_exactly_what_the_role_matrix_says(client, endpoint, role):
    own, _, users = build_office()
    record_id = record_of(endpoint, own)
    victim_id = record_of(endpoint, own)
    db.session.commit()
    login(client, users[role].username)
    allowed = EXPECTED[endpoint][role]
    base = f"/admin/{endpoint}/"
    answers = {
        L: client.get(base),
        D: client.get(f"{base}details/?id={record_id}"),
        C: client.get(f"{base}new/"),
        E: client.get(f"{base}edit/?id={record_id}"),
        X: client.get(f"{base}export/csv/"),
    }
    for operation, response in answers.items():
        expected = 200 if operation in allowed else 403
        assert response.status_code == expected, f"{role} {operation} {endpoint}: {response.status_code}"
    deleted = client.post(f"{base}delete/", data={"id": victim_id})
    db.session.expire_all()
    still_there = db.session.get(MODELS[endpoint], victim_id) is not None
    if DEL in allowed:
        assert deleted.status_code == 302 and not still_there
    else:
        assert deleted.status_code == 403 and still_there


@pytest.fixture
def two_units(app):
    """A record of every kind in the liaison's unit and in another unit."""
    own, other, users = build_office()
    theirs = make_item(other, title="第二林场的事项")
    mine = make_item(own, title="第一林场的事项")
    assignment = theirs.assignments[0]
    feedback = Feedback(assignment=assignment, progress="别人的进展", percent_complete=50, submitted_at=NOW)
    db.session.add(feedback)
    db.session.commit()
    return {"users": users, "theirs": theirs, "mine": mine, "assignment": assignment, "feedback": feedback}


@pytest.mark.parametrize("endpoint", ["item", "assignment", "feedback"])
def test_should_hide_another_units_record_from_a_liaison_even_by_direct_url(client, two_units, endpoint):
    login(client, "liaison1")
    record = {"item": two_units["theirs"], "assignment": two_units["assignment"], "feedback": two_units["feedback"]}[
        endpoint
    ]
    for url in (f"/admin/{endpoint}/details/?id={record.id}", f"/admin/{endpoint}/edit/?id={record.id}"):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert "第二林场的事项" not in client.get(url, follow_redirects=True).get_data(as_text=True)
    client.post(f"/admin/{endpoint}/delete/", data={"id": record.id})
    client.post(f"/admin/{endpoint}/action/", data={"action": "delete", "rowid": record.id})
    db.session.expire_all()
    assert db.session.get(type(record), record.id) is not None


def test_should_list_and_export_only_the_liaisons_own_unit(client, two_units):
    login(client, "liaison1")
    listing = client.get("/admin/item/").get_data(as_text=True)
    assert "第一林场的事项" in listing and "第二林场的事项" not in listing
    export = client.get("/admin/item/export/csv/").get_data(as_text=True)
    assert "第一林场的事项" in export and "第二林场的事项" not in export
    assignments = client.get("/admin/assignment/export/csv/").get_data(as_text=True)
    assert "第一林场" in assignments and "第二林场" not in assignments
    feedback = client.get("/admin/feedback/").get_data(as_text=True)
    assert "别人的进展" not in feedback


def test_should_not_let_a_liaison_report_on_another_units_assignment(client, two_units):
    login(client, "liaison1")
    other = two_units["assignment"]
    response = client.post(
        "/admin/feedback/new/", data={"assignment": other.id, "progress": "冒名反馈", "percent_complete": "10"}
    )
    assert response.status_code == 403  # a liaison reports through the unit page, never the admin form
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Feedback).where(Feedback.progress == "冒名反馈")) == 0
    )
    # nor may they use that form's type-ahead of shares
    assert client.get("/admin/feedback/ajax/lookup/?name=assignment&query=事项").status_code == 403
