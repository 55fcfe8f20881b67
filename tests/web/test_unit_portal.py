"""The unit's page from a notice's link: signed, bound, revocable, expiring; 签收, feedback, extension; bad input."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from extensions import db
from models import AssignmentStatus, Attachment, ExtensionRequest, Feedback
from tests.office import assigned_item, at, build_office
from workflows.tokens import SALT, LinkError, check_token, link_expires_at, make_token, revoke_links

NOW = at(2026, 12, 1)


@pytest.fixture
def shares(app):
    """The three shares of an item assigned on 1 December."""
    office = build_office()
    item = assigned_item(
        office, deadline=date(2026, 12, 15), now=NOW, content="请于月底前完成防火检查。", instruction="抓紧落实"
    )
    db.session.commit()
    return item.assignments


def link(assignment) -> str:
    """The path of a share's unit page."""
    return f"/unit/{make_token(assignment)}"


class TestTokens:
    """Links are bound to one assignment and one version, and expire after the deadline."""

    def test_should_open_the_assignment_it_was_made_for(self, shares):
        assert check_token(db.session, make_token(shares[0]), now=NOW).assignment is shares[0]

    def test_should_refuse_a_tampered_link(self, shares):
        token = make_token(shares[0])
        forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
        with pytest.raises(LinkError, match="链接无效"):
            check_token(db.session, forged, now=NOW)

    def test_should_never_open_another_assignment(self, shares):
        token = make_token(shares[0])
        _, timestamp, signature = token.split(".")
        swapped = base64_encode(json.dumps({"a": shares[1].id, "v": 1}, separators=(",", ":"))).decode()
        signed_elsewhere = URLSafeTimedSerializer("another-secret", salt=SALT).dumps({"a": shares[1].id, "v": 1})
        for candidate in (f"{swapped}.{timestamp}.{signature}", signed_elsewhere):
            with pytest.raises(LinkError, match="链接无效"):
                check_token(db.session, candidate, now=NOW)

    def test_should_stop_working_when_revoked(self, shares):
        token = make_token(shares[0])
        revoke_links(shares[0])
        with pytest.raises(LinkError, match="已被督查室收回"):
            check_token(db.session, token, now=NOW)
        assert check_token(db.session, make_token(shares[0]), now=NOW).assignment is shares[0]

    def test_should_expire_a_configured_time_after_the_end_of_the_deadline_day(self, app, shares):
        expires = link_expires_at(shares[0])
        assert expires == at(2026, 12, 16, 0) + timedelta(days=app.config["LINK_VALID_DAYS_AFTER_DEADLINE"])
        token = make_token(shares[0])
        assert check_token(db.session, token, now=expires - timedelta(seconds=1))
        for moment in (expires, expires + timedelta(seconds=1)):
            with pytest.raises(LinkError, match="已过期"):
                check_token(db.session, token, now=moment)

    def test_should_follow_an_extended_deadline(self, shares):
        token = make_token(shares[0])
        late = link_expires_at(shares[0]) + timedelta(days=1)
        shares[0].deadline = date(2027, 1, 31)
        assert check_token(db.session, token, now=late).assignment is shares[0]


class TestPage:
    """What a liaison sees and does, with no account."""

    def test_should_show_the_item_and_its_requirements(self, client, shares):
        page = client.get(link(shares[0])).get_data(as_text=True)
        for text in (
            "东方红林场",
            "请于月底前完成防火检查。",
            "抓紧落实",
            "2026-12-15",
            "尚未签收",
            "落实情况反馈表",
            "延期申请",
            "督查通知单",
        ):
            assert text in page, text

    @pytest.mark.parametrize("token", ["nonsense", "eyJhIjoxfQ.forged.signature"])
    def test_should_answer_a_bad_link_with_a_chinese_page(self, client, shares, token):
        response = client.get(f"/unit/{token}")
        assert response.status_code == 403 and "链接无法使用" in response.get_data(as_text=True)

    def test_should_answer_a_revoked_link_with_a_chinese_page(self, client, shares):
        url = link(shares[0])
        revoke_links(shares[0])
        db.session.commit()
        response = client.get(url)
        assert response.status_code == 403 and "已被督查室收回" in response.get_data(as_text=True)
        assert client.post(url + "/acknowledge", data={"ack-name": "王林"}).status_code == 403

    def test_should_acknowledge(self, client, shares):
        response = client.post(link(shares[0]) + "/acknowledge", data={"ack-name": "王林"}, follow_redirects=True)
        assert "已签收" in response.get_data(as_text=True)
        db.session.expire_all()
        assert shares[0].acknowledged_by == "王林" and shares[0].status == AssignmentStatus.IN_PROGRESS

    def test_should_store_feedback_with_an_attachment_in_the_database(self, client, shares, app):
        data = feedback_form(**{"fb-attachments": (io.BytesIO(b"%PDF-1.4 report"), "整改报告.pdf")})
        response = client.post(
            link(shares[0]) + "/feedback", data=data, content_type="multipart/form-data", follow_redirects=True
        )
        assert "反馈已提交" in response.get_data(as_text=True)
        feedback = db.session.scalar(db.select(Feedback))
        assert (feedback.progress, feedback.percent_complete, feedback.submitted_by_name) == (
            "已完成全部检查",
            100,
            "联络员王林",
        )
        (attachment,) = feedback.attachments
        assert (attachment.filename, attachment.content) == ("整改报告.pdf", b"%PDF-1.4 report")
        db.session.expire_all()
        assert shares[0].status == AssignmentStatus.SUBMITTED

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"fb-progress": ""}, "请填写工作进展"),
            ({"fb-progress": "长" * 5001}, "工作进展不能超过 5000 字"),
            ({"fb-percent_complete": "150"}, "完成比例应为 0 到 100 之间的整数"),
            ({"fb-percent_complete": "很多"}, "完成比例"),
            ({"fb-contact_phone": "电话"}, "联系电话格式不正确"),
            ({"fb-attachments": (b"MZ...", "病毒.exe")}, "类型不允许"),
            ({"fb-attachments": (b"x" * (2 * 1024 * 1024 + 1), "大文件.pdf")}, "超过 2 MB"),
        ],
    )
    def test_should_refuse_bad_feedback_in_chinese_keep_the_text_and_store_nothing(
        self, client, shares, app, overrides, message
    ):
        app.config["ATTACHMENT_MAX_BYTES"] = 2 * 1024 * 1024
        overrides = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in overrides.items()}
        data = feedback_form(**overrides)
        response = client.post(link(shares[0]) + "/feedback", data=data, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and message in page
        for name, typed in data.items():
            if name not in overrides and typed:
                assert typed in page, f"{name} was not kept"
        assert db.session.scalar(db.select(db.func.count()).select_from(Feedback)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0

    def test_should_refuse_feedback_without_the_csrf_token(self, client, shares, app):
        app.config["WTF_CSRF_ENABLED"] = True
        response = client.post(link(shares[0]) + "/feedback", data=feedback_form(), content_type="multipart/form-data")
        assert response.status_code == 400
        assert db.session.scalar(db.select(db.func.count()).select_from(Feedback)) == 0

    def test_should_take_an_extension_request_once(self, client, shares):
        url = link(shares[0]) + "/extension"
        form = {"ext-requested_deadline": "2026-12-31", "ext-reason": "设备未到货", "ext-requested_by": "王林"}
        assert "延期申请已提交" in client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
        again = client.get(link(shares[0])).get_data(as_text=True)
        assert "已有一份延期申请等待督查室审批" in again
        early = client.post(url, data={**form, "ext-requested_deadline": "2026-12-01"})
        assert early.status_code == 409 and "已有一份延期申请" in early.get_data(as_text=True)
        assert db.session.scalar(db.select(db.func.count()).select_from(ExtensionRequest)) == 1

    def test_should_refuse_an_earlier_date_for_an_extension(self, client, shares):
        form = {"ext-requested_deadline": "2026-12-10", "ext-reason": "设备未到货", "ext-requested_by": "王林"}
        response = client.post(link(shares[0]) + "/extension", data=form)
        assert response.status_code == 409 and "须晚于当前时限" in response.get_data(as_text=True)
        assert "设备未到货" in response.get_data(as_text=True)


def feedback_form(**overrides) -> dict:
    """A valid feedback form, with `overrides`."""
    data = {
        "fb-progress": "已完成全部检查",
        "fb-measures": "成立专班",
        "fb-problems": "",
        "fb-next_steps": "巩固成果",
        "fb-percent_complete": "100",
        "fb-contact_name": "联络员王林",
        "fb-contact_phone": "0457-1234567",
    }
    data.update(overrides)
    return data


def test_link_in_the_assignment_email_opens_the_page(client, shares):
    from models import OutboxMessage

    message = db.session.scalar(
        db.select(OutboxMessage).where(OutboxMessage.recipient_email == "wang@forest.example.org")
    )
    path = re.search(r"http://duban\.test(/unit/\S+)", message.body_text).group(1)
    assert "东方红林场" in client.get(path).get_data(as_text=True)


class TestSignedInLiaison:
    """A liaison who signs in reaches the same unit page as the e-mailed link: same form, same rules."""

    def test_should_open_the_unit_page_from_the_liaisons_list_of_shares(self, client, shares):
        from models import Role
        from tests.factories import login, make_user

        own, other = shares[0], shares[1]
        make_user("forest-liaison", Role.LIAISON, unit=own.unit)
        make_user("office-sup", Role.SUPERVISOR)
        db.session.commit()
        login(client, "forest-liaison")
        menu = client.get("/admin/").get_data(as_text=True)
        assert "本单位任务" in menu and "本单位反馈" in menu and "反馈审核" not in menu
        listing = client.get("/admin/assignment/").get_data(as_text=True)
        assert f"/unit/mine/{own.id}" in listing
        page = client.get(f"/unit/mine/{own.id}", follow_redirects=True).get_data(as_text=True)
        for text in ("签收通知", "落实情况反馈表", "附件", "延期申请", "办理记录"):
            assert text in page, text
        assert (
            client.get(f"/admin/assignment/details/?id={own.id}").get_data(as_text=True).count(f"/unit/mine/{own.id}")
        )
        assert client.get(f"/unit/mine/{other.id}").status_code == 404
        assert client.get("/admin/feedback/new/").status_code == 403
        client.post("/logout")
        login(client, "office-sup")
        assert client.get(f"/unit/mine/{own.id}").status_code == 403
        assert "反馈审核" in client.get("/admin/").get_data(as_text=True)
