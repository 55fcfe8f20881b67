"""Numbered notices on their own (workflows/notices.py): numbering per kind and year, addressees, one mail each."""

from datetime import UTC, datetime

import pytest

from extensions import db
from models import NoticeKind
from outbox.mail import Recipient, queue_mails
from tests.office import assigned_item, at, build_office, outbox
from workflows.notices import issue_notice, mail_notice, notice_mail, notify_unit


@pytest.fixture
def office(app):
    """The three-unit test office."""
    return build_office()


def issue(kind: NoticeKind, now: datetime, **fields):
    """A notice of `kind` issued at `now` by the office."""
    return issue_notice(
        db.session, kind, title="测试通知", addressee="东方红林场", body="正文", now=now, issued_by="督查办", **fields
    )


def test_should_number_each_kind_in_its_own_series(app):
    numbers = [
        issue(kind, at(2026, 12, 1)).number
        for kind in (NoticeKind.RECTIFICATION, NoticeKind.RECTIFICATION, NoticeKind.YELLOW_CARD, NoticeKind.REMINDER)
    ]
    assert numbers == ["督整〔2026〕1号", "督整〔2026〕2号", "督警〔2026〕1号", "督催〔2026〕1号"]


def test_should_start_the_new_year_series_at_midnight_china_time(app):
    before = issue(NoticeKind.RECTIFICATION, datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC))  # 23:59:59 in China
    after = issue(NoticeKind.RECTIFICATION, datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC))  # 1 January 2027
    assert (before.number, before.year) == ("督整〔2026〕1号", 2026)
    assert (after.number, after.year, after.seq) == ("督整〔2027〕1号", 2027, 1)


def test_should_mail_a_notice_once_to_each_recipient(office):
    item = assigned_item(office, deadline=at(2026, 12, 15).date(), now=at(2026, 12, 1))
    notice = issue(NoticeKind.RECTIFICATION, at(2026, 12, 16))
    recipients = [Recipient("a@example.org", "甲"), Recipient("A@example.org", "甲"), Recipient("b@example.org")]

    def send():
        context = {"item": item, "unit": office.forest, "level": 1, "link": "http://duban.example/unit/x"}
        return mail_notice(
            db.session, notice, template="ladder", context=context, recipients=recipients, now=at(2026, 12, 16)
        )

    assert sorted(m.recipient_email for m in send()) == ["a@example.org", "b@example.org"]
    assert send() == []
    assert len(outbox(notice_id=notice.id)) == 2


def test_should_address_a_unit_notice_to_the_unit_and_mail_its_liaison(office):
    share = assigned_item(office, deadline=at(2026, 12, 15).date(), now=at(2026, 12, 1)).assignments[1]
    notice = notify_unit(
        db.session,
        share,
        NoticeKind.REMINDER,
        title="关于测试的催办通知单",
        body_template="notice_reminder.txt",
        mail_template="reminder_digest",
        context={"lines": [], "first": share.item},
        issued_by="督查办",
        now=at(2026, 12, 10),
    )
    assert (notice.addressee, notice.unit_id, notice.assignment_id) == ("林业第一中学", share.unit_id, share.id)
    assert notice.number == "督催〔2026〕1号"
    assert [m.recipient_email for m in outbox(notice_id=notice.id)] == ["li@school.example.org"]


def test_should_queue_a_batch_of_mails_once_each_in_order(office):
    item = assigned_item(office, deadline=at(2026, 12, 15).date(), now=at(2026, 12, 1))
    notice = issue(NoticeKind.RECTIFICATION, at(2026, 12, 16))
    context = {"item": item, "unit": office.forest, "level": 1, "link": "http://duban.example/unit/x"}
    first = notice_mail(notice, template="ladder", context=context, recipients=[Recipient("a@example.org", "甲")])
    mail_notice(
        db.session, notice, template="ladder", context=context, recipients=first.recipients, now=at(2026, 12, 16)
    )
    again = notice_mail(
        notice, template="ladder", context=context, recipients=[Recipient("A@example.org"), Recipient("b@example.org")]
    )
    other = notice_mail(notice, template="ladder", context=context, recipients=[Recipient("c@example.org")])
    queued = queue_mails(db.session, [again, other, again], now=at(2026, 12, 17))  # a@ has it; b@ is asked twice
    assert [[m.recipient_email for m in messages] for messages in queued] == [["b@example.org"], ["c@example.org"], []]
    assert all(m.id is not None and m in db.session for messages in queued for m in messages)
    assert [m.recipient_email for m in outbox(notice_id=notice.id)] == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
