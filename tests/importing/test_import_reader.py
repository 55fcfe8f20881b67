"""Messy real files: title rows, merged headers, dates and numbers every which way, formulas, files not xlsx."""

import io
import zipfile
from datetime import date, datetime

import pytest

from extensions import db
from importing.runner import plan_import
from tests.data.workbooks import ROSTER_HEADERS, build_office, with_cached_value, xlsx

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOW = datetime(2026, 11, 26, 2, 0).astimezone()


@pytest.fixture
def office(app):
    """The test office, committed."""
    found = build_office()
    db.session.commit()
    return found


def roster(data: bytes):
    """Plan a roster import of the file."""
    return plan_import(db.session, "roster", data, filename="名录.xlsx", now=NOW)


def person(name="王林", **cells):
    """A roster row: unit, name, post, employment, office phone, mobile, e-mail, note (+ since when given)."""
    row = [
        cells.get("unit", "东方红林场"),
        name,
        cells.get("post", "办公室主任"),
        cells.get("employment", "兼职"),
        cells.get("office_phone", "0457-2345678"),
        cells.get("mobile", "13900001111"),
        cells.get("email", f"{name}@example.org"),
        cells.get("note"),
    ]
    return row + ([cells["since"]] if "since" in cells else [])


def test_should_find_headers_under_a_merged_title_and_a_two_row_merged_header(office):
    rows = [
        ["2026年督查网络联络员名录", None, None, None, None, None, None, None],
        ["填报单位：督查室", None, None, None, None, None, None, None],
        ["单位", "姓名", "职务", "专兼职", "联系方式", None, None, "备注"],
        [None, None, None, None, "办公电话", "手机", "电子邮箱", None],
        person("王林"),
        person("李青", unit="青山林场"),
    ]
    merges = ["A1:H1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:H4"]
    plan = roster(xlsx(rows, merges=merges))
    assert plan.ok, [str(p) for p in plan.problems]
    assert [(r.row, r.action, r.values["mobile"], r.values["email"]) for r in plan.rows] == [
        (5, "create", "13900001111", "王林@example.org"),
        (6, "create", "13900001111", "李青@example.org"),
    ]


@pytest.mark.parametrize(
    "typed",
    [datetime(2026, 3, 5), date(2026, 3, 5), "2026-3-5", "2026年3月5日", "2026/03/05", "2026.3.5", " 2026-03-05 ",
     "２０２６－０３－０５", "20260305", 46086],
)  # fmt: skip
def test_should_read_every_way_of_writing_a_date(office, typed):
    plan = roster(xlsx([ROSTER_HEADERS + ["任职日期"], person(since=typed)]))
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.rows[0].values["since"] == date(2026, 3, 5)


@pytest.mark.parametrize("typed", ["2026-2-30", "明年三月", "2026年13月1日"])
def test_should_name_the_cell_of_a_date_that_cannot_be(office, typed):
    plan = roster(xlsx([ROSTER_HEADERS + ["任职日期"], person(since=typed)]))
    assert not plan.ok
    assert str(plan.problems[0]).startswith("第2行「任职日期」：")


def test_should_keep_every_digit_of_phone_numbers_stored_as_numbers_or_text(office):
    rows = [
        ROSTER_HEADERS,
        person("王林", mobile=13900001111, office_phone=84561234),
        person("李青", mobile=13900002222.0),
    ]
    rows.append(person("张森", mobile="13900003333", office_phone="0457-8456123"))
    plan = roster(xlsx(rows, text_cells=["F4", "E4"]))
    assert plan.ok, [str(p) for p in plan.problems]
    assert [(r.values["mobile"], r.values["office_phone"]) for r in plan.rows] == [
        ("13900001111", "84561234"),
        ("13900002222", "0457-2345678"),
        ("13900003333", "0457-8456123"),
    ]


def test_should_fold_full_width_characters_and_trim_trailing_spaces(office):
    row = person(
        "王林  ", mobile="１３９００００１１１１", email="ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｏｒｇ ", unit=" 东方红林场\u3000"
    )
    plan = roster(xlsx([ROSTER_HEADERS, row]))
    assert plan.ok, [str(p) for p in plan.problems]
    values = plan.rows[0].values
    assert (values["name"], values["mobile"], values["email"]) == ("王林", "13900001111", "email@example.org")
    assert values["unit"] is office["东方红"]


def test_should_skip_empty_rows_and_keep_the_real_row_numbers_in_messages(office):
    rows = [ROSTER_HEADERS, person("王林"), [None] * 8, ["", "  ", None, None, None, None, None, None]]
    rows.append(person("李青", mobile="1390000"))
    plan = roster(xlsx(rows))
    assert [r.row for r in plan.rows] == [2, 5]
    assert [str(p) for p in plan.problems] == ["第5行「手机」：手机号码“1390000”不正确，应为 11 位数字，以 1 开头。"]


def test_should_use_a_formulas_cached_value_and_refuse_one_without(office):
    rows = [ROSTER_HEADERS, person("王林", note='="调入"&"人员"'), person("李青", note='="新任"&"人员"')]
    data = with_cached_value(xlsx(rows), "H2", "调入人员")
    plan = roster(data)
    assert plan.rows[0].values["note"] == "调入人员" and not plan.rows[0].problems
    assert [str(p) for p in plan.problems] == [
        "第3行「备注」：公式没有计算结果（文件保存前未经计算）。请在 Excel 中打开后保存，或把公式改为数值。"
    ]


def test_should_refuse_an_error_value_left_by_a_formula(office):
    plan = roster(xlsx([ROSTER_HEADERS, person("王林", post="#N/A")]))
    assert [str(p) for p in plan.problems] == ["第2行「职务」：单元格是错误值 #N/A，请改为正确的内容。"]


def docx_bytes() -> bytes:
    """A Word document (a zip without a workbook)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel 97-2003（.xls）"),
        ("单位,姓名,手机\n东方红林场,王林,13900001111\n".encode("gbk"), "CSV 或文本文件"),
        ("\ufeff单位\t姓名\n东方红林场\t王林\n".encode(), "CSV 或文本文件"),
        ("这是一段说明文字，不是表格。".encode(), "无法识别的文件格式"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "网页（HTML/XML）"),
        (b"%PDF-1.7 ...", "PDF 文件"),
        (b"PK\x03\x04 truncated", "文件已损坏或不完整"),
    ],
    ids=["empty", "xls", "csv-gbk", "tsv", "text", "html", "pdf", "broken-zip"],
)
def test_should_explain_in_chinese_why_a_file_that_is_not_an_xlsx_cannot_be_read(office, data, expected):
    plan = roster(data)
    assert not plan.ok and not plan.rows
    assert expected in plan.problems[0].message
    assert "另存为" in plan.problems[0].message or "空" in plan.problems[0].message


def test_should_recognise_a_word_document_renamed_to_xlsx(office):
    assert "Word 文档" in roster(docx_bytes()).problems[0].message


def test_should_say_which_required_column_is_missing(office):
    plan = roster(xlsx([["单位", "职务", "手机"], ["东方红林场", "主任", "13900001111"]]))
    assert [str(p) for p in plan.problems] == ["第1行：缺少「姓名」列，请按导入模板填写表头。"]


def test_should_say_so_when_no_sheet_has_the_headers(office):
    plan = roster(xlsx([["甲", "乙"], [1, 2]]))
    assert "找不到表头" in plan.problems[0].message and "「单位」、「姓名」" in plan.problems[0].message


def test_should_find_the_data_on_a_later_sheet_and_ignore_unknown_columns(office):
    data = xlsx(
        [["填写说明"], ["请在第二个工作表填写"]],
        extra_sheets={"名录": [ROSTER_HEADERS + ["籍贯"], person() + ["黑龙江"]]},
    )
    plan = roster(data)
    assert plan.ok and plan.sheet == "名录" and len(plan.rows) == 1
    assert plan.notes == ["以下列无法识别，已忽略：「籍贯」（I列）"]


def test_should_skip_section_headings_footnotes_and_the_template_example(office):
    rows = [
        ROSTER_HEADERS,
        ["一、局直单位", None, None, None, None, None, None, None],
        [
            "示例林场",
            "张三",
            "办公室主任",
            "兼职",
            "0457-2345678",
            "13900001111",
            "zhangsan@example.org",
            "示例行，导入前请删除",
        ],
        person("王林"),
        ["二、部办", None, None, None, None, None, None, None],
        ["注：手机号码请填写 11 位。", None, None, None, None, None, None, None],
    ]
    plan = roster(xlsx(rows, merges=["A5:H5"]))
    assert plan.ok, [str(p) for p in plan.problems]
    assert [(r.row, r.action, r.notes[:1] if r.action == "skipped" else []) for r in plan.rows] == [
        (2, "skipped", ["分类标题行"]),
        (3, "skipped", ["模板中的示例行"]),
        (4, "create", []),
        (5, "skipped", ["合并单元格的标题行"]),
        (6, "skipped", ["说明行"]),
    ]


def test_should_read_a_header_with_notes_and_marks_and_other_usual_names(office):
    headers = ["所在单位*", "联络员姓名", "职务", "专职/兼职", "座机", "手机号码", "E-mail", "备注（选填）"]
    plan = roster(xlsx([headers, person()]))
    assert plan.ok and plan.rows[0].values["email"] == "王林@example.org"
    assert plan.rows[0].values["office_phone"] == "0457-2345678"
