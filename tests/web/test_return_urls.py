"""Return addresses taken from a request (?url=, ?next=) lead only to a path on this site: no script, no other host."""

import html
import re
from datetime import date
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from extensions import db
from models import Role
from models.item import ItemStatus
from tests.factories import login, make_item, make_user
from tests.office import assigned_item, build_office, report
from workflows.feedback import request_extension

BAD_TARGETS = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "%20javascript:alert(1)",
    "java\tscript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "http:evil.example",
]


def same_site(address: str) -> bool:
    """A path on this site: starts with one "/", names no scheme or host, has no blanks or backslashes."""
    address = html.unescape(address)
    parts = urlsplit(address)
    return (
        address.startswith("/")
        and address[1:2] not in ("/", "\\")
        and "\\" not in address
        and not any(ch.isspace() or ord(ch) < 0x20 for ch in address)
        and not parts.scheme
        and not parts.netloc
    )


def with_return(page_url: str, target: str, name: str = "url") -> str:
    """The address with a return address added to its query."""
    return page_url + ("&" if "?" in page_url else "?") + urlencode({name: target})


def back_link(page: str) -> str:
    """The address of a step page's 返回 link."""
    match = re.search(r'href="([^"]*)"[^>]*>\s*返回\s*<', page)
    assert match, "the step page has a 返回 link"
    return html.unescape(match.group(1))


def addresses(page: str) -> list[str]:
    """Every href and form action of a page."""
    return [html.unescape(a) for a in re.findall(r'(?:href|action)="([^"]*)"', page)]


def as_browser_reads(address: str, base: str = "http://localhost/admin/item/") -> str:
    """The absolute address a browser follows for a link: blanks trimmed, tabs and newlines dropped, \\ read as /."""
    address = address.strip("".join(map(chr, range(0x21))))
    address = re.sub(r"[\t\n\r]", "", address).replace("\\", "/")
    return urljoin(base, address)


def leads_here(address: str) -> bool:
    """Does a browser that follows this address stay on this site?"""
    parts = urlsplit(as_browser_reads(address))
    return parts.scheme in ("http", "https") and parts.netloc == "localhost"


def assert_no_foreign_address(page: str):
    """Every link and form of the page leads to this site (Flask-Admin's own `javascript:void(0)` aside)."""
    for address in addresses(page):
        if address in ("javascript:void(0)", "javascript:void(0);", "#"):
            continue
        assert leads_here(address), address


@pytest.fixture
def office(app, now):
    """An assigned item with a feedback to review and an extension request to decide, and a supervisor."""
    office = build_office()
    item = assigned_item(office, deadline=date(2026, 12, 31), now=now)
    # ids that differ between kinds of record (share ≠ feedback ≠ request), so a link built from the wrong one shows
    report(item.assignments[0], 30)
    share = item.assignments[-1]
    feedback = report(share, 40)
    extension = request_extension(db.session, share, date(2027, 1, 31), "需要更多时间", by_name="王林", now=now)
    suspended = make_item(office.school, now=now)
    suspended.status = ItemStatus.SUSPENDED
    make_user("back-super", Role.SUPERVISOR)
    make_user("back-admin", Role.ADMIN)
    db.session.commit()
    return {
        "item": item.id,
        "suspended": suspended.id,
        "assignment": share.id,
        "feedback": feedback.id,
        "extension": extension.id,
    }


def step_pages(ids) -> list[tuple[str, str]]:
    """(step page, the record's details page) of every workflow step that renders a form with a 返回 link."""
    item, share = ids["item"], ids["assignment"]
    return [
        (f"/admin/item/assign/?id={item}", f"/admin/item/details/?id={item}"),
        (f"/admin/item/suspend/?id={item}", f"/admin/item/details/?id={item}"),
        (f"/admin/item/cancel/?id={item}", f"/admin/item/details/?id={item}"),
        (f"/admin/item/answer/?id={item}", f"/admin/item/details/?id={item}"),
        (f"/admin/item/resume/?id={ids['suspended']}", f"/admin/item/details/?id={ids['suspended']}"),
        (f"/admin/feedback/review/?id={ids['feedback']}", f"/admin/feedback/details/?id={ids['feedback']}"),
        (f"/admin/assignment/deadline/?id={share}", f"/admin/assignment/details/?id={share}"),
        (f"/admin/assignment/stop/?id={share}", f"/admin/assignment/details/?id={share}"),
        (f"/admin/extension/decide/?id={ids['extension']}", f"/admin/extension/details/?id={ids['extension']}"),
    ]


def test_should_lead_back_only_to_this_site_from_every_step_page(client, office):
    login(client, "back-super")
    for page_url, details in step_pages(office):
        for target in BAD_TARGETS:
            response = client.get(with_return(page_url, target))
            assert response.status_code == 200, (page_url, target)
            page = response.get_data(as_text=True)
            assert back_link(page) == details, (page_url, target)
            assert_no_foreign_address(page)


def test_should_keep_a_return_address_on_this_site(client, office):
    login(client, "back-super")
    for page_url, _ in step_pages(office):
        response = client.get(with_return(page_url, "/admin/item/?flt0_0=hotline&page=1"))
        assert back_link(response.get_data(as_text=True)) == "/admin/item/?flt0_0=hotline&page=1", page_url


def test_should_not_follow_a_foreign_return_address_from_the_admin_forms_and_actions(client, office):
    login(client, "back-admin")
    item = office["item"]
    for target in BAD_TARGETS:
        for page_url in (
            f"/admin/item/edit/?id={item}",
            f"/admin/item/details/?id={item}",
            "/admin/item/new/",
            "/admin/item/details/?id=99999999999999999999",
        ):
            response = client.get(with_return(page_url, target))
            assert response.status_code in (200, 302), (page_url, target)
            assert leads_here(response.location or "/"), (page_url, target, response.location)
            assert_no_foreign_address(response.get_data(as_text=True))
        action = client.post("/admin/item/action/", data={"action": "assign", "rowid": str(item), "url": target})
        assert action.status_code == 302 and leads_here(action.location), (target, action.location)
        refused = client.post("/admin/item/action/", data={"action": "assign", "rowid": "abc", "url": target})
        assert refused.status_code == 302 and refused.location == "/admin/item/", (target, refused.location)


def test_should_sign_in_to_a_page_of_this_site_only(client, office):
    for target in BAD_TARGETS:
        client.post("/logout")
        response = client.post(
            "/login", query_string={"next": target}, data={"username": "back-admin", "password": "correct-horse-9"}
        )
        assert response.status_code == 302
        assert same_site(response.location), (target, response.location)
        assert response.location == "/admin/", target
    client.post("/logout")
    response = client.post(
        "/login",
        query_string={"next": "/admin/item/?page=1"},
        data={"username": "back-admin", "password": "correct-horse-9"},
    )
    assert response.location == "/admin/item/?page=1"
