"""The audit trail records the actor and moment its edge set with `act_as`, never the signed-in user or the clock."""

from datetime import UTC, datetime

import click
import pytest
from flask_login import login_user
from sqlalchemy import select

import audit
from audit import SYSTEM_ACTOR, NoMomentError, act_as, record_step
from cli import acting_as_system
from cli.options import now_option
from extensions import db
from models import AuditEvent, Role, Unit, UnitKind
from tests.factories import make_unit, make_user
from web.auth import act_for_request

LONG_AGO = datetime(2024, 3, 1, 1, 30, tzinfo=UTC)  # far from the test clock, so a clock reading would show


def trail_of(unit: Unit) -> list[AuditEvent]:
    """The audit rows of one unit, oldest first."""
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "unit", AuditEvent.entity_id == unit.id).order_by(AuditEvent.id)
    ).all()


def test_should_not_import_the_signed_in_user_or_the_clock():
    assert not hasattr(audit, "current_user")
    assert not hasattr(audit, "utcnow")


def test_should_record_the_named_actor_inside_a_request_signed_in_as_someone_else(app):
    other = make_user("other-admin", Role.ADMIN, display_name="另一位管理员")
    with app.test_request_context():
        login_user(other)
        act_as(db.session, "张三（命令行）", now=LONG_AGO)
        unit = make_unit("留痕单位")
        record_step(db.session, "核对", unit, "", now=LONG_AGO)
        db.session.flush()
    rows = trail_of(unit)
    assert [(r.action, r.actor_name, r.actor_id) for r in rows] == [
        ("新建", "张三（命令行）", None),
        ("核对", "张三（命令行）", None),
    ]
    assert {r.at for r in rows} == {LONG_AGO}
    assert unit.created_at == unit.updated_at == LONG_AGO


def test_should_record_the_system_when_no_actor_was_named_even_inside_a_signed_in_request(app):
    other = make_user("signed-in", Role.ADMIN, display_name="已登录的人")
    with app.test_request_context():
        login_user(other)
        act_as(db.session, None, now=LONG_AGO)
        unit = make_unit("无人署名")
        record_step(db.session, "核对", unit, "", now=LONG_AGO)
        db.session.flush()
    assert [(r.actor_name, r.actor_id) for r in trail_of(unit)] == [(SYSTEM_ACTOR, None), (SYSTEM_ACTOR, None)]


def test_should_record_the_named_user_outside_any_request(app):
    supervisor = make_user("supervisor", Role.SUPERVISOR, display_name="督查员甲")
    act_as(db.session, supervisor, now=LONG_AGO)
    unit = make_unit("用户署名")
    assert [(r.actor_name, r.actor_id, r.at) for r in trail_of(unit)] == [(str(supervisor), supervisor.id, LONG_AGO)]


def test_should_refuse_a_flush_whose_edge_set_no_moment(app):
    db.session.info.pop("now", None)
    db.session.add(Unit(code="T001", name="没有时间的单位", kind=UnitKind.AFFILIATED, active=True))
    with pytest.raises(NoMomentError):
        db.session.flush()
    db.session.rollback()


def test_should_act_for_the_signed_in_user_at_the_web_edge(app):
    user = make_user("edge-user", Role.SUPERVISOR, display_name="督查员乙")
    with app.test_request_context("/admin/"):
        login_user(user)
        act_for_request()
        unit = make_unit("网页署名")
    assert [(r.actor_name, r.actor_id) for r in trail_of(unit)] == [(str(user), user.id)]


def test_should_act_for_the_system_at_the_command_line_edge_at_its_now(app, runner):
    @click.command("touch-unit")
    @now_option("业务时间")
    def touch_unit(now):
        make_unit("命令行单位")
        db.session.commit()

    result = runner.invoke(acting_as_system(touch_unit), ["--now", "2024-03-01T09:30"])
    assert result.exit_code == 0, result.output
    unit = db.session.scalar(select(Unit).where(Unit.name == "命令行单位"))
    assert [(r.actor_name, r.at) for r in trail_of(unit)] == [(SYSTEM_ACTOR, LONG_AGO)]
