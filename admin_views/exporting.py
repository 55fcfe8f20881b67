"""Export of admin lists that Excel on Windows opens as written: Chinese headers and name, BOM, typed cells."""

import csv
import io
import re
from datetime import date, datetime
from tempfile import SpooledTemporaryFile
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from clock import CHINA, china_date, utcnow
from models.base import LabeledEnum

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s\-()]+$")


def export_value(view, row, name):
    """The value of one export cell, typed: text, number, date or datetime (China time)."""
    formatter = (view.column_formatters_export or {}).get(name)
    if formatter is not None:
        value = formatter(view, None, row, name)
    else:
        value = view._get_field_value(row, name)
    if value is None:
        return ""
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.astimezone(CHINA).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (date, int, float)):
        return value
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(v) for v in value)
    return str(value)


def defuse_formula(text: str) -> str:
    """Keep a spreadsheet from running text as a formula (CSV injection), leaving phone numbers alone."""
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """An attachment header whose Chinese file name survives every browser (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_filename(view, export_type: str) -> str:
    """e.g. 督查事项_20261126.xlsx"""
    return f"{view.name}_{china_date(utcnow()):%Y%m%d}.{export_type}"


def render_csv(headers: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM and CRLF line ends, as Excel on Windows expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                defuse_formula(v)
                if isinstance(v, str)
                else (v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v)
                for v in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render_xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    """A streamed (write-only) workbook with a bold header row and typed cells; text is never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    with SpooledTemporaryFile(max_size=32 * 1024 * 1024) as handle:
        workbook.save(handle)
        handle.seek(0)
        return handle.read()


def export_response(view, records, export_type: str) -> Response:
    """Build the download of a list's rows as CSV or xlsx."""
    columns = view._export_columns
    headers = [str(label) for _, label in columns]
    rows = [[export_value(view, record, name) for name, _ in columns] for record in records]
    if export_type == "csv":
        body = render_csv(headers, rows)
    else:
        body = render_xlsx(str(view.name), headers, rows)
    response = Response(body, mimetype=MIMETYPES[export_type])
    fallback = f"{view.endpoint}_{china_date(utcnow()):%Y%m%d}.{export_type}"
    response.headers["Content-Disposition"] = content_disposition(export_filename(view, export_type), fallback)
    return response
