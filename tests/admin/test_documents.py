"""The document screens: rung notices drafted by a verdict, edited and issued (签发) by a supervisor; the 提请追责
submitted to the leadership, who decide it; circulars written, edited and sent; a 督查通知单 and an immediate 催办 on a
share; 进度不理想 on a period report's review; every document printed in the official layout."""

import re
from datetime import date
from html import unescape

import pytest

from extensions import db
from models import AuditEvent, Circular, Escalation, Feedback, Notice, ReviewStatus, Role
from models.escalation import AccountabilityDecision
from models.item import ItemSource, Rhythm
from models.notice import NoticeKind, NoticeStatus
from models.periodic import CircularKind, CircularStatus
from tests.factories import login, make_item, make_user
from tests.office import at, build_office, fail_next_check, outbox, report
from workflows.lifecycle import assign_item
from workflows.sanctions import issue_draft

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOW = at(2026, 12, 1)
UNIT = {"wang@forest.example.org", "head@forest.example.org"}  # the forest farm's liaison and head
DEPUTY = "deputy@example.org"  # the forest farm's leader in charge
CHIEF = "chief@example.org"  # the bureau leader who receives 提请追责
SUPERVISOR = "li.ducha@example.org"


@pytest.fixture
def office(app):
    """The test office, a supervisor, a leader, an admin, the forest farm's liaison, and one shared item under the
    three checks (the forest farm leads, the school helps), assigned on 1 December."""
    office = build_office()
    make_user("sup", Role.SUPERVISOR, display_name="李督查", email=SUPERVISOR)
    make_user("boss", Role.LEADER, display_name="赵局长")
    make_user("root", Role.ADMIN, display_name="管理员")
    make_user("wang", Role.LIAISON, unit=office.forest, display_name="王林")
    item = make_item(
        office.forest,
        [office.school],
        deadline=date(2026, 12, 31),
        now=NOW,
        title="林区防火通道建设",
        three_checks=True,
    )
    assign_item(db.session, item, actor=None, now=NOW)
    db.session.commit()
    office.item = item
    office.share = next(a for a in item.assignments if a.unit_id == office.forest.id)
    office.other = next(a for a in item.assignments if a.unit_id == office.school.id)
    return office


def user(username):
    """An account by its user name."""
    from models import User

    return db.session.scalar(db.select(User).filter_by(username=username))


def rung(office, *, issue=False):
    """The forest farm fails its next check (as the supervisor decided it): the rung, its notice a draft or issued."""
    escalation = fail_next_check(office.share, now=NOW, grounds=("行动迟缓",), actor=user("sup"))
    if issue:
        issue_draft(db.session, escalation.notice, actor=user("sup"), now=NOW)
    db.session.commit()
    return escalation


def submitted_request(office):
    """Three failed checks: the 整改通知书 and 黄牌警告 issued, the 提请追责 submitted to the leadership."""
    rung(office, issue=True)
    rung(office, issue=True)
    return rung(office, issue=True)


def mails(notice):
    """The outbox rows of a notice: recipient -> subject."""
    db.session.expire_all()
    return {m.recipient_email: m.subject for m in outbox(notice_id=notice.id)}


def trail(action):
    """The audit rows of one action."""
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


CARD = r'href="([^"]+)"[^>]*data-count="(\d+)"><div class="card-body py-2">\s*<div class="small text-muted">{}<'


def card_count(dashboard: str, label: str) -> str | None:
    """The figure of a dashboard card."""
    found = re.search(CARD.format(label), dashboard)
    return found.group(2) if found else None


def card_url(dashboard: str, label: str) -> str:
    """The list a dashboard card opens."""
    return re.search(CARD.format(label), dashboard).group(1)


def in_menu(page: str, label: str) -> bool:
    """Is there a menu entry of this name?"""
    return re.search(r'class="dropdown-item[^"]*" href="[^"]+">\s*' + label + "</a>", page) is not None


def text(response) -> str:
    """A response's HTML, entities resolved."""
    return unescape(response.get_data(as_text=True))


# --- drafts: edit, issue, never twice ------------------------------------------------------------------------------


def test_should_list_a_drafted_notice_as_待签发_edit_it_and_issue_it_numbered_to_the_unit(client, office):
    escalation = rung(office)
    notice = escalation.notice
    assert notice.status == NoticeStatus.DRAFT and notice.number is None and mails(notice) == {}
    login(client, "sup")

    dashboard = text(client.get("/admin/"))
    assert card_count(dashboard, "待签发文书") == "1"
    listing = text(client.get(card_url(dashboard, "待签发文书")))
    assert "待签发" in listing and f"/admin/notice/details/?id={notice.id}" in listing
    assert in_menu(dashboard, "待签发文书")

    page = text(client.get(f"/admin/notice/details/?id={notice.id}"))
    assert "修改草稿" in page and ">签发</button>" in page and "提交局领导" not in page
    form = text(client.get(f"/admin/notice/draft/?id={notice.id}"))
    assert notice.title in form and "行动迟缓" in form
    assert "正文不能为空" in text(client.post(f"/admin/notice/draft/?id={notice.id}", data={"title": "x", "body": ""}))
    body = notice.body + "\n请于五个工作日内报送整改情况。"
    saved = client.post(f"/admin/notice/draft/?id={notice.id}", data={"title": notice.title, "body": body})
    assert saved.status_code == 302
    db.session.expire_all()
    assert "五个工作日" in db.session.get(Notice, notice.id).body and trail("修改文书草稿")

    issued = client.post(f"/admin/notice/issue/?id={notice.id}", follow_redirects=True)
    assert "整改通知书已签发（督整〔2026〕1号）" in text(issued)
    db.session.expire_all()
    notice = db.session.get(Notice, notice.id)
    assert notice.status == NoticeStatus.ISSUED and notice.number == "督整〔2026〕1号"
    assert notice.issued_by_name == "李督查" and notice.copy_to == "钱副局长"
    sent = mails(notice)
    assert set(sent) == UNIT | {DEPUTY} and all("五个工作日" in m.body_text for m in outbox(notice_id=notice.id))
    assert [e.summary for e in trail("签发整改通知书")] == ["督整〔2026〕1号"]

    again = client.post(f"/admin/notice/issue/?id={notice.id}", follow_redirects=True)
    assert "不能重复签发" in text(again)
    assert len(outbox(notice_id=notice.id)) == len(sent)
    assert client.get(f"/admin/notice/draft/?id={notice.id}").status_code == 200  # the page opens, the step refuses
    refused = client.post(f"/admin/notice/draft/?id={notice.id}", data={"title": "改", "body": "改"})
    assert "已签发，不能再修改" in text(refused)


def test_should_print_every_notice_in_the_official_layout_and_a_draft_marked_草稿(client, office):
    escalation = rung(office)
    login(client, "sup")
    draft = text(client.get(f"/admin/notice/print/?id={escalation.notice_id}"))
    for part in ("size: A4", "草稿", "（待签发）", escalation.notice.title, "东方红林场：", "林业局督查室"):
        assert part in draft, part
    issue_draft(db.session, escalation.notice, actor=user("sup"), now=NOW)
    db.session.commit()
    printed = text(client.get(f"/admin/notice/print/?id={escalation.notice_id}"))
    for part in ("督整〔2026〕1号", escalation.notice.title, "东方红林场：", "抄送：钱副局长", "2026年12月1日", "印发"):
        assert part in printed, part
    assert "草稿" not in printed
    assert printed.count("东方红林场：") == 1  # the addressee printed once, not again from the body


def test_should_hide_drafts_from_leaders_and_liaisons(client, office):
    escalation = rung(office)
    for username in ("boss", "wang"):
        login(client, username)
        assert escalation.notice.title not in text(client.get("/admin/notice/"))
        assert client.get(f"/admin/notice/details/?id={escalation.notice_id}").status_code in (302, 404)
        assert client.get(f"/admin/notice/print/?id={escalation.notice_id}").status_code == 404
        assert client.post(f"/admin/notice/issue/?id={escalation.notice_id}").status_code == 403
        assert client.get(f"/admin/notice/draft/?id={escalation.notice_id}").status_code == 403
        client.post("/logout")
    assert db.session.get(Notice, escalation.notice_id).status == NoticeStatus.DRAFT


# --- 提请追责: to the leadership, decided by a leader ------------------------------------------------------------


def test_should_submit_the_提请追责_to_the_leadership_and_never_to_the_unit(client, office):
    rung(office, issue=True)
    rung(office, issue=True)
    request = rung(office)
    notice = request.notice
    assert notice.addressee == "局党委、林业局"
    login(client, "sup")
    page = text(client.get(f"/admin/notice/details/?id={notice.id}"))
    assert ">提交局领导</button>" in page and "不发给被提请单位" in page
    draft = text(client.get(f"/admin/notice/print/?id={notice.id}"))
    assert "局党委、林业局：" in draft and "请示" in draft and "草稿" in draft and "妥否，请批示。" in draft
    assert "\n2. 第二次督查" in notice.body and "\n3. 第三次督查" in notice.body  # one check a paragraph
    done = client.post(f"/admin/notice/issue/?id={notice.id}", follow_redirects=True)
    assert "已提交局领导决定" in text(done)
    db.session.expire_all()
    assert set(mails(notice)) == {CHIEF}  # the leadership only: neither the unit nor its head nor its leader
    assert all(not (set(UNIT) & {m.recipient_email}) for m in outbox(kind="accountability"))
    printed = text(client.get(f"/admin/notice/print/?id={notice.id}"))
    assert "督责〔2026〕1号" in printed and "签发人：李督查" in printed and "局党委、林业局：" in printed
    assert [e.summary for e in trail("提交提请追责")] == ["督责〔2026〕1号"]


def test_should_let_a_leader_decide_a_submitted_request_and_tell_the_unit_and_the_supervisor(client, office):
    request = submitted_request(office)
    login(client, "boss")
    dashboard = text(client.get("/admin/"))
    assert card_count(dashboard, "待决定提请追责") == "1" and in_menu(dashboard, "待决定提请追责")
    queue = text(client.get(card_url(dashboard, "待决定提请追责")))
    assert f"/admin/escalation/details/?id={request.id}" in queue and "待决定" in queue
    record = text(client.get(f"/admin/escalation/details/?id={request.id}"))
    for part in (
        "第一次督查",
        "第二次督查",
        "第三次督查",
        "行动迟缓",
        "督整〔2026〕1号",
        "督警〔2026〕1号",
        "作出决定",
    ):
        assert part in record, part
    page = text(client.get(f"/admin/escalation/decide/?id={request.id}"))
    assert "妥否，请批示。" in page and "同意追责" in page and "不予追责" in page and "第三次督查" in page

    bare = client.post(f"/admin/escalation/decide/?id={request.id}", data={"decision": "decline", "comment": ""})
    assert "不予追责时须填写意见" in text(bare)
    db.session.expire_all()
    assert db.session.get(Escalation, request.id).decision is None
    done = client.post(
        f"/admin/escalation/decide/?id={request.id}",
        data={"decision": "decline", "comment": "该单位已作检讨，暂不追责"},
        follow_redirects=True,
    )
    assert "已决定：不予追责" in text(done)
    db.session.expire_all()
    decided = db.session.get(Escalation, request.id)
    assert decided.decision == AccountabilityDecision.DECLINED and decided.decided_by_name == "赵局长"
    told = {m.recipient_email for m in outbox(kind="accountability_decision")}
    assert told == UNIT | {SUPERVISOR}
    assert "不予追责" in outbox(kind="accountability_decision")[0].subject
    again = client.post(f"/admin/escalation/decide/?id={request.id}", data={"decision": "agree", "comment": ""})
    assert "不能重复决定" in text(again)
    assert card_count(text(client.get("/admin/")), "待决定提请追责") == "0"


def test_should_show_supervisors_the_decision_read_only(client, office):
    request = submitted_request(office)
    login(client, "sup")
    page = text(client.get(f"/admin/escalation/details/?id={request.id}"))
    assert "待局领导决定" in page and "/admin/escalation/decide/" not in page
    assert client.get(f"/admin/escalation/decide/?id={request.id}").status_code == 403
    assert client.post(f"/admin/escalation/decide/?id={request.id}", data={"decision": "agree"}).status_code == 403
    client.post("/logout")
    login(client, "root")  # an admin may decide for the leadership
    client.post(f"/admin/escalation/decide/?id={request.id}", data={"decision": "agree", "comment": ""})
    client.post("/logout")
    login(client, "sup")
    page = text(client.get(f"/admin/escalation/details/?id={request.id}"))
    assert "局领导决定：<strong>同意追责</strong>" in page and "管理员" in page


def test_should_keep_the_request_from_the_unit_and_show_it_the_decision_only(client, office):
    request = submitted_request(office)
    number = request.notice.number
    login(client, "wang")
    portal = client.get(f"/unit/mine/{office.share.id}", follow_redirects=True)
    before = [
        text(client.get("/admin/notice/")),
        text(client.get("/admin/escalation/")),
        text(client.get(f"/admin/assignment/details/?id={office.share.id}")),
        text(client.get(f"/admin/item/details/?id={office.item.id}&trail=all")),
        text(portal),
    ]
    for page in before:
        assert number not in page and "提请追究" not in page and "已提请追责" not in page
    assert "已黄牌警告" in before[-1]  # the rung the unit was told of
    assert client.get(f"/admin/escalation/details/?id={request.id}").status_code in (302, 404)
    assert client.get(f"/admin/notice/print/?id={request.notice_id}").status_code == 404

    from workflows.sanctions import decide_accountability

    decide_accountability(db.session, request, True, "责令作出书面检查", actor=user("boss"), now=NOW)
    db.session.commit()
    decision = text(client.get(f"/admin/escalation/details/?id={request.id}"))
    assert "同意追责" in decision and "责令作出书面检查" in decision and "妥否" not in decision
    assert client.get(f"/admin/notice/print/?id={request.notice_id}").status_code == 404
    item_page = text(client.get(f"/admin/item/details/?id={office.item.id}&trail=all"))
    assert "局领导决定追责" in item_page and "提请追究" not in item_page


# --- circulars --------------------------------------------------------------------------------------------------


def test_should_write_edit_and_send_a_circular_to_every_unit_and_the_leaders(client, office):
    login(client, "sup")
    form = text(client.get("/admin/circular/new/"))
    assert "写通报" in form and "通报表扬" in form and "月通报" not in re.sub(r"月通报由系统", "", form)
    assert in_menu(text(client.get("/admin/")), "写通报")
    empty = client.post("/admin/circular/new/", data={"kind": "praise", "title": "表扬", "units": "", "ground": ""})
    assert "请至少选择一个单位" in text(empty)
    created = client.post(
        "/admin/circular/new/",
        data={
            "kind": "praise",
            "title": "关于表扬防火通道建设进度较快单位的通报",
            "units": f"{office.forest.id},{office.school.id}",
            "items": str(office.item.id),
            "ground": "工作扎实、进度较快",
        },
    )
    assert created.status_code == 302
    circular = db.session.scalar(db.select(Circular).where(Circular.kind == CircularKind.PRAISE))
    assert created.headers["Location"].endswith(f"/admin/circular/details/?id={circular.id}")
    assert sorted(e.unit.name for e in circular.entries) == ["东方红林场", "林业第一中学"]
    assert "工作扎实、进度较快" in circular.body and "林区防火通道建设" in circular.body
    assert re.search(
        r"\n1\. \S+：“林区防火通道建设”.*\n2\. \S+：“林区防火通道建设”", circular.body, re.S
    )  # a unit a line
    page = text(client.get(f"/admin/circular/details/?id={circular.id}"))
    assert "通报表扬" in page and "编号并发送给各单位和局领导" in page and "东方红林场" in page
    draft = text(client.get(f"/admin/circular/print/?id={circular.id}"))
    assert "草稿" in draft and "各单位、局领导：" in draft

    client.post(
        f"/admin/circular/edit/?id={circular.id}",
        data={"title": circular.title, "body": circular.body + "\n希望各单位学习借鉴。"},
    )
    db.session.expire_all()
    assert "学习借鉴" in db.session.get(Circular, circular.id).body and trail("修改通报表扬")
    sent = client.post(f"/admin/circular/send/?id={circular.id}", follow_redirects=True)
    assert "通报表扬已编号（督表〔2026〕1号）并发送给各单位和局领导" in text(sent)
    db.session.expire_all()
    circular = db.session.get(Circular, circular.id)
    assert circular.status == CircularStatus.SENT and circular.notice.number == "督表〔2026〕1号"
    to = {m.recipient_email for m in outbox(notice_id=circular.notice_id)}
    assert {"wang@forest.example.org", "li@school.example.org", "zhang@finance.example.org", CHIEF, DEPUTY} == to
    printed = text(client.get(f"/admin/circular/print/?id={circular.id}"))
    assert "督表〔2026〕1号" in printed and "学习借鉴" in printed and "草稿" not in printed
    again = client.post(f"/admin/circular/send/?id={circular.id}", follow_redirects=True)
    assert "已发送，不能重复发送" in text(again)
    assert "编辑正文" not in text(client.get(f"/admin/circular/details/?id={circular.id}"))


def test_should_show_and_send_the_通报批评_a_first_failure_drafts(client, office):
    escalation = rung(office)
    circular = db.session.scalar(db.select(Circular).where(Circular.kind == CircularKind.CRITICISM))
    assert circular is not None and circular.entries[0].escalation_id == escalation.id
    login(client, "sup")
    listing = text(client.get("/admin/circular/"))
    assert "通报批评" in listing and circular.title in listing
    page = text(client.get(f"/admin/circular/details/?id={circular.id}"))
    assert "东方红林场" in page and "行动迟缓" in page and str(circular.check_day) in page
    client.post(f"/admin/circular/send/?id={circular.id}")
    db.session.expire_all()
    assert db.session.get(Circular, circular.id).notice.number == "督评〔2026〕1号"


def test_should_refuse_writing_circulars_to_leaders_and_liaisons(client, office):
    for username in ("boss", "wang"):
        login(client, username)
        assert client.get("/admin/circular/new/").status_code == 403
        data = {"kind": "praise", "title": "t", "units": str(office.forest.id)}
        assert client.post("/admin/circular/new/", data=data).status_code == 403
        client.post("/logout")
    assert db.session.scalar(db.select(db.func.count()).select_from(Circular)) == 0


# --- a supervisor's own notices on a share ---------------------------------------------------------------------


def test_should_issue_a_supervision_notice_and_an_immediate_reminder_from_the_share(client, office):
    login(client, "sup")
    share = text(client.get(f"/admin/assignment/details/?id={office.share.id}"))
    assert "发决定事项办理督查通知单" in share and "立即催办" in share
    item_page = text(client.get(f"/admin/item/details/?id={office.item.id}"))
    assert f"/admin/assignment/notify/?id={office.share.id}" in item_page
    assert f"/admin/assignment/urge/?id={office.other.id}" in item_page
    form = text(client.get(f"/admin/assignment/notify/?id={office.share.id}"))
    assert "发决定事项办理督查通知单" in form
    assert "请填写通知内容" in text(client.post(f"/admin/assignment/notify/?id={office.share.id}", data={"text": ""}))

    back = f"/admin/item/details/?id={office.item.id}"
    notified = client.post(
        f"/admin/assignment/notify/?id={office.share.id}&url={back}", data={"text": "你单位进度不理想，请加快进度。"}
    )
    assert notified.status_code == 302 and notified.headers["Location"].endswith(back)
    urged = client.post(f"/admin/assignment/urge/?id={office.share.id}", data={"text": "请于本周五前报送进展。"})
    assert urged.headers["Location"].endswith(f"/admin/assignment/details/?id={office.share.id}")
    db.session.expire_all()
    notices = db.session.scalars(
        db.select(Notice).where(Notice.assignment_id == office.share.id).order_by(Notice.id.desc()).limit(2)
    ).all()
    urge, notice = notices
    assert (
        notice.kind == NoticeKind.DECISION and notice.number == "督决〔2026〕3号"
    )  # 1号 and 2号 went out on assignment
    assert urge.kind == NoticeKind.REMINDER and urge.number.startswith("督催〔2026〕")
    assert "进度不理想" in notice.body and "本周五" in urge.body
    assert {m.recipient_email for m in outbox(notice_id=notice.id)} == {"wang@forest.example.org"}
    assert {m.recipient_email for m in outbox(notice_id=urge.id)} == {"wang@forest.example.org"}
    assert trail("发决定事项办理督查通知单") and trail("立即催办")
    history = text(client.get(f"/admin/assignment/details/?id={office.share.id}"))
    assert notice.number in history and urge.number in history and urge.title in history


def test_should_title_the_notice_by_the_items_source(client, office):
    item = make_item(
        office.forest, deadline=date(2026, 12, 31), now=NOW, source=ItemSource.LEADER_INSTRUCTION, title="批示件"
    )
    assign_item(db.session, item, actor=None, now=NOW)
    db.session.commit()
    login(client, "sup")
    page = text(client.get(f"/admin/assignment/notify/?id={item.assignments[0].id}"))
    assert "发领导批示件督查通知单" in page
    client.post(f"/admin/assignment/notify/?id={item.assignments[0].id}", data={"text": "请抓紧落实批示。"})
    latest = db.session.scalar(db.select(Notice).order_by(Notice.id.desc()))
    assert latest.kind == NoticeKind.INSTRUCTION and latest.number.startswith("督批〔2026〕")


def test_should_not_offer_the_share_tools_on_a_finished_share_nor_to_others(client, office):
    report(office.other, 100, now=NOW)
    db.session.commit()
    from workflows.feedback import review_feedback

    feedback = db.session.scalar(db.select(Feedback).where(Feedback.assignment_id == office.other.id))
    review_feedback(db.session, feedback, ReviewStatus.ACCEPTED, "", actor=None, now=NOW)
    db.session.commit()
    login(client, "sup")
    page = text(client.get(f"/admin/assignment/details/?id={office.other.id}"))
    assert "立即催办" not in page
    refused = client.post(f"/admin/assignment/urge/?id={office.other.id}", data={"text": "催"})
    assert "不能催办" in text(refused)
    client.post("/logout")
    for username in ("boss", "wang"):
        login(client, username)
        assert client.get(f"/admin/assignment/notify/?id={office.share.id}").status_code == 403
        assert client.post(f"/admin/assignment/urge/?id={office.share.id}", data={"text": "催"}).status_code == 403
        client.post("/logout")


# --- 进度不理想 --------------------------------------------------------------------------------------------------


def test_should_mark_a_period_reports_progress_unsatisfactory_and_send_the_unit_a_notice(client, office):
    item = make_item(office.forest, deadline=date(2027, 6, 30), now=NOW, rhythm=Rhythm.MONTHLY, title="十项利民工程")
    assign_item(db.session, item, actor=None, now=NOW)
    monthly = report(item.assignments[0], 30, now=NOW, period="2026-11")
    final = report(office.share, 40, now=NOW)
    db.session.commit()
    login(client, "sup")
    assert "进度不理想" not in text(client.get(f"/admin/feedback/review/?id={final.id}"))
    page = text(client.get(f"/admin/feedback/review/?id={monthly.id}"))
    assert 'name="progress_unsatisfactory"' in page and "2026年11月的阶段进展" in page and "督查通知单" in page
    done = client.post(
        f"/admin/feedback/review/?id={monthly.id}",
        data={"verdict": "accepted", "comment": "", "progress_unsatisfactory": "y"},
        follow_redirects=True,
    )
    assert "已标记进度不理想" in text(done)
    db.session.expire_all()
    assert db.session.get(Feedback, monthly.id).progress_unsatisfactory is True
    notice = db.session.scalar(db.select(Notice).order_by(Notice.id.desc()))
    assert "进度不理想" in notice.title and notice.unit_id == office.forest.id
    assert {m.recipient_email for m in outbox(notice_id=notice.id)} == {"wang@forest.example.org"}


# --- every document screen, as every role: in Chinese, never a 500 ---------------------------------------------


@pytest.mark.parametrize("username", ["sup", "boss", "root", "wang"])
def test_should_show_every_document_screen_in_chinese(client, office, username):
    from tests.admin.test_wording import latin_words, visible_text

    request = submitted_request(office)
    draft = fail_next_check(office.other, now=NOW, actor=user("sup"))
    db.session.commit()
    circular = db.session.scalar(db.select(Circular))
    urls = [
        "/admin/",
        "/admin/notice/",
        f"/admin/notice/details/?id={draft.notice_id}",
        f"/admin/notice/draft/?id={draft.notice_id}",
        f"/admin/notice/print/?id={draft.notice_id}",
        f"/admin/notice/details/?id={request.notice_id}",
        f"/admin/notice/print/?id={request.notice_id}",
        "/admin/escalation/?flt0_1=pending",
        f"/admin/escalation/details/?id={request.id}",
        f"/admin/escalation/decide/?id={request.id}",
        "/admin/circular/",
        "/admin/circular/new/",
        f"/admin/circular/details/?id={circular.id}",
        f"/admin/circular/edit/?id={circular.id}",
        f"/admin/circular/print/?id={circular.id}",
        f"/admin/assignment/details/?id={office.share.id}",
        f"/admin/assignment/notify/?id={office.share.id}",
        f"/admin/assignment/urge/?id={office.share.id}",
        f"/admin/item/details/?id={office.item.id}",
    ]
    login(client, username)
    found, shown = {}, 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        if response.status_code == 200:
            shown += 1
            words = latin_words(visible_text(response.get_data(as_text=True)), frozenset({username}))
            if words:
                found[url] = words
    assert shown >= 5 and not found, found


def level_filter_url(app, value: str) -> str:
    """The share list filtered by 督查等级 (the filter's argument as the list itself writes it)."""
    from models import Assignment

    view = next(v for admin in app.extensions["admin"] for v in admin._views if v.endpoint == "assignment")
    index, flt = next((i, f) for i, f in enumerate(view._filters) if f.column is Assignment.escalation_level)
    return f"/admin/assignment/?flt0_{view.get_filter_arg(index, flt)}={value}"


def test_should_not_let_a_liaison_find_an_undecided_request_by_the_rung_filter_or_sort(app, client, office):
    submitted_request(office)
    share = f"/admin/assignment/details/?id={office.share.id}"
    login(client, "wang")
    assert share not in text(client.get(level_filter_url(app, "3")))
    assert share in text(client.get(level_filter_url(app, "2")))  # the 黄牌警告 the unit received
    by_rung = client.get("/admin/assignment/?sort=5&desc=1")  # sorted by 督查等级
    assert by_rung.status_code == 200 and share in text(by_rung) and "提请追责" not in text(by_rung)
    client.post("/logout")
    login(client, "sup")
    assert share in text(client.get(level_filter_url(app, "3")))
