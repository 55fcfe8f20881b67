"""The health page finds each problem of the roster, and each finding has its remedy."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from extensions import db
from models import Confirmation, Liaison, OutboxMessage, OutboxStatus, Role
from tests.factories import login, make_liaison, make_unit, make_user

NOW = datetime(2026, 11, 26, 2, tzinfo=UTC)


@pytest.fixture
def supervisor(client):
    """A client signed in as a supervisor."""
    make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    login(client, "sup")
    return client


def page(client) -> str:
    """The health page's HTML."""
    return client.get("/admin/directory_health/").get_data(as_text=True)


def section(html: str, title: str) -> str:
    """The part of the page under one heading."""
    start = html.index(title)
    end = html.find("<h5", start + 1)
    return html[start : end if end > 0 else None]


def test_should_list_a_unit_without_a_liaison_with_a_link_to_add_one(supervisor):
    lonely = make_unit("青山林场")
    make_liaison(make_unit("红旗林场"), "王林", email="wang@example.org")
    db.session.commit()
    found = section(page(supervisor), "没有在岗联络员的单位")
    assert "青山林场" in found and "红旗林场" not in found and f"unit_id={lonely.id}" in found
    form = supervisor.get(f"/admin/liaison/new/?unit_id={lonely.id}").get_data(as_text=True)
    assert json.dumps("青山林场")[1:-1] in form  # the unit comes pre-filled in the type-ahead


def test_should_list_a_liaison_whose_mail_bounced(supervisor):
    wang = make_liaison(make_unit("红旗林场"), "王林", email="Wang@Example.org")
    db.session.add(
        OutboxMessage(
            message_id="<x@duban>",
            kind="reminder",
            recipient_email="wang@example.org",
            subject="s",
            body_text="b",
            status=OutboxStatus.FAILED,
            attempts=1,
            next_attempt_at=NOW,
            created_at=NOW,
            last_error="550 5.1.1 Mailbox unavailable",
        )
    )
    db.session.commit()
    found = section(page(supervisor), "邮件被退回")
    assert "王林" in found and "550 5.1.1" in found and f"/admin/liaison/edit/?id={wang.id}" in found


def test_should_list_stale_entries_and_send_them_a_confirmation_request(supervisor, app):
    fresh = make_liaison(make_unit("红旗林场"), "新确认", email="fresh@example.org")
    fresh.confirmed_at = datetime.now(UTC) - timedelta(days=10)
    stale = make_liaison(make_unit("青山林场"), "久未确认", email="stale@example.org")
    stale.confirmed_at = datetime.now(UTC) - timedelta(days=app.config["CONFIRMATION_MAX_AGE_DAYS"] + 1)
    never = make_liaison(make_unit("白桦林场"), "从未确认", email="never@example.org")
    db.session.commit()
    found = section(page(supervisor), "长期未确认")
    assert "久未确认" in found and "从未确认" in found and "新确认" not in found
    supervisor.post("/admin/directory_health/confirm/", data={"id": [stale.id, never.id]})
    asked = db.session.scalars(db.select(Confirmation.liaison_id)).all()
    assert sorted(asked) == sorted([stale.id, never.id])


def test_should_list_duplicate_people_by_email_or_mobile(supervisor):
    make_liaison(make_unit("红旗林场"), "王林", email="same@example.org", mobile="13900001111")
    make_liaison(make_unit("青山林场"), "王琳", email="SAME@example.org")
    make_liaison(make_unit("白桦林场"), "赵六", email="z@example.org", mobile="13900001111")
    db.session.commit()
    found = section(page(supervisor), "疑似重复的人员")
    assert "电子邮箱 same@example.org" in found and "手机 13900001111" in found


def test_should_list_liaisons_of_inactive_units_and_deactivate_them(supervisor):
    closed = make_unit("已撤并林场")
    wang = make_liaison(closed, "王林", email="wang@example.org")
    closed.active = False
    db.session.commit()
    found = section(page(supervisor), "已停用单位的在岗联络员")
    assert "王林" in found
    supervisor.post("/admin/directory_health/deactivate/", data={"id": [wang.id]})
    db.session.expire_all()
    assert not db.session.get(Liaison, wang.id).active
    assert "王林" not in section(page(supervisor), "已停用单位的在岗联络员")


def test_should_keep_the_health_page_from_leaders_and_liaisons(client):
    unit = make_unit()
    make_user("boss", Role.LEADER)
    make_user("wang", Role.LIAISON, unit=unit)
    db.session.commit()
    for username in ("boss", "wang"):
        login(client, username)
        assert client.get("/admin/directory_health/").status_code == 403
        assert client.post("/admin/directory_health/deactivate/", data={"id": [1]}).status_code in (400, 403)
        client.post("/logout")
