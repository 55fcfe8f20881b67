"""The one writer of every workbook and CSV the product makes: typed cells, and text that never runs as a formula.

Text that a spreadsheet would take for a formula (it starts with = + - @, a tab or a carriage return) is written
with a leading apostrophe, in CSV and .xlsx alike; the import reader removes exactly that apostrophe again
(`restore_text`), so an exported roster imported back changes nothing. Numbers, dates and times stay typed cells.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from tempfile import SpooledTemporaryFile
from typing import BinaryIO

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s\-()]+$")  # "+86 139…", "-5": cannot call anything, left as typed
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
BOLD = Font(bold=True)


def restore_text(text: str) -> str:
    """Undo `defuse_text`: drop the apostrophe the writer put before a formula-like text (or before an apostrophe)."""
    if len(text) > 1 and text[0] == QUOTE and (text[1] == QUOTE or text[1:].startswith(FORMULA_START)):
        return text[1:]
    return text


def defuse_text(text: str) -> str:
    """Keep a spreadsheet from running text as a formula (CSV/formula injection); `restore_text` gives it back."""
    if (text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text)) or restore_text(text) != text:
        return QUOTE + text
    return text


_MAY_NEED_QUOTE = frozenset("".join(FORMULA_START) + QUOTE)  # the first characters defuse_text looks at


def plain(value):
    """A value fit for a cell: markup reduced to its text, text defused; numbers, dates and None as they are."""
    if type(value) is str:  # the common case, quickly: only a text starting with a trigger needs defuse_text
        text = value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)  # no control character
        return defuse_text(text) if text and text[0] in _MAY_NEED_QUOTE else text
    if isinstance(value, Markup):
        value = value.striptags()
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, (int, float, date)):
        return value
    return defuse_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def fill_cell(cell, value, number_format: str | None = None):
    """Put a value in an openpyxl cell (ordinary or write-only): text as text, dates with a date format."""
    value = plain(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never "f", whatever the text
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def put(sheet, row: int, column: int, value, number_format: str | None = None):
    """Write one cell of an ordinary worksheet through `fill_cell`; returns the cell for styling."""
    return fill_cell(sheet.cell(row=row, column=column), value, number_format)


def save(workbook: Workbook) -> bytes:
    """The workbook's bytes (spooled to disk past 32 MB)."""
    with SpooledTemporaryFile(max_size=32 * 1024 * 1024) as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()


def csv_row(row: Sequence) -> list:
    """One CSV row's cells: defused text, numbers as they are, times as 2026-11-26 10:00, None as empty."""
    cells = []
    for value in row:
        value = plain(value)
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%d %H:%M")
        cells.append("" if value is None else value)
    return cells


def write_csv(handle: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write a CSV into a binary file: UTF-8 with a BOM and CRLF line ends, as Excel on Windows expects."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=False)
    try:
        text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([plain(h) for h in headers])
        writer.writerows(csv_row(row) for row in rows)
        text.flush()
    finally:
        text.detach()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, as Excel on Windows expects; times as 2026-11-26 10:00."""
    buffer = io.BytesIO()
    write_csv(buffer, headers, rows)
    return buffer.getvalue()


def write_xlsx(handle: BinaryIO, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Write a streamed (write-only) one-sheet workbook into a binary file: bold, frozen header row, typed cells."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", "", title)[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    header_cells = []
    for text in headers:
        cell = fill_cell(WriteOnlyCell(sheet), text)
        cell.font = BOLD
        header_cells.append(cell)
    sheet.append(header_cells)
    datetime_style = fill_cell(WriteOnlyCell(sheet), datetime(2000, 1, 1))._style  # the format of every datetime
    for row in rows:
        sheet.append([_streamed_cell(sheet, value, datetime_style) for value in row])
    workbook.save(handle)


@dataclass
class AnnexSheet:
    """One sheet of an annex table (附件): a title row over the columns, the header row, the rows, closing notes."""

    name: str
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence]
    notes: Sequence[str] = ()
    widths: Sequence[int] = ()


TITLE_FONT = Font(bold=True, size=14)


def annex_xlsx_bytes(sheets: Sequence[AnnexSheet]) -> bytes:
    """A workbook in the shape of an annex of a report: per sheet, a merged centred title row, a bold header row,
    the rows as given (typed cells, text defused) and notes below; the header row frozen, printed landscape."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for annex in sheets:
        sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", "", annex.name)[:31] or "Sheet1")
        columns = max(len(annex.headers), 1)
        title = put(sheet, 1, 1, annex.title)
        title.font = TITLE_FONT
        title.alignment = Alignment(horizontal="center", vertical="center")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        sheet.row_dimensions[1].height = 30
        for column, text in enumerate(annex.headers, 1):
            cell = put(sheet, 2, column, text)
            cell.font = BOLD
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row_number, row in enumerate(annex.rows, 3):
            for column, value in enumerate(row, 1):
                put(sheet, row_number, column, value)
        below = 3 + len(annex.rows) + 1
        for offset, note in enumerate(annex.notes):
            put(sheet, below + offset, 1, note)
        for column, width in enumerate(annex.widths, 1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A3"
        sheet.page_setup.orientation = "landscape"
        sheet.print_title_rows = "1:2"
    return save(workbook)


def _streamed_cell(sheet, value, datetime_style: StyleArray):
    """A write-only row's value: plain values go in as they are (a defused text never starts with "=", so openpyxl
    keeps it text; a date gets openpyxl's yyyy-mm-dd); only a datetime needs a cell of its own for its format (the
    style of a datetime cell `fill_cell` filled)."""
    kind = type(value)
    if kind is str:
        text = value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)
        return defuse_text(text) if text and text[0] in _MAY_NEED_QUOTE else text
    if kind is int or kind is float or kind is date or value is None:
        return value
    value = plain(value)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet)
        cell._style = StyleArray(datetime_style)
        cell.value = value
        return cell
    return value


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A streamed (write-only) one-sheet workbook with a bold, frozen header row and typed cells."""
    with SpooledTemporaryFile(max_size=32 * 1024 * 1024) as handle:
        write_xlsx(handle, title, headers, rows)
        handle.seek(0)
        return handle.read()
