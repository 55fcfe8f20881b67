"""The fast sheet reader gives, cell for cell, what openpyxl's read-only values_only iteration gives."""

import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from importing.xlsx_values import iter_values, load_values_workbook
from tests.data.hostile import CONTENT_TYPES, ROOT_RELS, SHEET_OPEN, WORKBOOK, WORKBOOK_RELS, million_rows_workbook
from tests.data.workbooks import ITEM_HEADERS, with_cached_value, xlsx

pytestmark = pytest.mark.sqlite_only  # nothing here touches the database

DATA = Path(__file__).resolve().parent.parent / "data"


def openpyxl_values(data: bytes) -> list[list]:
    """Every sheet's rows as the reader used to get them: openpyxl read-only, data only, dimensions reset."""
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        found = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            found.append([sheet.title, list(sheet.iter_rows(values_only=True))])
        return found
    finally:
        workbook.close()


def fast_values(data: bytes) -> list[list]:
    """Every sheet's rows through load_values_workbook and iter_values."""
    workbook = load_values_workbook(data)
    try:
        found = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            found.append([sheet.title, list(iter_values(sheet))])
        return found
    finally:
        workbook.close()


def same(data: bytes) -> None:
    """Assert both readers agree, types included (1 is not 1.0, a date is not a datetime)."""
    expected, found = openpyxl_values(data), fast_values(data)
    assert found == expected
    for (_, rows_a), (_, rows_b) in zip(expected, found, strict=True):
        for row_a, row_b in zip(rows_a, rows_b, strict=True):
            assert type(row_a) is type(row_b)
            assert [type(v) for v in row_a] == [type(v) for v in row_b]


def raw_sheet(sheet_xml: str, strings_xml: str = "") -> bytes:
    """A one-sheet workbook with the sheet's XML (inside <worksheet>) and shared strings (inside <sst>) as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings_xml}</sst>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", f"{SHEET_OPEN}{sheet_xml}</worksheet>")
    return buffer.getvalue()


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.xlsx")))
def test_sample_files(name):
    same((DATA / name).read_bytes())


def test_every_kind_of_value():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ITEM_HEADERS)
    sheet.append([1, "文本", 2.5, True, False, date(2026, 3, 5), datetime(2026, 3, 5, 9, 30), time(8, 15)])
    sheet.append([None, "", " 空格 ", "=SUM(1,2)", "'=1+1", -3, 1e20, 12345678901234])
    sheet.append([timedelta(hours=30), "第一行\n第二行", "#N/A", 0, 0.1, "x005F_x000D_", "①②", "ＡＢＣ１２３"])
    sheet["B6"] = "远处的单元格"
    sheet["H9"] = 46086
    sheet["H9"].number_format = "yyyy-mm-dd"
    sheet["G9"] = 46086.5
    sheet["G9"].number_format = "yyyy-mm-dd hh:mm"
    sheet["F9"] = 3000000
    sheet["F9"].number_format = "yyyy-mm-dd"  # beyond the dates Excel knows: openpyxl makes it #VALUE!
    sheet["A12"] = CellRichText(["加粗", TextBlock(InlineFont(b=True), "的部分"), "和其余"])
    sheet.merge_cells("C12:E13")
    workbook.create_sheet("第二张").append(["另一张表", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.warns(UserWarning):
        same(buffer.getvalue())


def test_messy_files():
    same(xlsx([["单位", "姓名"], ["东方红林场", "王林"]], merges=["A3:B4"], title="名录"))
    formula = xlsx([["单位", "姓名", "手机"], ["东方红林场", "=A2", "=1+1"]])
    same(with_cached_value(with_cached_value(formula, "B2", "王林"), "C2", "2", text=False))
    same(million_rows_workbook(rows=300))
    same(million_rows_workbook(rows=50, dimension="A1:C3"))  # a <dimension> that lies


def test_hand_written_xml():
    strings = (
        "<si><t>甲</t></si>"
        '<si><r><rPr><b/></rPr><t xml:space="preserve">乙 </t></r><r><t>丙</t></r></si>'
        "<si><t>丁</t><rPh sb='0' eb='1'><t>ディン</t></rPh><phoneticPr fontId='1'/></si>"
        "<si><t/></si>"
        "<si/>"
    )
    rows = (
        "<sheetData>"
        '<row r="2"><c r="B2" t="s"><v>0</v></c><c r="A2" t="s"><v>1</v></c></row>'  # out of order
        '<row><c t="s"><v>2</v></c><c/><c t="s"><v>3</v></c><c t="s"><v>4</v></c></row>'  # no row or cell numbers
        '<row r="7"><c r="c7" t="b"><v>1</v></c><c r="D7" t="e"><v>#REF!</v></c><c r="E7" t="str"><v>x</v></c></row>'
        '<row r="7"><c r="A7"><v>1</v></c></row>'  # the same row twice: openpyxl keeps the first
        '<row r="9"><c r="A9" t="inlineStr"><is><t>内联</t></is></c><c r="B9" t="d"><v>2026-03-05T00:00:00</v></c>'
        '<c r="C9"><v></v></c><c r="D9"><v>1.5E3</v></c><c r="AB9"><v>7</v></c></row>'
        '<row r="10.0"><c r="A10"><v>10</v></c></row>'
        '<row r="11"/>'
        "</sheetData>"
    )
    same(raw_sheet(rows, strings))
