"""The role matrix, continued: a liaison's pages never show another unit's text, wherever it is inlined."""

import re
from datetime import date, datetime
from html import unescape
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from clock import CHINA
from extensions import db
from models import QuarterTarget, ReviewStatus, Role
from tests.checking import failed_check
from tests.factories import login, make_item, make_leader, make_liaison, make_unit, make_user
from tests.office import fail_next_check
from workflows.checks import stop_checks
from workflows.feedback import (
    FeedbackInput,
    Upload,
    acknowledge,
    change_deadline,
    decide_extension,
    request_extension,
    review_feedback,
    submit_feedback,
)
from workflows.lifecycle import assign_item, resend_assignment_notice
from workflows.sanctions import decide_accountability, edit_draft, issue_draft
from workflows.tokens import assignment_link

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)
MAX_PAGES = 600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SKIPPED_QUERY = re.compile(r"(?:^|&)(?:sort|desc|page_size|page|search)=")


def unit_story(assignment, tag: str, phone: str, supervisor) -> list[str]:
    """Everything a unit writes or is told about its share, each piece marked with `tag`; returns the marks."""
    marks = [f"{tag}{name}" for name in ("签收人", "进展", "措施", "问题", "打算", "联系人", "附件", "退回意见")]
    marks += [f"{tag}{name}" for name in ("延期理由", "延期申请人", "审批意见", "调整理由", "停止理由", "季度目标")]
    marks += [f"{tag}第二次进展", phone, f"{tag}督查意见", f"{tag}现场督查情况"]
    acknowledge(db.session, assignment, f"{tag}签收人", now=NOW)
    first = submit_feedback(
        db.session,
        assignment,
        FeedbackInput(
            progress=f"{tag}进展",
            measures=f"{tag}措施",
            problems=f"{tag}问题",
            next_steps=f"{tag}打算",
            percent_complete=40,
            contact_name=f"{tag}联系人",
            contact_phone=phone,
        ),
        [Upload(f"{tag}附件.txt", "text/plain", b"attachment")],
        by_name=f"{tag}联系人",
        now=NOW,
    )
    review_feedback(db.session, first, ReviewStatus.RETURNED, f"{tag}退回意见", actor=supervisor, now=NOW)
    submit_feedback(
        db.session,
        assignment,
        FeedbackInput(
            progress=f"{tag}第二次进展", percent_complete=60, contact_name=f"{tag}联系人", contact_phone=phone
        ),
        [],
        by_name=f"{tag}联系人",
        now=NOW,
    )
    extension = request_extension(
        db.session, assignment, date(2026, 12, 31), f"{tag}延期理由", by_name=f"{tag}延期申请人", now=NOW
    )
    decide_extension(db.session, extension, False, f"{tag}审批意见", actor=supervisor, now=NOW)
    change_deadline(db.session, assignment, date(2026, 12, 18), f"{tag}调整理由", actor=supervisor, now=NOW)
    rungs = [
        failed_check(
            assignment, now=NOW, actor=supervisor, comment=f"{tag}督查意见", in_person_note=f"{tag}现场督查情况"
        )
    ]
    rungs += [fail_next_check(assignment, now=NOW, actor=supervisor) for _ in range(2)]
    for rung in rungs[:2]:
        issue_draft(db.session, rung.notice, actor=supervisor, now=NOW)
    request = rungs[2].notice
    edit_draft(
        db.session, request, title=request.title, body=f"{request.body}\n{tag}请示正文", actor=supervisor, now=NOW
    )
    issue_draft(db.session, request, actor=supervisor, now=NOW)
    decide_accountability(db.session, rungs[2], False, f"{tag}追责意见", actor=None, now=NOW)
    escalation = rungs[0]
    stop_checks(db.session, assignment, f"{tag}停止理由", actor=supervisor, now=NOW)
    db.session.add(QuarterTarget(assignment=assignment, period="2026Q4", target=f"{tag}季度目标"))
    resent = resend_assignment_notice(db.session, assignment, actor=supervisor, now=NOW)
    db.session.flush()
    marks += [escalation.notice.number, rungs[1].notice.number, f"{tag}追责意见", resent.number]
    return marks


@pytest.fixture
def shared_item(app):
    """One item shared by 甲林场 (lead, with the liaison account) and 乙林场 (co-unit), each with a full story."""
    ours, theirs = make_unit("甲林场"), make_unit("乙林场")
    make_liaison(ours, "甲联络员", email="jia@example.org", mobile="13900000001")
    make_liaison(theirs, "乙联络员", email="yi-secret@example.org", mobile="13900000002")
    supervisor = make_user("sup-scope", Role.SUPERVISOR)
    make_user("jia-liaison", Role.LIAISON, unit=ours)
    item = make_item(
        ours,
        [theirs],
        title="两单位共同办理的事项",
        content="两单位于年底前完成林区防火通道建设。",
        ordering_leader=make_leader("赵局长", title="局长"),
        instruction="请督查室跟踪落实。",
        three_checks=True,
        responsible_leader=make_leader("钱副局长"),
        responsible_person="孙责任",
        deadline=date(2026, 12, 15),
        now=NOW,
    )
    assign_item(db.session, item, actor=supervisor, now=NOW)
    db.session.flush()
    share = {a.unit_id: a for a in item.assignments}
    ours_marks = unit_story(share[ours.id], "甲单位", "0457-1110001", supervisor)
    theirs_marks = unit_story(share[theirs.id], "乙单位", "0457-2220002", supervisor)
    theirs_marks += ["yi-secret@example.org", "13900000002"]
    theirs_marks += ["甲单位请示正文"]  # the 提请追责 is the leadership's: its text never reaches the unit
    own_link = assignment_link(share[ours.id])
    db.session.commit()
    return {"item": item, "ours": ours_marks, "theirs": theirs_marks, "own_link": urlsplit(own_link).path}


def page_text(response) -> str:
    """A response as searchable text (an .xlsx export by its cells)."""
    if response.mimetype == XLSX and response.status_code == 200:
        book = load_workbook(BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    return response.get_data().decode("utf-8", errors="replace")


def crawl(client, starts: list[str]) -> dict[str, str]:
    """GET every page under /admin/ and /unit/ reachable from `starts` by links (list variants of sort and paging
    excluded); returns url -> text. Fails on a server error."""
    seen, queue, pages = set(starts), list(starts), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code < 500, url
        text = page_text(response)
        pages[url] = text
        if "html" not in (response.content_type or ""):
            continue
        for href in re.findall(r'href="([^"]+)"', text):
            href = unescape(href).split("#")[0]
            parts = urlsplit(href)
            if (
                parts.netloc
                or not parts.path.startswith(("/admin/", "/unit/"))
                or parts.path.startswith("/admin/static/")
            ):
                continue
            if SKIPPED_QUERY.search(parts.query):
                continue
            if href not in seen:
                seen.add(href)
                queue.append(href)
    return pages


def test_should_show_a_liaison_no_text_of_another_unit_on_any_page(client, shared_item):
    login(client, "jia-liaison")
    pages = crawl(client, ["/admin/", shared_item["own_link"]])
    assert len(pages) > 30, sorted(pages)
    everything = "\n".join(pages.values())
    missing = [mark for mark in shared_item["ours"] if mark not in everything]
    assert not missing, f"the crawl should reach the unit's own records: {missing}"
    leaks = [(mark, url) for url, text in pages.items() for mark in shared_item["theirs"] if mark in text]
    assert not leaks, (
        f"another unit's text on a liaison's page: {sorted({u for _, u in leaks})} {sorted({m for m, _ in leaks})}"
    )
