"""Every screen of the demo office, as every role: lists, details, forms, exports, print pages — never a 500."""

import re

import pytest

from extensions import db
from models import Role, Unit
from tests.factories import login, make_user


@pytest.fixture
def office(app, demo_office):
    """The demo office after a sweep, and an account per role."""
    demo_office(sweep=True)
    unit = db.session.scalar(db.select(Unit).order_by(Unit.id))
    for username, role in (("a", Role.ADMIN), ("s", Role.SUPERVISOR), ("l", Role.LEADER), ("i", Role.LIAISON)):
        make_user(f"page-{username}", role, unit=unit if role == Role.LIAISON else None)
    db.session.commit()


def admin_pages(client) -> set[str]:
    """Every admin address linked from the dashboard's menu."""
    menu = client.get("/admin/").get_data(as_text=True)
    return set(re.findall(r'href="(/admin/[a-z_]+/)"', menu))


@pytest.mark.parametrize("role", ["a", "s", "l", "i"])
def test_should_never_answer_with_a_500_on_any_screen(client, office, role):
    login(client, f"page-{role}")
    lists = admin_pages(client)
    assert lists, "the menu links to the screens"
    visited = 0
    for list_url in sorted(lists):
        listing = client.get(list_url)
        assert listing.status_code in (200, 403), list_url
        html = listing.get_data(as_text=True)
        links = set(
            re.findall(
                r'href="('
                + re.escape(list_url)
                + r'(?:details|edit|new|print|review|decide|deadline|stop|assign|suspend|cancel|answer|resume)/[^"]*)"',
                html,
            )
        )
        links |= {list_url + "export/csv/", list_url + "export/xlsx/", list_url + "new/"}
        for url in sorted(links)[:25]:
            response = client.get(url.replace("&amp;", "&"))
            assert response.status_code != 500, url
            visited += 1
    for url in ("/admin/", "/admin/directory_health/"):
        assert client.get(url).status_code in (200, 403), url
    assert visited > 20
