"""The office's month, end to end, through a real SMTP server: one unit answers, one climbs the whole ladder,
one gets an extension — and every e-mail arrives exactly once."""

import re
from collections import Counter
from datetime import date, timedelta

import pytest

from extensions import db
from models import Assignment, Item, ItemStatus, Role
from tests.conftest import make_config
from tests.factories import login, make_item, make_user
from tests.office import at, build_office
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """Mail to the test SMTP server."""
    return make_config(migrated_database, **smtp_server.mail_config())


def deliver(runner, moment):
    """Run send-mail at `moment`."""
    result = runner.invoke(args=["send-mail", "--now", moment.isoformat()])
    assert result.exit_code == 0, result.output


def day_of_office(runner, day: date):
    """What cron does on a working day: the sweep early, mail at 10:00."""
    result = runner.invoke(args=["sweep", "--now", at(day.year, day.month, day.day, 7).isoformat()])
    assert result.exit_code == 0, result.output
    deliver(runner, at(day.year, day.month, day.day, 10))


def link_in(mail) -> str:
    """The unit page's path in an e-mail."""
    return re.search(r"http://duban\.test(/unit/\S+)", mail.text).group(1)


def test_should_run_a_month_of_the_office_without_losing_or_doubling_an_email(app, client, runner, smtp_server):
    office = build_office()
    make_user("sup", Role.SUPERVISOR, display_name="李督查")
    item = make_item(
        office.forest, [office.school, office.finance], title="冬季供暖保障专项督查", deadline=date(2026, 12, 15)
    )
    db.session.commit()
    item_id = item.id

    # 1 December, 09:00: the supervisor assigns the item on the screen; the notices go out at 10:00.
    login(client, "sup")
    assert client.post(f"/admin/item/assign/?id={item_id}").status_code == 302
    deliver(runner, at(2026, 12, 1, 10))
    notices = {m.rcpt_tos[0]: m for m in smtp_server.wait_for(3)}
    assert set(notices) == {"wang@forest.example.org", "li@school.example.org", "zhang@finance.example.org"}
    assert all(m.subject.startswith("【督查通知单】督〔2026〕1号") for m in notices.values())

    # The forest farm answers from its link and is accepted.
    forest = client.application.test_client()
    forest_link = link_in(notices["wang@forest.example.org"])
    forest.post(forest_link + "/acknowledge", data={"ack-name": "王林"})
    forest.post(
        forest_link + "/feedback",
        data={
            "fb-progress": "供暖管网已全部检修",
            "fb-percent_complete": "100",
            "fb-contact_name": "王林",
            "fb-contact_phone": "0457-1234567",
        },
    )
    # The finance office asks for an extension, which is approved.
    finance_link = link_in(notices["zhang@finance.example.org"])
    forest.post(finance_link + "/acknowledge", data={"ack-name": "张财"})
    forest.post(
        finance_link + "/extension",
        data={"ext-requested_deadline": "2026-12-31", "ext-reason": "资金未到位", "ext-requested_by": "张财"},
    )
    db.session.expire_all()
    forest_share, school_share, finance_share = db.session.get(Item, item_id).assignments
    feedback_id = forest_share.feedbacks[0].id
    extension_id = db.session.scalar(db.text("SELECT id FROM extension_request"))
    assert (
        client.post(
            f"/admin/feedback/review/?id={feedback_id}", data={"verdict": "accepted", "comment": "好"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/admin/extension/decide/?id={extension_id}", data={"decision": "approve", "comment": "同意"}
        ).status_code
        == 302
    )

    # The school never answers. Run the office every day until the end of December.
    # The finance office reports on 29 December, in time for its new deadline, and is accepted.
    day = date(2026, 12, 1)
    while day <= date(2026, 12, 31):
        if day.weekday() < 5:
            day_of_office(runner, day)
        if day == date(2026, 12, 29):
            forest.post(
                finance_link + "/feedback",
                data={
                    "fb-progress": "资金已到位，供暖正常",
                    "fb-percent_complete": "100",
                    "fb-contact_name": "张财",
                    "fb-contact_phone": "0457-7654321",
                },
            )
            db.session.expire_all()
            finance_feedback = db.session.get(Assignment, finance_share.id).feedbacks[0].id
            assert (
                client.post(f"/admin/feedback/review/?id={finance_feedback}", data={"verdict": "accepted"}).status_code
                == 302
            )
        day += timedelta(days=1)
    db.session.expire_all()

    received = Counter((m.rcpt_tos[0], m.subject.split("】")[0] + "】") for m in smtp_server.messages)
    assert all(count == 1 for (_, kind), count in received.items() if kind != "【催办通知】"), received
    message_ids = [m.header("Message-ID") for m in smtp_server.messages]
    assert len(message_ids) == len(set(message_ids))

    school = [m.subject.split("】")[0] + "】" for m in smtp_server.messages if m.rcpt_tos == ["li@school.example.org"]]
    assert school == [
        "【督查通知单】",
        "【催办通知】",
        "【催办通知】",
        "【催办通知】",
        "【整改通知书】",
        "【黄牌警告】",
        "【提请追责】",
    ]
    ladder_recipients = {
        kind: {m.rcpt_tos[0] for m in smtp_server.messages if m.subject.startswith(kind)}
        for kind in ("【整改通知书】", "【黄牌警告】", "【提请追责】")
    }
    assert ladder_recipients["【整改通知书】"] == {"li@school.example.org", "head@school.example.org"}
    assert ladder_recipients["【黄牌警告】"] == {
        "li@school.example.org",
        "head@school.example.org",
        "deputy@example.org",
    }
    assert ladder_recipients["【提请追责】"] == {
        "li@school.example.org",
        "head@school.example.org",
        "deputy@example.org",
        "chief@example.org",
    }

    forest_mail = [
        m.subject.split("】")[0] + "】" for m in smtp_server.messages if m.rcpt_tos == ["wang@forest.example.org"]
    ]
    assert forest_mail == ["【督查通知单】", "【任务办结】"]  # answered and accepted in time: told so, nothing more
    finance_mail = [
        m.subject.split("】")[0] + "】" for m in smtp_server.messages if m.rcpt_tos == ["zhang@finance.example.org"]
    ]
    # reminded 3 working days before 31 Dec, then told its report was accepted and its share closed
    assert finance_mail == ["【督查通知单】", "【延期审批】", "【催办通知】", "【任务办结】"]
    finance = db.session.get(Assignment, finance_share.id)
    assert (finance.deadline, finance.status.value, finance.escalation_level) == (date(2026, 12, 31), "accepted", 0)
    assert [a.status.value for a in db.session.get(Item, item_id).assignments] == [
        "accepted",
        "assigned",
        "accepted",
    ]  # the school never even acknowledged
    assert db.session.get(Item, item_id).status == ItemStatus.IN_PROGRESS  # the school's share is still open
