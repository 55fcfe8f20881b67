"""The items screen: create with units, numbering, validation that keeps what was typed, details, export."""

import csv
import io
import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from extensions import db
from models import Assignment, AssignmentRole, AuditEvent, Item, ItemSource, Role
from tests.factories import login, make_item, make_leader, make_unit, make_user

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def office(app):
    """Three units, a leader and a supervisor account."""
    units = [make_unit("第一林场"), make_unit("第二林场"), make_unit("营林科")]
    leader = make_leader("王局长", title="局长")
    make_user("sup", Role.SUPERVISOR, display_name="李督查")
    db.session.commit()
    return {"units": units, "leader": leader}


def filter_arg(app, endpoint: str, name: str) -> str:
    """The URL argument of a list filter, found by its Chinese name."""
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == endpoint)
    return next(view.get_filter_arg(i, f) for i, f in enumerate(view._filters) if f.name == name)


def item_form(office, **overrides):
    """The item form as a supervisor fills it, with `overrides`."""
    lead, co1, co2 = office["units"]
    form = {
        "number": "",
        "title": "春季森林防火检查",
        "source": "meeting_decision",
        "rhythm": "one_off",
        "content": "各单位于月底前完成辖区防火检查并报送情况。",
        "ordering_leader": str(office["leader"].id),
        "instruction": "请督查室跟踪落实。",
        "responsible_leader": str(office["leader"].id),
        "lead_unit": str(lead.id),
        "co_units": f"{co1.id},{co2.id}",
        "responsible_person": "张三",
        "deadline": "2026-12-15",
    }
    form.update(overrides)
    return form


def test_should_create_an_item_with_a_generated_number_and_one_assignment_per_unit(client, office):
    login(client, "sup")
    response = client.post("/admin/item/new/", data=item_form(office))
    assert response.status_code == 302
    item = db.session.scalar(db.select(Item))
    assert item.number == f"督〔{item.year}〕1号" and item.seq == 1
    roles = sorted((a.unit.name, a.role, a.deadline) for a in item.assignments)
    assert roles == [
        ("第一林场", AssignmentRole.LEAD, date(2026, 12, 15)),
        ("第二林场", AssignmentRole.CO, date(2026, 12, 15)),
        ("营林科", AssignmentRole.CO, date(2026, 12, 15)),
    ]
    assert item.created_by.username == "sup"
    second = client.post("/admin/item/new/", data=item_form(office, title="第二件事"))
    assert second.status_code == 302
    assert db.session.scalar(db.select(Item).filter_by(title="第二件事")).seq == 2


def test_should_accept_a_typed_number_and_continue_the_sequence_after_it(client, office):
    login(client, "sup")
    client.post("/admin/item/new/", data=item_form(office, number="督[2026]40号"))
    client.post("/admin/item/new/", data=item_form(office, title="下一件"))
    numbers = db.session.scalars(db.select(Item.number).order_by(Item.id)).all()
    assert numbers == ["督〔2026〕40号", "督〔2026〕41号"]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "请填写事项名称"),
        ({"title": "长" * 201}, "不能超过 200 个字"),
        ({"deadline": ""}, "请填写完成时限"),
        ({"deadline": "2026-13-45"}, "日期"),
        ({"lead_unit": ""}, "请选择牵头单位"),
        ({"number": "第12号"}, "编号格式不正确"),
        ({"source": "nonsense"}, "不是有效的选择"),
    ],
)
def test_should_reject_bad_input_in_chinese_and_keep_what_was_typed(client, office, overrides, message):
    login(client, "sup")
    response = client.post("/admin/item/new/", data=item_form(office, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "各单位于月底前完成辖区防火检查并报送情况。" in page
    assert "张三" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 0


def test_should_reject_a_duplicate_number_in_chinese_and_keep_the_form(client, office):
    make_item(office["units"][0], number="督〔2026〕7号")
    db.session.commit()
    login(client, "sup")
    response = client.post("/admin/item/new/", data=item_form(office, number="督〔2026〕7号"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "已存在" in page or "已经存在" in page
    assert "春季森林防火检查" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 1


def test_should_refuse_the_lead_unit_as_a_co_unit(client, office):
    login(client, "sup")
    lead = office["units"][0]
    response = client.post("/admin/item/new/", data=item_form(office, co_units=str(lead.id)))
    page = response.get_data(as_text=True)
    assert "已是牵头单位" in page and "春季森林防火检查" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Item)) == 0


def test_should_move_open_assignment_deadlines_with_the_item_and_drop_a_removed_co_unit(client, office):
    lead, co1, co2 = office["units"]
    item = make_item(lead, [co1, co2], deadline=date(2026, 12, 15))
    moved = next(a for a in item.assignments if a.unit_id == co1.id)
    moved.deadline = date(2026, 12, 20)  # this unit had its own extension: it must keep it
    db.session.commit()
    login(client, "sup")
    form = item_form(office, number=item.number, deadline="2026-12-31", co_units=str(co1.id))
    response = client.post(f"/admin/item/edit/?id={item.id}", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    deadlines = {a.unit.name: a.deadline for a in db.session.get(Item, item.id).assignments}
    assert deadlines == {"第一林场": date(2026, 12, 31), "第二林场": date(2026, 12, 20)}


def test_should_show_assignments_instructions_and_the_audit_trail_on_the_details_page(client, office):
    login(client, "sup")
    client.post("/admin/item/new/", data=item_form(office))
    item = db.session.scalar(db.select(Item))
    page = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    for text in ("承办任务", "第一林场", "牵头", "协办", "营林科", "操作留痕", "李督查", "新建", "添加批示"):
        assert text in page, text


def test_should_search_by_number_title_and_content_and_filter_by_source_and_overdue(client, office):
    lead = office["units"][0]
    make_item(lead, title="棚户区改造进度", content="三号楼", source=ItemSource.HOTLINE, deadline=date(2020, 1, 1))
    make_item(lead, title="园林绿化", source=ItemSource.CENTRAL_TASK, deadline=date(2099, 1, 1))
    db.session.commit()
    login(client, "sup")

    def titles(query):
        page = client.get("/admin/item/?" + query).get_data(as_text=True)
        return {t for t in ("棚户区改造进度", "园林绿化") if t in page}

    assert titles("search=棚户区") == {"棚户区改造进度"}
    assert titles("search=三号楼") == {"棚户区改造进度"}
    assert titles("search=" + db.session.scalar(db.select(Item.number).filter_by(title="园林绿化"))) == {"园林绿化"}
    assert titles("flt0_0=hotline") == {"棚户区改造进度"}
    overdue = filter_arg(client.application, "item", "是否逾期")
    assert titles(f"flt0_{overdue}=1") == {"棚户区改造进度"}
    assert titles(f"flt0_{overdue}=0") == {"园林绿化"}


def test_should_list_newest_first(client, office):
    lead = office["units"][0]
    make_item(lead, title="较早的事项")
    make_item(lead, title="较新的事项")
    db.session.commit()
    login(client, "sup")
    page = client.get("/admin/item/").get_data(as_text=True)
    assert page.index("较新的事项") < page.index("较早的事项")


def test_should_export_csv_with_bom_chinese_headers_and_a_chinese_file_name(client, office):
    lead, co1, _ = office["units"]
    make_item(lead, [co1], title='=HYPERLINK("http://evil")', deadline=date(2026, 12, 15))
    db.session.commit()
    login(client, "sup")
    response = client.get("/admin/item/export/csv/")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    assert "filename*=UTF-8''%E7%9D%A3%E6%9F%A5%E4%BA%8B%E9%A1%B9_" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "事项名称", "来源", "办理周期"]
    assert "协办单位" in rows[0]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["来源"] == "重要文件、会议决定事项" and record["协办单位"] == "第二林场"
    assert record["事项名称"].startswith("'=")  # a formula is shown as text, never run


def test_should_export_xlsx_with_typed_dates(client, office):
    make_item(office["units"][0], title="导出测试", deadline=date(2026, 12, 15))
    db.session.commit()
    login(client, "sup")
    response = client.get("/admin/item/export/xlsx/")
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    headers = [c.value for c in sheet[1]]
    values = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert values["事项名称"] == "导出测试"
    assert values["完成时限"].date() == date(2026, 12, 15)


def test_should_record_create_change_and_delete_in_the_audit_trail(client, office):
    login(client, "sup")
    client.post("/admin/item/new/", data=item_form(office))
    item = db.session.scalar(db.select(Item))
    client.post(f"/admin/item/edit/?id={item.id}", data=item_form(office, number=item.number, title="改过的标题"))
    client.post("/admin/item/delete/", data={"id": item.id})
    events = db.session.scalars(db.select(AuditEvent).filter_by(entity="item").order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["新建", "修改", "删除"]
    assert all(e.actor_name == "李督查" for e in events)
    assert "事项名称：春季森林防火检查 → 改过的标题" in events[1].summary
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == 0


def test_should_let_a_leader_add_an_instruction_shown_on_the_item_but_not_edit_the_item(client, office):
    leader_user = make_user("juzhang", Role.LEADER, display_name="王局长", leader=office["leader"])
    item = make_item(office["units"][0], title="供暖保障")
    db.session.commit()
    login(client, leader_user.username)
    form_page = client.get(f"/admin/instruction/new/?item_id={item.id}").get_data(as_text=True)
    # the item and the leader come pre-filled (type-ahead fields carry their choice as JSON)
    assert json.dumps("供暖保障")[1:-1] in form_page and json.dumps("王局长")[1:-1] in form_page
    response = client.post(
        "/admin/instruction/new/", data={"item": item.id, "text": "务必在月底前完成，确保职工温暖过冬。"}
    )
    assert response.status_code == 302 and f"/admin/item/details/?id={item.id}" in response.location
    details = client.get(f"/admin/item/details/?id={item.id}").get_data(as_text=True)
    assert "务必在月底前完成，确保职工温暖过冬。" in details and "王局长" in details
    assert client.get(f"/admin/item/edit/?id={item.id}").status_code == 403


def test_should_take_a_deadline_typed_as_working_days(client, office):
    from clock import china_date, utcnow
    from workdays import WorkCalendar

    login(client, "sup")
    assert client.post("/admin/item/new/", data=item_form(office, deadline="5个工作日")).status_code == 302
    expected = WorkCalendar().add_working_days(china_date(utcnow()), 5)
    item = db.session.scalar(db.select(Item))
    assert item.deadline == expected and {a.deadline for a in item.assignments} == {expected}


def test_should_keep_an_unreadable_deadline_as_typed_with_a_chinese_message(client, office):
    login(client, "sup")
    page = client.post("/admin/item/new/", data=item_form(office, deadline="下周五前")).get_data(as_text=True)
    assert "无法识别的完成时限" in page and 'value="下周五前"' in page


def test_should_stop_counting_at_the_cap_so_the_list_does_not_grow_with_the_table(client, office):
    for n in range(5):
        make_item(office["units"][0], title=f"计数事项{n}")
    db.session.commit()
    view = next(v for v in client.application.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "item")
    view.count_cap = 3
    login(client, "sup")
    assert "列表 (3+)" in client.get("/admin/item/").get_data(as_text=True)
    assert "列表 (1)" in client.get("/admin/item/?search=计数事项4").get_data(as_text=True)
    overdue = filter_arg(client.application, "item", "是否逾期")
    assert "列表 (3+)" in client.get(f"/admin/item/?flt0_{overdue}=0").get_data(as_text=True)


def test_should_delete_a_row_from_the_list_through_its_one_shared_delete_form(client, office):
    lead, co, _ = office["units"]
    kept, doomed = make_item(lead, [co], title="保留的事项"), make_item(lead, [], title="要删除的事项")
    make_user("root", Role.ADMIN)
    db.session.commit()
    login(client, "root")
    html = client.get("/admin/item/").get_data(as_text=True)
    assert html.count('action="/admin/item/delete/"') == 1  # one form for the page, not one per row
    assert html.count('form="duban-delete-form"') == 2  # each row's delete button submits it with its own id
    form = re.search(r'<form id="duban-delete-form".*?</form>', html, flags=re.S).group(0)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    button = re.search(rf'<button[^>]*form="duban-delete-form" name="id" value="{doomed.id}"', html)
    assert button and "data-duban-confirm" in html
    response = client.post("/admin/item/delete/", data={**fields, "id": str(doomed.id)})
    assert response.status_code == 302 and response.location.startswith("/admin/item/")
    assert db.session.scalars(db.select(Item.title)).all() == ["保留的事项"]
    assert f'href="/admin/item/details/?id={kept.id}&amp;url=' in client.get("/admin/item/").get_data(as_text=True)
