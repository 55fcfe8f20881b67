"""The screens of the three checks: the scope on the item form, the plan on every page, the dates, the verdict page,
the queue with its bulk verdict and its dashboard card, the grounds, and who may see what."""

import re
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import pytest

from extensions import db
from models import AuditEvent, CheckGround, Escalation, Item, ItemSource, Notice, ReviewStatus, Role, Unit, User
from models.check import CheckState, SupervisionCheck, Verdict
from models.notice import NoticeKind, NoticeStatus
from tests.admin.test_admin_items import filter_arg
from tests.admin.test_wording import latin_words, visible_text
from tests.checking import due_check
from tests.factories import login, make_user
from tests.office import assigned_item, at, build_office, report
from web.templating import chinese_date
from workflows.checks import OUT_OF_SCOPE, decide_check
from workflows.feedback import review_feedback
from workflows.tokens import assignment_link

NOW = at(2026, 11, 26, 9)  # the wall clock of the views stands at 10:00 the same day


@pytest.fixture
def office(app):
    """The test office with a supervisor, a leader, the forest farm's liaison and an admin."""
    office = build_office()
    make_user("sup", Role.SUPERVISOR, display_name="李督查")
    make_user("boss", Role.LEADER, display_name="赵局长")
    make_user("wang", Role.LIAISON, unit=office.forest, display_name="王林")
    make_user("root", Role.ADMIN, display_name="管理员")
    db.session.commit()
    return office


def under_checks(office, **fields) -> Item:
    """An item of the forest farm (lead), the school and finance, under the three checks, assigned today."""
    fields.setdefault("three_checks", True)
    item = assigned_item(office, deadline=date(2026, 12, 31), now=NOW, title="林区防火检查", **fields)
    db.session.commit()
    return item


def shares(item) -> dict:
    """The item's shares by unit name."""
    return {a.unit.name: a for a in item.assignments}


def item_form(office, **overrides) -> dict:
    """The item form as a supervisor fills it."""
    form = {
        "number": "",
        "title": "新的督查事项",
        "source": "meeting_decision",
        "rhythm": "one_off",
        "content": "按要求落实。",
        "lead_unit": str(office.forest.id),
        "co_units": f"{office.school.id},{office.finance.id}",
        "deadline": "2026-12-31",
    }
    form.update(overrides)
    return form


def flashes(page: str) -> str:
    """The flashed messages of a page, as text."""
    return " ".join(unescape(m) for m in re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, flags=re.S))


# --- the scope ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, scope, expected",
    [
        ("meeting_decision", "default", True),
        ("leader_instruction", "default", True),
        ("higher_instruction", "default", True),
        ("key_work", "default", True),
        ("benefit_project", "default", True),
        ("central_task", "default", True),
        ("staff_proposal", "default", False),
        ("reception_visit", "default", False),
        ("hotline", "default", False),
        ("hotline", "yes", True),
        ("meeting_decision", "no", False),
    ],
)
def test_should_put_a_new_item_under_the_checks_by_its_source_unless_told_otherwise(
    client, office, source, scope, expected
):
    login(client, "sup")
    response = client.post("/admin/item/new/", data=item_form(office, source=source, under_checks=scope))
    assert response.status_code == 302
    item = db.session.scalar(db.select(Item))
    assert item.three_checks is expected


def test_should_offer_the_default_by_source_on_a_new_item_only(client, office):
    item = under_checks(office)
    login(client, "sup")
    new = client.get("/admin/item/new/").get_data(as_text=True)
    assert '<option selected value="default">按来源默认</option>' in new
    assert 'data-sources-under-checks="meeting_decision,leader_instruction' in new
    assert "职工代表建议和提案、党政领导大接访、便民公开电话不纳入" in new
    edit = client.get(f"/admin/item/edit/?id={item.id}").get_data(as_text=True)
    assert 'value="default"' not in edit and '<option selected value="yes">纳入</option>' in edit
    details = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert re.search(r"纳入三次督查</b>\s*</td>\s*<td>\s*是", details)


def test_should_change_the_scope_on_the_edit_form_with_the_plan_and_the_trail(client, office):
    item = under_checks(office, source=ItemSource.HOTLINE, three_checks=False)
    assert not any(a.checks for a in item.assignments)
    login(client, "sup")
    form = item_form(office, title=item.title, number=item.number, source="hotline")
    assert client.post(f"/admin/item/edit/?id={item.id}", data={**form, "under_checks": "yes"}).status_code == 302
    db.session.expire_all()
    assert item.three_checks and all([c.state for c in a.checks] == [CheckState.PLANNED] * 3 for a in item.assignments)
    steps = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "纳入三次督查")).all()
    assert [(e.entity, e.entity_id, e.actor_name) for e in steps] == [("item", item.id, "李督查")]
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert "第三次督查" in page and "2026-12-31" in page

    assert client.post(f"/admin/item/edit/?id={item.id}", data={**form, "under_checks": "no"}).status_code == 302
    db.session.expire_all()
    assert not item.three_checks
    assert {(c.state, c.moot_reason) for a in item.assignments for c in a.checks} == {(CheckState.MOOT, OUT_OF_SCOPE)}
    assert db.session.scalar(db.select(AuditEvent.actor_name).where(AuditEvent.action == "不纳入三次督查")) == "李督查"
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert "本事项未纳入三次督查" in page


# --- the plan -----------------------------------------------------------------------------------------------------


def test_should_show_the_plan_on_the_item_the_share_and_the_units_page(client, office):
    item = under_checks(office)
    forest = shares(item)["东方红林场"]
    first, second, third = forest.checks
    assert first.planned_on < second.planned_on < third.planned_on == date(2026, 12, 31)
    login(client, "sup")
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    for text in ("三次督查", "第一次督查", "贯彻情况、工作措施和进度", "整改情况和工作效果", "按时保质保量完成"):
        assert text in page, text
    for check in forest.checks:
        assert f'href="/admin/check/details/?id={check.id}">{check.planned_on}</a>' in page
    assert ">调整督查日期</a>" in page
    share = client.get(f"/admin/assignment/details/?id={forest.id}").get_data(as_text=True)
    assert all(str(c.planned_on) in share for c in forest.checks) and ">调整督查日期</a>" in share

    due_check(forest, 1, now=NOW)  # the first check's day has come: the unit sees it under way, no proposal
    db.session.commit()
    unit = client.get(urlsplit(assignment_link(forest)).path).get_data(as_text=True)
    text = visible_text(unit)
    first = forest.checks[0]
    assert f"第一次督查 （贯彻情况、工作措施和进度）：{chinese_date(first.planned_on)} · 督查中" in re.sub(
        r"\s+", " ", text
    )
    assert f"第二次督查 （整改情况和工作效果）：{chinese_date(second.planned_on)} · 待督查" in re.sub(r"\s+", " ", text)
    assert f"本次报送用于：第一次督查（贯彻情况、工作措施和进度），督查日期 {chinese_date(first.planned_on)}" in unit
    for internal in ("系统建议", "建议", "未按时报送", "待裁定"):
        assert internal not in text, internal


def test_should_say_on_the_units_form_which_check_a_report_is_for_once_the_first_is_decided(client, office):
    item = under_checks(office)
    forest = shares(item)["东方红林场"]
    check = due_check(forest, 1, now=NOW)
    decide_check(db.session, check, Verdict.PASS, actor=None, now=NOW)
    db.session.commit()
    unit = client.get(urlsplit(assignment_link(forest)).path).get_data(as_text=True)
    second = forest.checks[1]
    assert f"本次报送用于：第二次督查（整改情况和工作效果），督查日期 {chinese_date(second.planned_on)}" in unit
    assert "合格" in visible_text(unit)


def test_should_not_show_a_plan_for_an_item_outside_the_checks(client, office):
    item = under_checks(office, source=ItemSource.HOTLINE, three_checks=False)
    forest = shares(item)["东方红林场"]
    login(client, "sup")
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert "本事项未纳入三次督查" in page and ">调整督查日期</a>" not in page
    assert client.get(f"/admin/assignment/check_dates/?id={forest.id}").status_code == 200  # the role may; the
    refused = client.post(f"/admin/assignment/check_dates/?id={forest.id}", data={"first": "2026-12-03"})
    assert "未纳入三次督查" in refused.get_data(as_text=True)  # … workflow refuses, in Chinese
    unit = client.get(urlsplit(assignment_link(forest)).path).get_data(as_text=True)
    assert "本次报送用于" not in unit and "三次督查" not in unit


# --- the dates ----------------------------------------------------------------------------------------------------


def test_should_move_a_shares_check_dates_and_refuse_them_out_of_order_in_chinese(client, office):
    forest = shares(under_checks(office))["东方红林场"]
    before = [c.planned_on for c in forest.checks]
    login(client, "sup")
    url = f"/admin/assignment/check_dates/?id={forest.id}"
    form = client.get(url).get_data(as_text=True)
    assert all(f'value="{day}"' in form for day in before) and "只能调整尚未进行的督查" in form

    cases = [
        ({"first": "2026-12-20", "second": "2026-12-10"}, "督查日期须按第一次、第二次、第三次的顺序排列。"),
        ({"first": "2026-11-20"}, "第一次督查的日期不能早于今天（2026-11-26）。"),
        ({"first": "2026-13-45"}, "日期格式不正确，应形如 2026-12-10。"),
    ]
    for typed, message in cases:
        response = client.post(
            url, data={"first": str(before[0]), "second": str(before[1]), "third": "2026-12-31", **typed}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, message
        assert all(f'value="{value}"' in page for value in typed.values()), "the rejected form keeps what was typed"
        db.session.expire_all()
        assert [c.planned_on for c in forest.checks] == before

    done = client.post(url, data={"first": "2026-12-03", "second": "2026-12-17", "third": "2026-12-31"})
    assert done.status_code == 302
    assert "已调整：第一次督查 2026-12-03；第二次督查 2026-12-17。" in flashes(
        client.get(done.location).get_data(as_text=True)
    )
    db.session.expire_all()
    assert [c.planned_on for c in forest.checks] == [date(2026, 12, 3), date(2026, 12, 17), date(2026, 12, 31)]
    assert [c.planned_by_hand for c in forest.checks] == [True, True, False]
    step = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "调整督查日期"))
    assert (step.entity_id, step.actor_name, step.summary) == (
        forest.id,
        "李督查",
        "第一次督查 2026-12-03；第二次督查 2026-12-17",
    )


def test_should_refuse_to_move_a_check_already_held(client, office):
    forest = shares(under_checks(office))["东方红林场"]
    decide_check(db.session, due_check(forest, 1, now=NOW), Verdict.PASS, actor=None, now=NOW)
    db.session.commit()
    login(client, "sup")
    url = f"/admin/assignment/check_dates/?id={forest.id}"
    refused = client.post(url, data={"first": "2026-12-01"}).get_data(as_text=True)
    assert "第一次督查当前为“已裁定”，不能再调整日期。" in refused
    moved = client.post(url, data={"first": "2026-11-26", "second": "2026-12-22"})
    assert moved.status_code == 302
    db.session.expire_all()
    assert forest.checks[1].planned_on == date(2026, 12, 22)


def test_should_move_the_checks_of_every_open_share_of_an_item_at_once(client, office):
    item = under_checks(office)
    by_unit = shares(item)
    decided = due_check(by_unit["东方红林场"], 1, now=NOW)
    decide_check(db.session, decided, Verdict.PASS, actor=None, now=NOW)
    db.session.commit()
    login(client, "sup")
    url = f"/admin/item/check_dates/?id={item.id}"
    form = client.get(url).get_data(as_text=True)
    assert "东方红林场：第一次督查" in form and "已裁定" in form
    done = client.post(url, data={"first": "2026-12-04", "second": "", "third": ""})
    assert done.status_code == 302
    message = flashes(client.get(done.location).get_data(as_text=True))
    assert "已调整：林业第一中学 第一次督查 2026-12-04；计财科 第一次督查 2026-12-04。" in message
    db.session.expire_all()
    assert by_unit["东方红林场"].checks[0].planned_on == date(2026, 11, 26)  # already decided: not moved
    assert by_unit["林业第一中学"].checks[0].planned_on == by_unit["计财科"].checks[0].planned_on == date(2026, 12, 4)
    refused = client.post(url, data={"first": "", "second": "2026-12-01", "third": ""})
    assert "督查日期须按第一次、第二次、第三次的顺序排列" in refused.get_data(as_text=True)
    assert "林业第一中学：" in refused.get_data(as_text=True)


# --- the verdict --------------------------------------------------------------------------------------------------


def test_should_propose_on_the_verdict_page_and_record_a_pass_overriding_it(client, office):
    forest = shares(under_checks(office))["东方红林场"]
    check = due_check(forest, 1, now=NOW)
    db.session.commit()
    login(client, "sup")
    url = f"/admin/check/decide/?id={check.id}"
    page = client.get(url).get_data(as_text=True)
    for text in (
        "督查裁定",
        "系统建议：不合格（未按时报送）",
        "上次督查以来未报送反馈",
        "判定不合格将起草《整改通知书》（待签发），并将该单位列入当日的通报批评草稿",
        "第一次督查（贯彻情况、工作措施和进度），督查日期 2026-11-26",
    ):
        assert text in page, text
    assert re.search(r'<input checked[^>]*value="fail"', page) and re.search(
        r'<input checked[^>]*value="未按时报送"', page
    )
    response = client.post(
        url,
        data={
            "verdict": "pass",
            "comment": "已到现场核实",
            "in_person_on": "2026-11-25",
            "in_person_note": "防火通道已开通",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (check.state, check.verdict, check.decided_by_name) == (CheckState.DECIDED, Verdict.PASS, "李督查")
    assert (check.in_person_on, check.in_person_note, check.grounds) == (date(2026, 11, 25), "防火通道已开通", None)
    assert forest.escalation_level == 0 and db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 0
    assert db.session.scalar(db.select(AuditEvent.actor_name).where(AuditEvent.action == "第一次督查裁定")) == "李督查"
    again = client.post(url, data={"verdict": "fail", "grounds": ["行动迟缓"]})
    assert "不能重复裁定" in again.get_data(as_text=True)


def test_should_refuse_a_fail_without_grounds_and_keep_what_was_typed(client, office):
    check = due_check(shares(under_checks(office))["东方红林场"], 1, now=NOW)
    db.session.commit()
    login(client, "sup")
    url = f"/admin/check/decide/?id={check.id}"
    bare = client.post(url, data={"verdict": "fail", "comment": "", "in_person_note": "现场无人值守"})
    page = bare.get_data(as_text=True)
    assert bare.status_code == 200 and "判定不合格须选择不合格情形或填写督查意见。" in page and "现场无人值守" in page
    assert "请选择督查结论" in client.post(url, data={"comment": "x"}).get_data(as_text=True)
    db.session.expire_all()
    assert check.state == CheckState.DUE and check.verdict is None


def test_should_fail_a_check_climb_one_rung_and_link_the_drafted_notice(client, office):
    forest = shares(under_checks(office))["东方红林场"]
    check = due_check(forest, 1, now=NOW)
    db.session.commit()
    login(client, "sup")
    response = client.post(
        f"/admin/check/decide/?id={check.id}",
        data={"verdict": "fail", "grounds": ["不按时传达贯彻", "行动迟缓"], "comment": "措施不具体"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    db.session.expire_all()
    escalation = db.session.scalar(db.select(Escalation))
    notice = escalation.notice
    assert (escalation.level, escalation.check_id, forest.escalation_level) == (1, check.id, 1)
    assert (notice.kind, notice.status, notice.number) == (NoticeKind.RECTIFICATION, NoticeStatus.DRAFT, None)
    assert check.grounds == "不按时传达贯彻；行动迟缓" and check.comment == "措施不具体"
    message = flashes(page)
    assert "已裁定：不合格。" in message and "已起草《整改通知书》（待签发）" in message
    assert f'href="/admin/notice/details/?id={notice.id}"' in page
    assert "该单位已列入通报批评草稿" in message and "/admin/circular/details/?id=" in page
    details = client.get(f"/admin/check/details/?id={check.id}").get_data(as_text=True)
    assert "达到“整改通知书”" in details and f'href="/admin/notice/details/?id={notice.id}"' in details


# --- the queue ----------------------------------------------------------------------------------------------------


@pytest.fixture
def three_due(office):
    """Each share's first check is due: the forest farm's report accepted (合格), the school's awaiting review
    (待定), finance silent (不合格, 未按时报送)."""
    item = under_checks(office)
    by_unit = shares(item)
    accepted = report(by_unit["东方红林场"], 50, now=at(2026, 11, 26, 9, 10))
    review_feedback(db.session, accepted, ReviewStatus.ACCEPTED, "", actor=None, now=at(2026, 11, 26, 9, 20))
    report(by_unit["林业第一中学"], 30, now=at(2026, 11, 26, 9, 15))
    checks = {name: due_check(share, 1, now=at(2026, 11, 26, 9, 30)) for name, share in by_unit.items()}
    db.session.commit()
    return checks


def queue_rows(client, url="/admin/check_queue/") -> set[int]:
    """The check ids a queue page lists."""
    page = client.get(url).get_data(as_text=True)
    return {int(i) for i in re.findall(r"/admin/check_queue/details/\?id=(\d+)", page)}


def test_should_list_the_due_checks_with_the_live_proposal_the_reports_and_the_rung(client, office, three_due):
    login(client, "sup")
    page = client.get("/admin/check_queue/").get_data(as_text=True)
    assert queue_rows(client) == {c.id for c in three_due.values()}
    text = re.sub(r"\s+", " ", visible_text(page))
    for expected in (
        "待裁定督查",
        "第一次督查",
        "贯彻情况、工作措施和进度",
        "1 份，最近完成 50%",
        "1 份，最近完成 30%",
    ):
        assert expected in text, expected
    assert "合格" in text and "待定 有反馈待审核" in text and "不合格 未按时报送" in text
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    dates = [re.search(r"(\d{4}-\d{2}-\d{2})", r).group(1) for r in rows if "check_queue/details" in r]
    assert dates == sorted(dates)  # by check date
    proposal = filter_arg(client.application, "check_queue", "系统建议")
    assert queue_rows(client, f"/admin/check_queue/?flt0_{proposal}=pending") == {three_due["林业第一中学"].id}
    unit = filter_arg(client.application, "check_queue", "承办单位")
    assert queue_rows(client, f"/admin/check_queue/?flt0_{unit}={office.finance.id}") == {three_due["计财科"].id}
    item = filter_arg(client.application, "check_queue", "督查事项（编号或名称）")
    assert len(queue_rows(client, f"/admin/check_queue/?flt0_{item}=林区防火")) == 3
    assert not queue_rows(client, f"/admin/check_queue/?flt0_{item}=苗圃")
    rounds = filter_arg(client.application, "check_queue", "督查轮次")
    assert not queue_rows(client, f"/admin/check_queue/?flt0_{rounds}=2")


def test_should_decide_the_selected_checks_as_proposed_and_skip_those_pending(client, office, three_due):
    login(client, "sup")
    ids = [str(c.id) for c in three_due.values()]
    response = client.post("/admin/check_queue/action/", data={"action": "follow", "rowid": ids}, follow_redirects=True)
    message = flashes(response.get_data(as_text=True))
    assert "已按建议裁定 2 项（合格 1 项，不合格 1 项）。" in message
    assert "未裁定 1 项" in message and "林业第一中学 第一次督查：系统建议“待定”（有反馈待审核）" in message
    assert "已起草《整改通知书》（待签发）" in message
    db.session.expire_all()
    forest, school, finance = (three_due[n] for n in ("东方红林场", "林业第一中学", "计财科"))
    assert (forest.verdict, forest.decided_by_name) == (Verdict.PASS, "李督查")
    assert (finance.verdict, finance.grounds) == (Verdict.FAIL, "未按时报送")
    assert school.state == CheckState.DUE and school.verdict is None
    assert queue_rows(client) == {school.id}
    draft = db.session.scalar(db.select(Notice).where(Notice.unit_id == office.finance.id, Notice.status == "draft"))
    assert draft.kind == NoticeKind.RECTIFICATION


def test_should_count_on_the_dashboard_exactly_the_checks_the_queue_lists(client, office, three_due):
    decide_check(db.session, three_due["东方红林场"], Verdict.PASS, actor=None, now=NOW)
    db.session.commit()
    login(client, "sup")
    dashboard = client.get("/admin/").get_data(as_text=True)
    card = re.search(
        r'href="([^"]+)"[^>]*data-count="(\d+)"><div class="card-body py-2">'
        r'\s*<div class="small text-muted">待裁定督查',
        dashboard,
    )
    assert card and unescape(card.group(1)) == "/admin/check_queue/"
    due = db.session.scalar(
        db.select(db.func.count()).select_from(SupervisionCheck).where(SupervisionCheck.state == CheckState.DUE)
    )
    assert int(card.group(2)) == len(queue_rows(client)) == due == 2


@pytest.mark.parametrize("username", ["wang", "boss"])
def test_should_keep_the_queue_and_the_verdicts_from_liaisons_and_leaders(client, office, three_due, username):
    check = three_due["东方红林场"]
    login(client, username)
    assert client.get("/admin/check_queue/").status_code == 403
    assert client.get(f"/admin/check_queue/details/?id={check.id}").status_code == 403
    assert client.get(f"/admin/check/decide/?id={check.id}").status_code == 403
    assert client.post(f"/admin/check/decide/?id={check.id}", data={"verdict": "pass"}).status_code == 403
    action = client.post("/admin/check_queue/action/", data={"action": "follow", "rowid": [str(check.id)]})
    assert action.status_code == 403
    assert client.get(f"/admin/assignment/check_dates/?id={check.assignment_id}").status_code == 403
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "/admin/check_queue/" not in dashboard and "待裁定督查" not in dashboard
    assert ">裁定</a>" not in client.get(f"/admin/check/details/?id={check.id}").get_data(as_text=True)
    db.session.expire_all()
    assert check.state == CheckState.DUE


def test_should_show_a_liaison_their_units_checks_without_the_proposal(client, office, three_due):
    login(client, "wang")
    listing = client.get("/admin/check/").get_data(as_text=True)
    assert "东方红林场" in listing and "林业第一中学" not in listing and "计财科" not in listing
    own = client.get(f"/admin/check/details/?id={three_due['东方红林场'].id}").get_data(as_text=True)
    assert "贯彻情况、工作措施和进度" in own
    for internal in ("系统建议", "建议结论", "判定不合格将起草"):
        assert internal not in own, internal
    theirs = client.get(f"/admin/check/details/?id={three_due['计财科'].id}", follow_redirects=True)
    assert "计财科" not in theirs.get_data(as_text=True)


# --- the grounds --------------------------------------------------------------------------------------------------


def test_should_offer_the_active_grounds_the_office_keeps(client, office):
    db.session.add_all(
        [
            CheckGround(name="措施空泛", sort_order=1, active=True),
            CheckGround(name="旧的情形", sort_order=2, active=False),
        ]
    )
    check = due_check(shares(under_checks(office))["东方红林场"], 1, now=NOW)
    db.session.commit()
    login(client, "sup")
    page = client.get(f"/admin/check/decide/?id={check.id}").get_data(as_text=True)
    assert "措施空泛" in page and "旧的情形" not in page and "行动迟缓" not in page
    created = client.post("/admin/check_ground/new/", data={"name": "台账不全", "sort_order": "3", "active": "y"})
    assert created.status_code == 302
    assert "台账不全" in client.get(f"/admin/check/decide/?id={check.id}").get_data(as_text=True)
    assert client.get("/admin/check_ground/").status_code == 200
    client.post("/logout")
    login(client, "boss")
    assert client.get("/admin/check_ground/").status_code == 403


def test_should_offer_the_reports_grounds_while_the_office_has_written_none(client, office):
    check = due_check(shares(under_checks(office))["东方红林场"], 1, now=NOW)
    db.session.execute(db.delete(CheckGround))
    db.session.commit()
    login(client, "sup")
    page = client.get(f"/admin/check/decide/?id={check.id}").get_data(as_text=True)
    assert all(g in page for g in ("不按时传达贯彻", "没有切实可行的措施", "有令不行、有禁不止"))


# --- wording ------------------------------------------------------------------------------------------------------


def test_should_word_every_check_screen_in_chinese(client, office, three_due):
    check = three_due["计财科"]
    item_id = check.assignment.item_id
    login(client, "sup")
    urls = [
        "/admin/check_queue/",
        f"/admin/check_queue/details/?id={check.id}",
        "/admin/check/",
        f"/admin/check/details/?id={check.id}",
        f"/admin/check/decide/?id={check.id}",
        f"/admin/assignment/check_dates/?id={check.assignment_id}",
        f"/admin/item/check_dates/?id={item_id}",
        f"/admin/item/details/?id={item_id}",
        f"/admin/assignment/details/?id={check.assignment_id}",
        "/admin/check_ground/",
        "/admin/item/new/",
        urlsplit(assignment_link(check.assignment)).path,
    ]
    identifiers = (
        frozenset(db.session.scalars(db.select(User.username)))
        | frozenset(db.session.scalars(db.select(Unit.code)))
        | frozenset(client.application.config["ATTACHMENT_EXTENSIONS"])  # the unit page names the file types
    )
    for url in [*urls, "after the verdict", f"/admin/check/details/?id={check.id}"]:
        if url == "after the verdict":
            client.post(f"/admin/check/decide/?id={check.id}", data={"verdict": "fail", "grounds": ["行动迟缓"]})
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        assert not latin_words(visible_text(response.get_data(as_text=True)), identifiers), url
