"""Export of admin lists that Excel on Windows opens as written: Chinese headers and name, BOM, typed cells.

The files themselves are written by importing/spreadsheets.py, the one writer of every workbook and CSV.
"""

import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from operator import attrgetter
from urllib.parse import quote

from flask import Response, request
from markupsafe import Markup
from sqlalchemy import ScalarSelect, func, literal, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import aggregate_order_by
from werkzeug.wsgi import wrap_file

from clock import CHINA, china_date, utcnow
from extensions import db
from importing.spreadsheets import write_csv, write_xlsx
from models.base import LabeledEnum

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def typed_cell(value):
    """An export cell's value, typed: text, number, date or datetime (China time, naive)."""
    kind = type(value)
    if kind is str or kind is int or kind is float:
        return value
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


def cell_reader(view, name):
    """A function giving one export column's raw value of a record: its export formatter, else the attribute."""
    formatter = (view.column_formatters_export or {}).get(name)
    if formatter is not None:
        return lambda record: formatter(view, None, record, name)
    if isinstance(name, str) and name in sa_inspect(view.model).attrs:  # a column or relation: always there
        return attrgetter(name)
    if isinstance(name, str) and "." not in name:
        return lambda record: getattr(record, name, None)
    return lambda record: view._get_field_value(record, name)


def export_value(view, row, name):
    """The value of one export cell, typed: text, number, date or datetime (China time)."""
    return typed_cell(cell_reader(view, name)(row))


def _computed_rows(rows, readers, places: list[tuple[int, int]]):
    """The cells of (record, *computed values) rows: the record's cells as `readers` read them, and at each
    (column, position) of `places` the value the query computed at that position of the row."""
    readers = list(readers)
    for column, _ in places:
        readers[column] = _nothing
    for row in rows:
        record = row[0]
        cells = [typed_cell(read(record)) for read in readers]
        for column, position in places:
            cells[column] = typed_cell(row[position])
        yield cells


def _nothing(record):
    """A placeholder reader (the cell comes computed with the row)."""
    return None


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """An attachment header whose Chinese file name survives every browser (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_filename(view, export_type: str) -> str:
    """e.g. 督查事项_20261126.xlsx"""
    return f"{view.name}_{china_date(utcnow()):%Y%m%d}.{export_type}"


def joined_texts(text, *order_by, where, outer) -> ScalarSelect:
    """The texts of a row's related rows, in order, joined with 、 as `"、".join(...)` joins them ("" for none): a
    correlated subquery of `outer`'s rows, so an export reads such a list in its one query (not a query per row)."""
    if db.session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(text, aggregate_order_by(literal("、"), *order_by))
        return select(func.coalesce(joined, "")).where(*where).scalar_subquery()
    ordered = select(text.label("text")).where(*where).order_by(*order_by).correlate(outer).subquery()
    return select(func.coalesce(func.group_concat(ordered.c.text, "、"), "")).scalar_subquery()


def export_response(view, records, export_type: str, computed: Sequence[str] = (), readers=None) -> Response:
    """The download of a list's rows as CSV or xlsx, written row by row into a temporary file and sent from it.

    `records` may be a query streamed in batches: memory stays flat whatever the list's length, and a failure
    while writing is an error page, never a truncated file. With `computed` (column names), each record comes as
    (record, *values of those columns computed by the query). `readers` may give some columns' readers by name.
    """
    columns = view._export_columns
    headers = [str(label) for _, label in columns]
    readers = [(readers or {}).get(name) or cell_reader(view, name) for name, _ in columns]
    if computed:
        position = {name: n for n, name in enumerate(computed, 1)}
        places = [(n, position[name]) for n, (name, _) in enumerate(columns) if name in position]
        rows = _computed_rows(records, readers, places)
    else:
        rows = ([typed_cell(read(record)) for read in readers] for record in records)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response once sent)
    try:
        if export_type == "csv":
            write_csv(handle, headers, rows)
        else:
            write_xlsx(handle, str(view.name), headers, rows)
        size = handle.tell()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    response = Response(wrap_file(request.environ, handle), mimetype=MIMETYPES[export_type], direct_passthrough=True)
    response.content_length = size
    fallback = f"{view.endpoint}_{china_date(utcnow()):%Y%m%d}.{export_type}"
    response.headers["Content-Disposition"] = content_disposition(export_filename(view, export_type), fallback)
    return response
