"""Every action a page offers is one the role may take: a crawler follows each link and form as every role."""

import re
from collections import deque
from datetime import date
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest

from extensions import db
from models import Circular, Confirmation, ExtensionRequest, Feedback, Liaison, OutboxMessage, Role
from models.feedback import ReviewStatus
from models.outbox import OutboxStatus
from models.roster import ConfirmationAnswer, CorrectionStatus
from tests.checking import due_check
from tests.factories import login, make_item, make_user
from tests.office import assigned_item, at, build_office, fail_next_check, report
from workflows.feedback import request_extension, review_feedback
from workflows.sanctions import issue_draft

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOW = at(2026, 11, 26, 10)
USERS = {"admin": Role.ADMIN, "supervisor": Role.SUPERVISOR, "leader": Role.LEADER, "liaison": Role.LIAISON}
SKIP = re.compile(r"/logout|/ajax/|[?&](sort|desc|page|page_size|search)=|/static/|javascript:")


@pytest.fixture
def office(app):
    """A small office with one of every pending step: a report to review, an extension, a draft, a correction, and
    checks to decide (the item is under the three checks; each share's first check is due)."""
    office = build_office()
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW, title="林区防火检查", three_checks=True)
    share = {a.unit_id: a for a in item.assignments}
    forest, school, finance = share[office.forest.id], share[office.school.id], share[office.finance.id]
    report(forest, 50, now=NOW)
    reviewed = report(school, 40, now=NOW)
    review_feedback(db.session, reviewed, ReviewStatus.RETURNED, "请补充数据", actor=None, now=NOW)
    request_extension(db.session, finance, date(2026, 12, 31), "设备未到货", by_name="张财", now=NOW)
    for share in (forest, school, finance):
        due_check(share, 1, now=NOW)
    make_item_unassigned(office)
    db.session.add(Circular(period="2026-11", title="2026年11月进展通报", body="各单位：草稿", status="draft"))
    liaison = db.session.scalar(db.select(Liaison).where(Liaison.unit_id == office.forest.id))
    db.session.add(
        Confirmation(
            liaison=liaison,
            campaign="2026-09",
            sent_at=NOW,
            answered_at=NOW,
            answer=ConfirmationAnswer.CORRECTED,
            proposed_mobile="13900000000",
            correction_status=CorrectionStatus.PENDING,
        )
    )
    failed = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).first()
    failed.status = OutboxStatus.FAILED
    for name, role in USERS.items():
        make_user(name, role, unit=office.forest if role == Role.LIAISON else None)
    documents(office)
    db.session.commit()
    return office


def documents(office):
    """The documents waiting on someone: the forest farm's drafted 整改通知书 (and its 通报批评 draft), and the
    school's 提请追责 submitted to the leadership after three failed checks."""
    checked = assigned_item(office, deadline=date(2026, 12, 18), now=NOW, title="造林绿化", three_checks=True)
    share = {a.unit_id: a for a in checked.assignments}
    fail_next_check(share[office.forest.id], now=NOW)
    for _ in range(3):
        issue_draft(db.session, fail_next_check(share[office.school.id], now=NOW).notice, actor=None, now=NOW)


def make_item_unassigned(office):
    """An item registered but not yet assigned (its 交办 waits)."""
    return make_item(office.school, [], deadline=date(2026, 12, 20), now=NOW, title="苗圃调查")


def _links(html: str, base: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"#]+)"', html):
        url = urljoin(base, unescape(href))
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if (parts.path.startswith("/admin/") or parts.path.startswith("/unit/mine/")) and not SKIP.search(path):
            found.add(path)
    return found


def _forms(html: str, base: str) -> list[tuple[str, dict]]:
    forms = []
    for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", html, flags=re.S):
        if 'method="post"' not in attributes.lower() and "method='post'" not in attributes.lower():
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        url = urljoin(base, unescape(action.group(1))) if action and action.group(1) else base
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if SKIP.search(path) or not (parts.path.startswith("/admin/") or parts.path.startswith("/unit/")):
            continue
        data = {
            unescape(n): unescape(v)
            for n, v in re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body)
        }
        # A form shared by the rows (the list's delete form): its first row's button gives the row's id.
        form_id = re.search(r'id="([^"]+)"', attributes)
        if form_id:
            button = re.search(rf'<button[^>]*form="{form_id.group(1)}" name="([^"]+)" value="([^"]*)"', html)
            if button:
                data[unescape(button.group(1))] = unescape(button.group(2))
        forms.append((path, data))
    return forms


def crawl(client, limit: int = 400) -> tuple[dict[str, int], list[tuple[str, dict]], dict[str, str]]:
    """Visit every page reachable from the dashboard; return each page's status, the forms seen and the HTML."""
    seen, queue, forms, pages = {}, deque(["/admin/"]), {}, {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow_redirects=url.startswith("/unit/mine/"))
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        base = "http://localhost" + (response.request.path if url.startswith("/unit/mine/") else url)
        for form_url, data in _forms(html, base):
            forms.setdefault(form_url.split("?")[0] if form_url.endswith("/delete/") else form_url, (form_url, data))
        # The list's bulk actions (交办, 删除 …) are links that submit the list's action form.
        for name in re.findall(r'data-duban-action="(\w+)"', html):
            rows = re.findall(r'name="rowid" value="(\d+)"', html)
            forms.setdefault(
                f"{url.split('?')[0]}action/:{name}",
                (f"{url.split('?')[0]}action/", {"action": name, "rowid": rows[:1]}),
            )
        queue.extend(link for link in sorted(_links(html, base)) if link not in seen)
    return seen, list(forms.values()), pages


@pytest.mark.parametrize("role", list(USERS))
def test_should_offer_each_role_only_what_it_may_do(client, office, role):
    login(client, role)
    visited, forms, _ = crawl(client)
    assert len(visited) > 15, visited
    refused = {url: code for url, code in visited.items() if code in (403, 500)}
    assert not refused, f"{role} is offered links it may not follow: {refused}"
    posted = {}
    for url, data in forms:
        response = client.post(url, data=data)
        posted[url] = response.status_code
    refused = {url: code for url, code in posted.items() if code in (403, 500)}
    assert not refused, f"{role} is offered forms it may not submit: {refused}"


def test_should_offer_every_pending_step_on_the_share_and_the_item(client, office):
    login(client, "supervisor")
    feedback = db.session.scalar(db.select(Feedback).where(Feedback.review_status == "pending"))
    extension = db.session.scalar(db.select(ExtensionRequest))
    share = client.get(f"/admin/assignment/details/?id={feedback.assignment_id}").get_data(as_text=True)
    assert f"/admin/feedback/review/?id={feedback.id}" in share
    other = client.get(f"/admin/assignment/details/?id={extension.assignment_id}").get_data(as_text=True)
    assert f"/admin/extension/decide/?id={extension.id}" in other
    request_page = client.get(f"/admin/extension/details/?id={extension.id}").get_data(as_text=True)
    assert f"/admin/extension/decide/?id={extension.id}" in request_page
    listing = client.get("/admin/extension/").get_data(as_text=True)
    assert f"/admin/extension/decide/?id={extension.id}" in listing
    item = client.get(f"/admin/item/details/?id={feedback.assignment.item_id}").get_data(as_text=True)
    assert f"/admin/feedback/review/?id={feedback.id}" in item and f"/admin/extension/decide/?id={extension.id}" in item
    decided = client.post(f"/admin/extension/decide/?id={extension.id}", data={"decision": "approve", "comment": ""})
    assert decided.status_code == 302
    assert "decide" not in client.get(f"/admin/extension/details/?id={extension.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "supervisor", "leader", "liaison"])
def test_should_open_from_each_dashboard_figure_the_list_of_exactly_what_it_counts(client, office, role):
    login(client, role)
    dashboard = client.get("/admin/").get_data(as_text=True)
    figures = re.findall(r'href="([^"]+)"[^>]*data-count="(\d+)"', dashboard)
    assert figures
    if role in ("admin", "supervisor"):
        assert {
            "待裁定督查",
            "待审核反馈",
            "待审批延期",
            "待审核名录更正",
            "通报草稿",
            "待签发文书",
            "待决定提请追责",
            "发送失败邮件",
        } <= set(re.findall(r'<div class="small text-muted">([^<]+)</div>', dashboard))
    for url, count in figures:
        url = unescape(url)
        listing = client.get(url + ("&" if "?" in url else "?") + "page_size=100")
        assert listing.status_code == 200, url
        own = re.escape(urlsplit(url).path)
        rows = set(re.findall(own + r"details/\?id=(\d+)", listing.get_data(as_text=True)))
        assert len(rows) == int(count), f"{url}: the card says {count}, the list shows {len(rows)}"


def test_should_not_send_a_supervisor_to_edit_the_calendar_only_an_admin_may_edit(client, office):
    login(client, "supervisor")
    page = client.get("/admin/").get_data(as_text=True)
    assert "去补录" not in page


def test_should_show_the_edit_icon_only_on_reports_still_waiting_for_review(client, office):
    login(client, "admin")
    listing = client.get("/admin/feedback/").get_data(as_text=True)
    pending = db.session.scalars(db.select(Feedback.id).where(Feedback.review_status == "pending")).all()
    reviewed = db.session.scalars(db.select(Feedback.id).where(Feedback.review_status != "pending")).all()
    assert pending and reviewed
    for feedback_id in pending:
        assert f"/admin/feedback/edit/?id={feedback_id}" in unescape(listing)
    for feedback_id in reviewed:
        assert f"/admin/feedback/edit/?id={feedback_id}&" not in unescape(listing) + "&"
        assert f"/admin/feedback/edit/?id={feedback_id}" not in unescape(listing).replace("&amp;", "&")


def test_should_not_offer_bulk_assignment_to_a_leader_or_a_liaison(client, office):
    for role in ("leader", "liaison"):
        login(client, role)
        assert 'data-duban-action="assign"' not in client.get("/admin/item/").get_data(as_text=True), role
        client.post("/logout")
    login(client, "supervisor")
    assert 'data-duban-action="assign"' in client.get("/admin/item/").get_data(as_text=True)


def test_should_hide_internal_fields_from_office_users(client, office):
    share = db.session.scalars(db.select(Feedback)).first().assignment_id
    login(client, "supervisor")
    page = client.get(f"/admin/assignment/details/?id={share}").get_data(as_text=True)
    for label in ("链接版本", "下次检查日期", "已督查轮次"):
        assert label not in page, label
    client.post("/logout")
    login(client, "admin")
    assert "链接版本" in client.get(f"/admin/assignment/details/?id={share}").get_data(as_text=True)


def test_should_show_the_reviewer_attachments_consequences_and_history(client, office):
    login(client, "supervisor")
    feedback = db.session.scalar(db.select(Feedback).where(Feedback.review_status == "pending"))
    page = client.get(f"/admin/feedback/review/?id={feedback.id}").get_data(as_text=True)
    for text in (
        "附件",
        "本次反馈未附文件",
        "退回",
        "不合格",
        "由督查人员裁定",
        "邮件告知单位",
        "整改通知书",
        "办理记录",
        "督查通知单",
    ):
        assert text in page, text
