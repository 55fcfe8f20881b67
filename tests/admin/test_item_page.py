"""The item page and its print: the latest steps of the trail with a link to the rest, and the 督查事项单 on A4."""
# ruff: noqa: F811  (the fixtures come from the scenario module and are named as test arguments)

import re
from html import unescape

from extensions import db
from models import AuditEvent, Instruction
from tests.admin.test_liaison_scope import (  # noqa: F401  (the scenario of two units on one item)
    shared_item,
)
from tests.factories import login, make_item, make_unit


def trail_rows(page: str) -> list[str]:
    """The rows of the item page's 操作留痕 table."""
    table = page[page.index('id="trail"') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<tr><td", table)


def test_should_print_the_item_as_a_supervision_form_with_every_unit_and_its_latest_report(client, shared_item):
    login(client, "sup-scope")
    item = shared_item["item"]
    details = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert f'href="/admin/item/print/?id={item.id}"' in details and "window.print()" not in details
    page = client.get(f"/admin/item/print/?id={item.id}").get_data(as_text=True)
    required = [
        "size: A4",
        "督查事项单",
        item.number,
        item.title,
        item.source.label,
        "两单位于年底前完成林区防火通道建设。",
        "赵局长",
        "钱副局长",
        "请督查室跟踪落实。",
        "孙责任",
        item.status.label,
        "甲林场",
        "乙林场",
        "牵头",
        "协办",
        "2026年12月18日",  # each unit's own deadline, moved by the supervisor
        "甲单位第二次进展",  # the latest report of each unit, not the earlier one
        "乙单位第二次进展",
        "林业局督查室",
    ]
    missing = [text for text in required if text not in page]
    assert not missing, missing
    assert "甲单位进展" not in page and "乙单位退回意见" not in page


def test_should_print_for_a_liaison_only_their_own_units_part(client, shared_item):
    login(client, "jia-liaison")
    page = client.get(f"/admin/item/print/?id={shared_item['item'].id}").get_data(as_text=True)
    assert "督查事项单" in page and "甲单位第二次进展" in page and "甲林场" in page
    leaks = [mark for mark in shared_item["theirs"] if mark in page]
    assert not leaks and "乙林场" not in page, leaks


def test_should_refuse_the_print_of_an_item_a_liaison_has_no_share_in(client, shared_item, app):
    other = make_item(make_unit("丙林场"), title="丙林场独办的事项")
    db.session.commit()
    login(client, "jia-liaison")
    response = client.get(f"/admin/item/print/?id={other.id}")
    assert response.status_code == 404 and "丙林场独办的事项" not in response.get_data(as_text=True)
    assert client.get("/admin/item/print/?id=abc").status_code == 404
    anonymous = app.test_client().get(f"/admin/item/print/?id={other.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_should_show_the_latest_steps_and_link_the_whole_trail_of_the_item(client, shared_item):
    item = shared_item["item"]
    make_item(make_unit("丙林场"), title="别的事项")
    db.session.commit()
    total = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.item_id == item.id))
    login(client, "sup-scope")
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert len(trail_rows(page)) == 5 and f"共 {total} 条" in page
    link = unescape(re.search(r'href="([^"]+)">查看全部操作留痕', page).group(1))
    assert link.startswith("/admin/audit/")
    listing = client.get(link + "&page_size=100").get_data(as_text=True)  # the whole trail, checks and all
    assert "乙单位退回意见" in listing and "所属事项" in listing and "别的事项" not in listing
    assert client.get(re.sub(r"=\d+$", "=abc", link)).status_code == 200


def test_should_show_a_liaison_the_whole_trail_of_their_unit_on_the_item_page_and_no_instructions(client, shared_item):
    item = shared_item["item"]
    db.session.add(Instruction(item_id=item.id, text="局长批示：乙林场要加快进度"))
    db.session.commit()
    login(client, "jia-liaison")
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert len(trail_rows(page)) == 5 and "局长批示" not in page
    link = unescape(re.search(r'href="([^"]+)">查看全部操作留痕', page).group(1))
    assert "trail=all" in link
    whole = client.get(link).get_data(as_text=True)
    assert len(trail_rows(whole)) > 5 and "甲单位退回意见" in whole and "乙单位退回意见" not in whole
