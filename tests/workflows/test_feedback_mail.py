"""The unit hears every verdict on its report by mail: accepted (and, with a final report, its share closed)."""

from datetime import date

import pytest

from extensions import db
from models import ReviewStatus
from outbox.delivery import deliver_outbox
from tests.conftest import make_config
from tests.factories import make_liaison
from tests.office import assigned_item, at, build_office, outbox, report
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)
from workflows.feedback import review_feedback

NOW = at(2026, 12, 2, 10)


@pytest.fixture
def app_config(migrated_database, smtp_server):
    """Mail to the test SMTP server."""
    return make_config(migrated_database, **smtp_server.mail_config(MAIL_TIMEOUT=2))


@pytest.fixture
def office(app):
    return build_office()


def test_should_tell_the_unit_its_final_report_is_accepted_and_its_share_closed_in_one_mail(app, office, smtp_server):
    share = assigned_item(office, deadline=date(2026, 12, 15), now=at(2026, 12, 1)).assignments[0]
    feedback = report(share, percent=100)
    review_feedback(db.session, feedback, ReviewStatus.ACCEPTED, "材料齐全", actor=None, now=NOW)
    (accepted,) = outbox(kind="feedback_accepted")
    assert accepted.recipient_email == "wang@forest.example.org" and accepted.assignment_id == share.id
    assert accepted.subject == f"【任务办结】{share.item.number} {share.item.title}"
    db.session.commit()

    deliver_outbox(db.session, now=NOW)
    mails = [m for m in smtp_server.wait_for(len(outbox())) if m.subject.startswith("【任务办结】")]
    (mail,) = mails  # one mail says both: accepted, and the share is closed
    assert mail.rcpt_tos == ["wang@forest.example.org"]
    assert "经督查室审核予以通过" in mail.text and "审核意见：材料齐全" in mail.text
    assert "已办结" in mail.text and "无需再填报" in mail.text and "/unit/" not in mail.text
    assert "已办结" in mail.html and "材料齐全" in mail.html


def test_should_tell_the_unit_an_interim_report_is_accepted_and_the_work_goes_on(app, office):
    share = assigned_item(office, deadline=date(2026, 12, 15), now=at(2026, 12, 1)).assignments[0]
    review_feedback(db.session, report(share, percent=40), ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
    (accepted,) = outbox(kind="feedback_accepted")
    assert accepted.subject.startswith(f"【反馈通过】{share.item.number}")
    assert "予以通过" in accepted.body_text and "尚未办结" in accepted.body_text and "已办结" not in accepted.body_text
    assert "审核意见" not in accepted.body_text and "/unit/" in accepted.body_text
    assert "2026年12月15日" in accepted.body_text or "2026-12-15" in accepted.body_text


def test_should_send_the_acceptance_to_the_same_people_as_a_return(app, office):
    make_liaison(office.forest, "赵副", email="zhao@forest.example.org", is_primary=False)
    first, second = (
        assigned_item(office, deadline=date(2026, 12, 15), now=at(2026, 12, 1)).assignments[0] for _ in range(2)
    )
    review_feedback(db.session, report(first), ReviewStatus.RETURNED, "请补充照片", actor=None, now=NOW)
    review_feedback(db.session, report(second), ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
    returned = sorted(m.recipient_email for m in outbox(kind="feedback_returned"))
    accepted = sorted(m.recipient_email for m in outbox(kind="feedback_accepted"))
    assert accepted == returned and accepted


def test_should_mail_a_review_only_once(app, office):
    share = assigned_item(office, deadline=date(2026, 12, 15), now=at(2026, 12, 1)).assignments[0]
    review_feedback(db.session, report(share, percent=100), ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
    assert len(outbox(kind="feedback_accepted")) == 1 and outbox(kind="feedback_returned") == []
