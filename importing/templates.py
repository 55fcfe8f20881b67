"""The downloadable import templates (.xlsx): headers, an example row, drop-down lists and a sheet of instructions."""

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from importing.base import Importer
from importing.reader import Column
from importing.spreadsheets import put, save

OPTIONS_SHEET = "选项"
LAST_ROW = 1048576  # the whole column: drop-downs keep working however many rows are added
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="808080")
STRICT_LISTS = {"unit_kind", "employment", "yes_no", "sources", "rhythms"}  # names may also be aliases: not strict
GENERAL_RULES = (
    "每行一条记录；表头（第1行）请勿修改，列的顺序可以调整，不需要的可选列可以删除。",
    "灰色斜体的示例行会被自动跳过，也可以直接删除。",
    "表格中有的列以表格为准：可选项留空表示清空该项；“单位类别”“专兼职”“启用”“在岗”“来源”“办理周期”留空表示不变。",
    "表格中没有的列保持原值；表格中没有的记录保持不变（不会删除）。",
    "单位、局领导的名称可写全称、简称（别名）或单位编码；全角/半角、空格不影响识别，但有歧义时会提示，不会猜测。",
    "导入前会逐行检查：只要有一处错误，就不会写入任何数据，并列出每处错误的行号、列名和原因。",
)


def column_value(column: Column, value):
    """A cell value as written: phone numbers as text (so Excel keeps every digit), the rest as given."""
    if value is None:
        return None
    if column.kind == "digits":
        return str(value)
    return value


def build_workbook(
    importer: Importer,
    session,
    rows: Sequence[dict] = (),
    *,
    with_example: bool = True,
    columns: Sequence[Column] | None = None,
) -> bytes:
    """The import workbook of an importer: a template (with the example row) or an export of `rows` (key -> value)."""
    columns = list(columns or importer.columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.title[:31]
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        cell = put(sheet, 1, index, column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    body = [importer.example] if with_example else []
    body.extend(rows)
    for row_number, values in enumerate(body, start=2):
        for index, column in enumerate(columns, start=1):
            number_format = {"digits": "@", "date": "yyyy-mm-dd"}.get(column.kind)
            cell = put(sheet, row_number, index, column_value(column, values.get(column.key)), number_format)
            if column.kind == "long":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if with_example and row_number == 2:
                cell.font = EXAMPLE_FONT
    _add_drop_downs(workbook, sheet, columns, importer.option_lists(session))
    _add_instructions(workbook, importer, columns)
    return save(workbook)


def _add_drop_downs(workbook, sheet, columns: list[Column], lists: dict[str, list[str]]) -> None:
    """Drop-down lists read from a hidden sheet (no 255-character limit, Chinese and quotes are safe)."""
    options = workbook.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    used = [name for name in dict.fromkeys(c.options for c in columns if c.options) if lists.get(name)]
    for list_index, name in enumerate(used, start=1):
        letter = get_column_letter(list_index)
        header = next(c.header for c in columns if c.options == name)  # the column's own words, not the list's key
        put(options, 1, list_index, f"选项：{header}")
        for row, text in enumerate(lists[name], start=2):
            put(options, row, list_index, text)
        source = f"{quote_sheetname(OPTIONS_SHEET)}!${letter}$2:${letter}${len(lists[name]) + 1}"
        strict = name in STRICT_LISTS
        for index, column in enumerate(columns, start=1):
            if column.options != name:
                continue
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle="请从下拉列表中选择",
                error=f"「{column.header}」请从下拉列表中选择。",
                showInputMessage=bool(column.hint),
                promptTitle=column.header[:32],
                prompt=column.hint[:255] if column.hint else None,
            )
            target = get_column_letter(index)
            validation.add(f"{target}2:{target}{LAST_ROW}")
            sheet.add_data_validation(validation)


def _add_instructions(workbook, importer: Importer, columns: list[Column]) -> None:
    """A 填写说明 sheet: what each column takes, which are required, and the rules of the import."""
    notes = workbook.create_sheet("填写说明", 1)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    put(notes, 1, 1, f"{importer.title}导入模板 填写说明").font = Font(bold=True, size=14)
    for col, text in enumerate(("列名", "是否必填", "填写要求"), start=1):
        put(notes, 3, col, text).font = HEADER_FONT
    for row, column in enumerate(columns, start=4):
        put(notes, row, 1, column.header)
        put(notes, row, 2, "必填" if column.required else "选填")
        also = f"（也可用表头：{'、'.join(column.aliases)}）" if column.aliases else ""
        put(notes, row, 3, f"{column.hint}{also}" or None)
    start = len(columns) + 5
    put(notes, start, 1, "规则").font = HEADER_FONT
    for offset, text in enumerate(GENERAL_RULES, start=1):
        put(notes, start + offset, 1, f"{offset}. {text}")
