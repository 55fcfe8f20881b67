"""An .xlsx read for its values, faster than openpyxl alone and with the same result.

openpyxl's `load_workbook(read_only=True, data_only=True)` followed by `iter_rows(values_only=True)` on a sheet whose
dimensions were reset is what the import reader relies on. Here the workbook is opened with openpyxl's own steps
except two: the shared strings are read without building an object per string, and a sheet is not read once just
for its <dimension> (the reader resets it anyway). A sheet's rows are then parsed with the standard library's pull
parser, cell by cell with openpyxl's own rules (`WorkSheetParser.parse_cell` with data_only), so every value is the
one openpyxl would give; tests compare the two on every kind of workbook the import meets.
"""

import io
import warnings
from string import digits
from xml.etree.ElementTree import XMLPullParser

from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import INLINE_STRING, ROW_TAG, VALUE_TAG, _cast_number
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

CHUNK = 64 * 1024
STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"
TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


class ValuesSheet(ReadOnlyWorksheet):
    """A read-only worksheet that is not read in full for its <dimension>: it starts as after reset_dimensions."""

    def _get_size(self):
        self._max_row = self._max_column = None


def load_values_workbook(data: bytes):
    """openpyxl's load_workbook(read_only=True, data_only=True) of the bytes, with ValuesSheet worksheets."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    part = reader.package.find(SHARED_STRINGS)
    if part is not None:
        with reader.archive.open(part.PartName[1:]) as source:
            reader.shared_strings = read_strings(source)
    reader.read_workbook()
    reader.read_properties()
    reader.read_custom()
    reader.read_theme()
    apply_stylesheet(reader.archive, reader.wb)
    for sheet, rel in reader.parser.find_sheets():  # ExcelReader.read_worksheets, read-only
        if rel.target not in reader.valid_files:
            continue
        if "chartsheet" in rel.Type:
            reader.read_chartsheet(sheet, rel)
            continue
        rels_path = get_rels_path(rel.target)
        if rels_path in reader.valid_files:
            get_dependents(reader.archive, rels_path)
        worksheet = ValuesSheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
        worksheet.sheet_state = sheet.state
        reader.wb._sheets.append(worksheet)
    reader.parser.assign_names()
    return reader.wb


def _ended(source, tag: str):
    """The elements of one tag, each as it ends, from an XML stream parsed in chunks."""
    parser = XMLPullParser(events=("end",))
    while True:
        chunk = source.read(CHUNK)
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
        for _, element in parser.read_events():
            if element.tag == tag:
                yield element
        if not chunk:
            return


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def read_strings(source) -> list[str]:
    """The shared strings table as openpyxl's read_string_table reads it."""
    strings = []
    for node in _ended(source, STRING_TAG):
        strings.append(text_content(node).replace("x005F_", ""))
        node.clear()
    return strings


def text_content(node) -> str:
    """`Text.from_tree(node).content` of a shared string (<si>) or an inline one (<is>): its text and its runs' texts,
    without phonetic guides."""
    plain, runs = None, []
    for child in node:
        name = "t" if child.tag == TEXT_TAG else _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run = None
            for part in child:
                if _local(part.tag) == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    return (plain or "") + "".join(runs)


def iter_values(sheet):
    """The sheet's rows as `sheet.iter_rows(values_only=True)` gives them when its dimensions are unknown."""
    if not isinstance(sheet, ValuesSheet) or sheet.max_row is not None or sheet.max_column is not None:
        yield from sheet.iter_rows(values_only=True)
        return
    workbook = sheet.parent
    strings, epoch = sheet._shared_strings, workbook.epoch
    date_formats, timedelta_formats = workbook._date_formats, workbook._timedelta_formats
    columns: dict[str, int] = {}
    counter = 1
    row_counter = 0
    with sheet._get_source() as source:
        for element in _ended(source, ROW_TAG):
            number = element.get("r")
            if number is not None:  # WorkSheetParser.parse_row
                try:
                    row_counter = int(number)
                except ValueError:
                    value = float(number)
                    if not value.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    row_counter = int(value)
            else:
                row_counter += 1
            cells = []
            column = 0
            for cell in element:  # WorkSheetParser.parse_cell, data_only
                data_type = cell.get("t", "n")
                coordinate = cell.get("r")
                style_id = cell.get("s", 0)
                if style_id:
                    style_id = int(style_id)
                value = None if data_type == "inlineStr" else cell.findtext(VALUE_TAG, None) or None
                if coordinate:
                    letters = coordinate.rstrip(digits)
                    if letters in columns and len(letters) < len(coordinate):
                        column = columns[letters]
                    elif letters.isalpha() and len(letters) < len(coordinate):
                        column = columns[letters] = column_index_from_string(letters)
                    else:
                        column = coordinate_to_tuple(coordinate)[1]
                else:
                    column += 1
                if value is not None:
                    if data_type == "n":
                        value = _cast_number(value)
                        if style_id in date_formats:
                            try:
                                value = from_excel(value, epoch, timedelta=style_id in timedelta_formats)
                            except (OverflowError, ValueError):
                                warnings.warn(
                                    f"Cell {coordinate} is marked as a date but the serial value {value} is outside"
                                    " the limits for dates. The cell will be treated as an error.",
                                    stacklevel=2,
                                )
                                value = "#VALUE!"
                    elif data_type == "s":
                        value = strings[int(value)]
                    elif data_type == "b":
                        value = bool(int(value))
                    elif data_type == "d":
                        value = from_ISO8601(value)
                elif data_type == "inlineStr":
                    child = cell.find(INLINE_STRING)
                    if child is not None:
                        value = text_content(child)
                cells.append((column, value))
            element.clear()
            for _ in range(counter, row_counter):  # ReadOnlyWorksheet._cells_by_row: missing rows
                counter += 1
                yield []
            if counter <= row_counter:
                counter += 1
                yield _row(cells)


def _row(cells: list[tuple[int, object]]) -> tuple:
    """ReadOnlyWorksheet._get_row, values only, width set by the last cell."""
    if not cells:
        return ()
    width = cells[-1][0]
    values = [None] * width
    for column, value in cells:
        if 1 <= column <= width:
            values[column - 1] = value
    return tuple(values)
