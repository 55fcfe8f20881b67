"""Templates with drop-down lists, the printable 通讯录 and the .xlsx exports in the templates' shape."""

import io
import re
from datetime import datetime
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from clock import CHINA
from extensions import db
from importing.runner import IMPORTERS, plan_import
from models import Role
from tests.data.workbooks import build_office, edit_cells
from tests.factories import login, make_liaison, make_user

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)
HEADERS = {kind: [c.header for c in importer.columns] for kind, importer in IMPORTERS.items()}


@pytest.fixture
def office(app):
    """The test office, three liaisons and a supervisor."""
    found = build_office()
    # active=True: save_liaison reads the unset default of a new entry as inactive and would name no primary
    make_liaison(
        found["东方红"], "王林", email="wang@example.org", post="办公室主任", mobile="13900001111", active=True
    )
    make_liaison(found["东方红"], "孙森", email="sun@example.org", active=True)
    make_liaison(found["计财科"], "赵红", email="zhao@example.org", active=True)
    make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    return found


def workbook(response):
    """The downloaded .xlsx, opened."""
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data))


def download_name(response) -> str:
    """The Chinese file name of a download."""
    return unquote(re.search(r"filename\*=UTF-8''(.+)$", response.headers["Content-Disposition"]).group(1))


@pytest.mark.parametrize("kind", ["units", "roster", "items", "proposals"])
def test_should_offer_a_template_with_headers_an_example_and_instructions(client, office, kind):
    login(client, "sup")
    response = client.get(f"/admin/import/template/{kind}.xlsx")
    book = workbook(response)
    assert download_name(response) == f"{IMPORTERS[kind].title}导入模板.xlsx"
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS[kind]
    assert sheet.cell(row=2, column=2).value == IMPORTERS[kind].example[IMPORTERS[kind].columns[1].key]
    assert book.sheetnames == [IMPORTERS[kind].title[:31], "填写说明", "选项"]
    assert book["选项"].sheet_state == "hidden"
    assert "只要有一处错误，就不会写入任何数据" in " ".join(str(c.value) for c in book["填写说明"]["A"] if c.value)
    plan = plan_import(db.session, kind, response.data, now=NOW)
    assert plan.ok and [(r.action, r.notes) for r in plan.rows] == [("skipped", ["模板中的示例行"])]


def drop_downs(sheet) -> dict[str, list[str]]:
    """Column header -> the values its drop-down offers (read from the hidden options sheet)."""
    book, found = sheet.parent, {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = sheet[f"{column}1"].value
        match = re.match(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", validation.formula1)
        options = book[match.group(1)]
        found[header] = [
            options[f"{match.group(2)}{row}"].value for row in range(int(match.group(3)), int(match.group(4)) + 1)
        ]
    return found


def test_should_put_drop_down_lists_where_excel_supports_them(client, office):
    login(client, "sup")
    units = drop_downs(workbook(client.get("/admin/import/template/units.xlsx")).worksheets[0])
    assert units["单位类别"] == ["局直单位", "部办"] and units["启用"] == ["是", "否"]
    assert units["分管领导"] == ["赵振国", "刘建华", "杨春梅"]
    roster = drop_downs(workbook(client.get("/admin/import/template/roster.xlsx")).worksheets[0])
    assert roster["专兼职"] == ["专职", "兼职"] and "第二林场（营林所）" in roster["单位"]
    items = drop_downs(workbook(client.get("/admin/import/template/items.xlsx")).worksheets[0])
    assert items["来源"][6] == "“两会”重点工作" and len(items["来源"]) == 9
    assert items["办理周期"] == ["一次性", "每月", "每季度"] and "计财科" in items["牵头单位"]


def test_should_keep_phone_columns_as_text_so_excel_keeps_every_digit(client, office):
    login(client, "sup")
    sheet = workbook(client.get("/admin/import/export/roster.xlsx")).worksheets[0]
    wang = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "王林")
    assert (wang[5].value, wang[5].number_format, wang[5].data_type) == ("13900001111", "@", "s")


def test_should_print_the_directory_by_unit_kind_then_unit_on_a4(client, office):
    login(client, "sup")
    response = client.get("/admin/import/export/directory")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "督查网络通讯录" in html and "size: A4" in html
    assert html.index("一、局直单位") < html.index("东方红林场") < html.index("二、部办") < html.index("计财科")
    assert re.search(r'rowspan="2">东方红林场</td>\s*<td class="nowrap">王林<sup>★</sup>', html)
    assert '青山林场</td><td colspan="6" class="text-muted">（暂无联络员）' in html


def test_should_export_the_roster_and_units_in_the_templates_shape_with_chinese_file_names(client, office):
    login(client, "sup")
    roster = client.get("/admin/import/export/roster.xlsx")
    units = client.get("/admin/import/export/units.xlsx")
    assert re.fullmatch(r"联络员名录_\d{8}\.xlsx", download_name(roster))
    assert re.fullmatch(r"承办单位_\d{8}\.xlsx", download_name(units))
    roster_rows = list(workbook(roster).worksheets[0].iter_rows(values_only=True))
    assert list(roster_rows[0]) == HEADERS["roster"]
    assert [(r[0], r[1], r[9]) for r in roster_rows[1:]] == [
        ("东方红林场", "王林", "是"),
        ("东方红林场", "孙森", "否"),
        ("计财科", "赵红", "是"),
    ]
    unit_rows = list(workbook(units).worksheets[0].iter_rows(values_only=True))
    assert list(unit_rows[0]) == HEADERS["units"] and [r[0] for r in unit_rows[1:]][-1] == "BB01"
    edited = edit_cells(roster.data, {"G3": "sun.sen@example.org"})
    plan = plan_import(db.session, "roster", edited, now=NOW)
    assert [(r.label, [str(c) for c in r.changes]) for r in plan.rows if r.action == "update"] == [
        ("东方红林场 孙森", ["电子邮箱：sun@example.org → sun.sen@example.org"])
    ]


def test_should_answer_404_for_an_unknown_import(client, office):
    login(client, "sup")
    assert client.get("/admin/import/template/leaders.xlsx").status_code == 404
    assert client.post("/admin/import/leaders/upload").status_code == 404


def test_should_ask_for_a_file_when_none_was_chosen(client, office):
    login(client, "sup")
    response = client.post("/admin/import/units/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "承办单位：请选择要导入的 .xlsx 文件。" in client.get("/admin/import/").get_data(as_text=True)
