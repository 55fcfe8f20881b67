"""The declared step pages: their URLs stay put, may() guards each one, and every role the matrix refuses gets 403."""

from datetime import date

import pytest

import admin_views.workflow_pages as workflow_pages
from admin_views.permissions import may
from admin_views.workflow_pages import WorkflowPagesMixin
from extensions import db
from models import ItemSource, Role
from tests.factories import login, make_item, make_unit, make_user
from tests.office import assigned_item, at, build_office

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOW = at(2026, 11, 26, 10)

# endpoint -> (URL, methods, may() step), written out independently of the declarations.
EXPECTED = {
    "item.assign_view": ("/admin/item/assign/", {"GET", "POST"}, "item.assign"),
    "item.suspend_view": ("/admin/item/suspend/", {"GET", "POST"}, "item.suspend"),
    "item.cancel_view": ("/admin/item/cancel/", {"GET", "POST"}, "item.cancel"),
    "item.resume_view": ("/admin/item/resume/", {"GET", "POST"}, "item.resume"),
    "item.answer_view": ("/admin/item/answer/", {"GET", "POST"}, "item.answer"),
    "assignment.deadline_view": ("/admin/assignment/deadline/", {"GET", "POST"}, "assignment.deadline"),
    "item.check_dates_view": ("/admin/item/check_dates/", {"GET", "POST"}, "item.check_dates"),
    "assignment.check_dates_view": ("/admin/assignment/check_dates/", {"GET", "POST"}, "assignment.check_dates"),
    "assignment.in_charge_view": ("/admin/assignment/in_charge/", {"GET", "POST"}, "assignment.in_charge"),
    "leader_inspection.follow_up_view": (
        "/admin/leader_inspection/follow_up/",
        {"GET", "POST"},
        "leader_inspection.follow_up",
    ),
    "check.decide_view": ("/admin/check/decide/", {"GET", "POST"}, "check.decide"),
    "assignment.stop_view": ("/admin/assignment/stop/", {"GET", "POST"}, "assignment.stop"),
    "assignment.resend_view": ("/admin/assignment/resend/", {"POST"}, "assignment.resend"),
    "assignment.revoke_view": ("/admin/assignment/revoke/", {"POST"}, "assignment.revoke"),
    "feedback.review_view": ("/admin/feedback/review/", {"GET", "POST"}, "feedback.review"),
    "extension.decide_view": ("/admin/extension/decide/", {"GET", "POST"}, "extension.decide"),
    "confirmation.approve_view": ("/admin/confirmation/approve/", {"POST"}, "confirmation.decide"),
    "confirmation.reject_view": ("/admin/confirmation/reject/", {"POST"}, "confirmation.decide"),
    "circular.send_view": ("/admin/circular/send/", {"POST"}, "circular.send"),
    "assignment.notify_view": ("/admin/assignment/notify/", {"GET", "POST"}, "assignment.notify"),
    "assignment.urge_view": ("/admin/assignment/urge/", {"GET", "POST"}, "assignment.urge"),
    "notice.draft_view": ("/admin/notice/draft/", {"GET", "POST"}, "notice.edit_draft"),
    "notice.issue_view": ("/admin/notice/issue/", {"POST"}, "notice.issue"),
    "escalation.decide_view": ("/admin/escalation/decide/", {"GET", "POST"}, "escalation.decide"),
    "hotline.callback_view": ("/admin/hotline/callback/", {"GET", "POST"}, "hotline.callback"),
    "higher_instruction.report_view": (
        "/admin/higher_instruction/report/",
        {"GET", "POST"},
        "higher_instruction.report",
    ),
    "proposal.answer_view": ("/admin/proposal/answer/", {"GET", "POST"}, "proposal.answer"),
    "proposal.send_link_view": ("/admin/proposal/send_link/", {"GET", "POST"}, "proposal.send_link"),
    "proposal.judge_view": ("/admin/proposal/judge/", {"GET", "POST"}, "proposal.judge"),
}
ROLES_TAKING_STEPS = {Role.ADMIN, Role.SUPERVISOR}  # the office; leaders read, liaisons report through their page
# Steps that are not the office's: the leadership decides a 提请追责 (and an admin may, for them).
TAKERS = {"escalation.decide_view": {Role.ADMIN, Role.LEADER}}


def declared_pages(app):
    """(endpoint, page) of every step page the admin screens declare."""
    views = [v for admin in app.extensions["admin"] for v in admin._views if isinstance(v, WorkflowPagesMixin)]
    return {f"{view.endpoint}.{page.name}_view": page for view in views for page in view.step_pages}


def routes(app):
    """endpoint -> (URL, methods) of the app's routes, HEAD and OPTIONS aside."""
    return {r.endpoint: (r.rule, set(r.methods) - {"HEAD", "OPTIONS"}) for r in app.url_map.iter_rules()}


def test_every_step_page_is_declared_and_keeps_its_url(app):
    pages, known = declared_pages(app), routes(app)
    assert set(pages) == set(EXPECTED)
    for endpoint, (url, methods, step) in EXPECTED.items():
        assert known[endpoint] == (url, methods), endpoint
        assert pages[endpoint].step == step


@pytest.fixture
def people(app):
    """One signed-in-able user per role."""
    unit = make_unit("林业站")
    users = {role: make_user(role.value, role, unit=unit if role == Role.LIAISON else None) for role in Role}
    db.session.commit()
    return users


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_a_role_the_matrix_refuses_gets_403(app, client, people, endpoint):
    url, methods, step = EXPECTED[endpoint]
    takers = TAKERS.get(endpoint, ROLES_TAKING_STEPS)
    for role, user in people.items():
        assert may(user, step) is (role in takers), (role, step)
        if role in takers:
            continue
        login(client, user.username)
        for method in methods:
            assert client.open(f"{url}?id=1", method=method).status_code == 403, (role, method)
        client.post("/logout")


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_the_guard_is_may(app, client, people, monkeypatch, endpoint):
    """The page asks may(user, step) and obeys it: refused → 403, allowed → on to the record (none here: 404)."""
    url, methods, step = EXPECTED[endpoint]
    asked, answer = [], {"value": False}

    def spy(user, name, record=None):
        asked.append((user.username, name, record))
        return answer["value"] if name == step else may(user, name, record)

    monkeypatch.setattr(workflow_pages, "may", spy)
    login(client, people[Role.ADMIN].username)
    method = "POST" if "POST" in methods and "GET" not in methods else "GET"
    assert client.open(f"{url}?id=999", method=method).status_code == 403
    assert ("admin", step, None) in asked
    answer["value"] = True
    assert client.open(f"{url}?id=999", method=method).status_code == 404


# The item's buttons in each state, written out independently of permissions.STEPS.
ITEM_BUTTONS = {
    "registered": {"交办（发送督查通知单）", "暂停", "撤销"},
    "suspended": {"恢复办理", "撤销"},
    "closed": set(),
}


@pytest.mark.parametrize("status", sorted(ITEM_BUTTONS))
def test_the_item_buttons_are_the_steps_may_allows_in_its_state(app, client, people, status):
    office = build_office()
    item = make_item(office.forest, [], deadline=date(2026, 12, 15), now=NOW)
    item.status = status
    db.session.commit()
    login(client, people[Role.SUPERVISOR].username)
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    offered = {
        label for label in ("交办（发送督查通知单）", "登记答复", "暂停", "恢复办理", "撤销") if f">{label}</a>" in page
    }
    assert offered == ITEM_BUTTONS[status]


def test_the_stop_button_goes_once_the_checks_are_stopped(app, client, people):
    office = build_office()
    share = assigned_item(office, deadline=date(2026, 12, 15), now=NOW, three_checks=True).assignments[0]
    db.session.commit()
    login(client, people[Role.SUPERVISOR].username)
    url = f"/admin/assignment/details/?id={share.id}"
    page = client.get(url).get_data(as_text=True)
    assert "停止三次督查</a>" in page and "调整督查日期</a>" in page
    client.post(f"/admin/assignment/stop/?id={share.id}", data={"reason": "特殊情况"})
    page = client.get(url).get_data(as_text=True)
    assert "停止三次督查</a>" not in page and "调整督查日期</a>" not in page and "调整时限" in page


def test_the_stop_button_is_only_for_items_under_the_checks(app, client, people):
    office = build_office()
    share = assigned_item(office, deadline=date(2026, 12, 15), now=NOW, source=ItemSource.HOTLINE).assignments[0]
    db.session.commit()
    login(client, people[Role.SUPERVISOR].username)
    page = client.get(f"/admin/assignment/details/?id={share.id}").get_data(as_text=True)
    assert "停止三次督查</a>" not in page and "未纳入三次督查" in page
