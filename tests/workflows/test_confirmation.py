"""Self-service confirmation: signed links to one's own entry; corrections wait for approval; one reminder."""

from datetime import date, datetime, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer

from clock import CHINA
from extensions import db
from models import Confirmation, ConfirmationAnswer, CorrectionStatus, Liaison, OutboxMessage, Role
from tests.factories import login, make_liaison, make_unit, make_user
from tests.office import sweep
from workflows.confirmation import (
    SALT,
    ConfirmationLinkError,
    check_confirmation_token,
    confirmation_token,
    due_campaign,
    remind_non_responders,
    send_confirmations,
)
from workflows.rules import install_rules

NOW = datetime(2026, 9, 1, 9, tzinfo=CHINA)


@pytest.fixture
def roster(app):
    """Two units with a liaison each, asked to confirm in campaign 2026-H2."""
    forest, school = make_unit("东方红林场"), make_unit("林业第一中学")
    wang = make_liaison(forest, "王林", email="wang@example.org", mobile="13900001111", post="干事")
    li = make_liaison(school, "李校", email="li@example.org")
    make_user("sup", Role.SUPERVISOR, display_name="李督查")
    send_confirmations(db.session, "2026-H2", now=NOW)
    db.session.commit()
    return {"wang": wang, "li": li, "forest": forest}


def confirmation_of(liaison) -> Confirmation:
    """The liaison's confirmation request."""
    return db.session.scalar(db.select(Confirmation).where(Confirmation.liaison_id == liaison.id))


def link_of(liaison) -> str:
    """The path of the liaison's confirmation page."""
    return f"/roster/{confirmation_token(confirmation_of(liaison))}"


def test_should_send_each_active_liaison_one_request_per_campaign(roster):
    mails = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "roster_confirmation")).all()
    assert sorted(m.recipient_email for m in mails) == ["li@example.org", "wang@example.org"]
    assert all(m.subject.startswith("【名录核对】") and "/roster/" in m.body_text for m in mails)
    assert send_confirmations(db.session, "2026-H2", now=NOW) == 0


def test_should_confirm_from_the_link(client, roster):
    response = client.post(link_of(roster["wang"]) + "/confirm", follow_redirects=True)
    assert "感谢您的确认" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        roster["wang"].confirmed_at is not None
        and confirmation_of(roster["wang"]).answer == ConfirmationAnswer.CONFIRMED
    )


def test_should_wait_for_approval_before_a_correction_changes_the_directory(client, roster):
    form = {"fix-mobile": "13800002222", "fix-post": "办公室主任", "fix-comment": "换了手机"}
    assert client.post(link_of(roster["wang"]) + "/correct", data=form).status_code == 302
    db.session.expire_all()
    wang = db.session.get(Liaison, roster["wang"].id)
    assert (wang.mobile, wang.post) == ("13900001111", "干事")
    confirmation = confirmation_of(wang)
    assert confirmation.correction_status == CorrectionStatus.PENDING
    login(client, "sup")
    assert "待审核的更正与离任" in client.get("/admin/directory_health/").get_data(as_text=True)
    assert client.post(f"/admin/confirmation/approve/?id={confirmation.id}").status_code == 302
    db.session.expire_all()
    wang = db.session.get(Liaison, wang.id)
    assert (wang.mobile, wang.post) == ("13800002222", "办公室主任") and wang.confirmed_at is not None
    history = client.get(f"/admin/liaison/details/?id={wang.id}").get_data(as_text=True)
    assert "手机：13900001111 → 13800002222" in history and "李督查" in history


def test_should_refuse_bad_corrections_in_chinese_and_keep_what_was_typed(client, roster):
    response = client.post(link_of(roster["wang"]) + "/correct", data={"fix-mobile": "12345", "fix-post": "主任"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "手机号码应为 11 位数字" in page and 'value="主任"' in page
    nothing = client.post(link_of(roster["wang"]) + "/correct", data={"fix-post": "干事"})
    assert "请至少填写一项与现有信息不同的更正内容" in nothing.get_data(as_text=True)


def test_should_hand_over_to_a_named_successor_once_approved(client, roster):
    form = {
        "left-successor_name": "孙新",
        "left-successor_email": "sun@example.org",
        "left-successor_mobile": "13700003333",
    }
    client.post(link_of(roster["wang"]) + "/left", data=form)
    confirmation = confirmation_of(roster["wang"])
    login(client, "sup")
    client.post(f"/admin/confirmation/approve/?id={confirmation.id}")
    db.session.expire_all()
    wang = db.session.get(Liaison, roster["wang"].id)
    sun = db.session.scalar(db.select(Liaison).where(Liaison.name == "孙新"))
    assert not wang.active and sun.active and sun.is_primary and sun.unit_id == roster["forest"].id


def test_should_not_apply_a_rejected_correction(client, roster):
    client.post(link_of(roster["wang"]) + "/correct", data={"fix-email": "new@example.org"})
    login(client, "sup")
    client.post(f"/admin/confirmation/reject/?id={confirmation_of(roster['wang']).id}")
    db.session.expire_all()
    assert db.session.get(Liaison, roster["wang"].id).email == "wang@example.org"
    assert confirmation_of(roster["wang"]).correction_status == CorrectionStatus.REJECTED


class TestLinks:
    """A confirmation link opens one's own entry only, and not forever."""

    def test_should_refuse_a_tampered_link(self, client, roster):
        response = client.get(link_of(roster["wang"])[:-2] + "xx")
        assert response.status_code == 403 and "链接无效" in response.get_data(as_text=True)

    def test_should_never_open_another_persons_entry(self, app, roster):
        forged = URLSafeTimedSerializer("wrong-secret", salt=SALT).dumps(
            {"c": confirmation_of(roster["li"]).id, "v": 1}
        )
        with pytest.raises(ConfirmationLinkError, match="链接无效"):
            check_confirmation_token(db.session, forged, now=NOW)
        token = confirmation_token(confirmation_of(roster["wang"]))
        assert check_confirmation_token(db.session, token, now=NOW).liaison_id == roster["wang"].id

    def test_should_expire_after_the_configured_days(self, app, roster):
        token = confirmation_token(confirmation_of(roster["wang"]))
        days = app.config["CONFIRMATION_LINK_DAYS"]
        now = datetime.now(CHINA)
        assert check_confirmation_token(db.session, token, now=now + timedelta(days=days) - timedelta(minutes=1))
        with pytest.raises(ConfirmationLinkError, match="已过期"):
            check_confirmation_token(db.session, token, now=now + timedelta(days=days, minutes=1))


def test_should_remind_non_responders_once_then_list_them(client, roster):
    assert remind_non_responders(db.session, now=NOW + timedelta(days=6)) == 0
    client.post(link_of(roster["li"]) + "/confirm")
    assert remind_non_responders(db.session, now=NOW + timedelta(days=7)) == 1  # only Wang had not answered
    assert remind_non_responders(db.session, now=NOW + timedelta(days=30)) == 0
    db.session.commit()
    reminders = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "roster_reminder")).all()
    assert [m.recipient_email for m in reminders] == ["wang@example.org"]
    login(client, "sup")
    page = client.get("/admin/directory_health/").get_data(as_text=True)
    assert "已提醒仍未答复核对的联络员" in page and "王林" in page


def test_should_start_a_campaign_on_its_day_within_a_month_only(app):
    app.config["CONFIRMATION_DATES"] = ["03-01", "09-01"]
    install_rules(app)  # the rules are built from the configuration once
    assert (
        due_campaign(db.session, date(2026, 8, 31)) is None
    )  # March's campaign is months old, September's not yet due
    assert due_campaign(db.session, date(2026, 9, 1)) == "2026-H2"
    assert due_campaign(db.session, date(2026, 9, 30)) == "2026-H2"
    assert due_campaign(db.session, date(2026, 10, 1)) is None  # a month late: skipped, not a surprise blast
    assert due_campaign(db.session, date(2026, 3, 15)) == "2026-H1"


def test_should_let_the_sweep_start_the_campaign_once(app):
    app.config["CONFIRMATION_DATES"] = ["09-01"]
    install_rules(app)  # the rules are built from the configuration once
    make_liaison(make_unit(), "王林", email="wang@example.org")
    db.session.commit()
    assert sweep(datetime(2026, 9, 2, 8, tzinfo=CHINA)).confirmations == 1
    assert sweep(datetime(2026, 9, 3, 8, tzinfo=CHINA)).confirmations == 0
