"""Export of admin lists that Excel on Windows opens as written: Chinese headers and name, BOM, typed cells.

The files themselves are written by importing/spreadsheets.py, the one writer of every workbook and CSV.
"""

from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from markupsafe import Markup

from clock import CHINA, china_date, utcnow
from importing.spreadsheets import csv_bytes, xlsx_bytes
from models.base import LabeledEnum

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_value(view, row, name):
    """The value of one export cell, typed: text, number, date or datetime (China time)."""
    formatter = (view.column_formatters_export or {}).get(name)
    if formatter is not None:
        value = formatter(view, None, row, name)
    else:
        value = view._get_field_value(row, name)
    if value is None:
        return ""
    if isinstance(value, Markup):  # a screen's link or badge: the export carries its text, never the markup
        return value.striptags()
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


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """An attachment header whose Chinese file name survives every browser (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_filename(view, export_type: str) -> str:
    """e.g. 督查事项_20261126.xlsx"""
    return f"{view.name}_{china_date(utcnow()):%Y%m%d}.{export_type}"


def export_response(view, records, export_type: str) -> Response:
    """Build the download of a list's rows as CSV or xlsx."""
    columns = view._export_columns
    headers = [str(label) for _, label in columns]
    rows = [[export_value(view, record, name) for name, _ in columns] for record in records]
    if export_type == "csv":
        body = csv_bytes(headers, rows)
    else:
        body = xlsx_bytes(str(view.name), headers, rows)
    response = Response(body, mimetype=MIMETYPES[export_type])
    fallback = f"{view.endpoint}_{china_date(utcnow()):%Y%m%d}.{export_type}"
    response.headers["Content-Disposition"] = content_disposition(export_filename(view, export_type), fallback)
    return response
