"""Reading an uploaded workbook as people really fill it: title rows, merged headers, formulas, stray rows, not-xlsx."""

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from workflows.importing.cells import ERROR_VALUES, is_blank, raw_text, single_line
from workflows.importing.report import Problem

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30  # title rows, blank lines and notes above the headers
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024  # a 10 MB upload that inflates beyond this is a zip bomb, not a roster
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSX_ADVICE = "请在 Excel 或 WPS 中打开，选择“另存为 → Excel 工作簿（*.xlsx）”后再导入，或下载导入模板填写。"
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[部类批])"
)
FOOTNOTE = re.compile(r"^(?:注|备注|说明|填表|制表|审核|审批|联系人|填报)")
CHINESE_NUMERAL = re.compile(r"^[一二三四五六七八九十百]+[、.．]?$")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


class UnreadableFile(Exception):
    """The upload is not a workbook we can read; the message says why and what to do, in Chinese."""


@dataclass(frozen=True)
class Column:
    """A column an import understands: its template header, the other headers offices use, and how to fill it."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # the file must have this column
    hint: str = ""  # the template's 填写说明
    width: int = 14
    kind: str = "text"  # text, long, date, digits (kept as text so Excel leaves phone numbers alone)
    options: str | None = None  # name of a drop-down list in the template


@dataclass
class SheetRow:
    """One data row: its Excel row number and the raw values of the known columns (merged cells filled in)."""

    number: int
    values: dict[str, object]

    def get(self, key: str):
        """The raw value of a column (None when blank or absent)."""
        return self.values.get(key)


@dataclass
class Table:
    """The data of the sheet that holds the headers, ready for an importer."""

    sheet: str
    header_row: int
    labels: dict[str, str]  # column key -> the header as written in the file
    rows: list[SheetRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) of rows that are not data

    def has(self, key: str) -> bool:
        """True when the file has the column (a missing column leaves that field alone)."""
        return key in self.labels


def header_key(text) -> str:
    """A header as compared: NFKC, no spaces, no required-marks (*), no trailing note in brackets, case-folded."""
    value = unicodedata.normalize("NFKC", raw_text(text))
    value = "".join(value.split()).replace("*", "").replace("※", "")
    value = re.sub(r"\((?:[^()]*)\)$", "", value)  # 完成时限（日期或N个工作日）→ 完成时限
    return value.casefold()


def sniff(data: bytes) -> None:
    """Refuse, with a Chinese reason, what is clearly not an .xlsx: empty, .xls, CSV/text, PDF, HTML, Word."""
    if not data:
        raise UnreadableFile("文件是空的（0 字节）。请选择填好的 .xlsx 文件。")
    if data.startswith(OLE2_MAGIC):
        raise UnreadableFile(
            "这是旧版 Excel 97-2003（.xls）格式的文件，或设置了打开密码的文件，不是 .xlsx。"
            "请去掉密码，或在 Excel/WPS 中“另存为 → Excel 工作簿（*.xlsx）”后再导入。"
        )
    if data.startswith(b"%PDF"):
        raise UnreadableFile("这是 PDF 文件，不是 Excel 表格。" + XLSX_ADVICE)
    if not data.startswith(b"PK"):
        head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
        if head[:1] == b"<":
            raise UnreadableFile(
                "这是网页（HTML/XML）格式的表格（常见于某些系统导出的 .xls），不是 .xlsx。" + XLSX_ADVICE
            )
        if b"\x00" not in head and (b"," in head or b"\t" in head):
            raise UnreadableFile("这是 CSV 或文本文件，不是 .xlsx。" + XLSX_ADVICE)
        raise UnreadableFile("无法识别的文件格式（不是 .xlsx）。" + XLSX_ADVICE)


def open_workbook(data: bytes):
    """The workbook, read-only with cached formula values; UnreadableFile for any zip that is not a sound .xlsx."""
    sniff(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile("文件已损坏或不完整，无法作为 .xlsx 打开。" + XLSX_ADVICE) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise UnreadableFile("这是 Word 文档，不是 Excel 表格。" + XLSX_ADVICE)
        if "content.xml" in names:
            raise UnreadableFile("这是 OpenDocument（.ods）表格，不是 .xlsx。" + XLSX_ADVICE)
        raise UnreadableFile("这个压缩文件不是 Excel 工作簿。" + XLSX_ADVICE)
    if inflated > MAX_UNZIPPED_BYTES:
        raise UnreadableFile("文件解压后过大，无法导入。请只保留需要导入的工作表和数据后重试。")
    return _load(data, data_only=True)


def _load(data: bytes, *, data_only: bool):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds (KeyError, XML errors, …) for one cause: a bad file
        log.warning("unreadable workbook: %r", error)
        raise UnreadableFile("文件无法读取：可能已损坏，或由不兼容的软件生成。" + XLSX_ADVICE) from None


def _sheet_xml(workbook, sheet) -> bytes | None:
    """The raw XML of a read-only sheet, for its merged ranges and formula tags (None if openpyxl hides it)."""
    try:
        return workbook._archive.read(sheet._worksheet_path)
    except (AttributeError, KeyError):
        return None


def _merges(xml: bytes | None) -> tuple[dict[tuple[int, int], tuple[int, int]], dict[tuple[int, int], int]]:
    """Merged ranges: (row, col) of each covered cell -> its range's first cell, and each first cell -> width."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    widths: dict[tuple[int, int], int] = {}
    for ref in MERGE_REF.findall(xml or b""):
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
        if (max_row - min_row + 1) * (max_col - min_col + 1) > 200_000:
            continue  # a whole-sheet merge carries nothing worth copying
        widths[(min_row, min_col)] = max_col - min_col + 1
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                covered[(row, col)] = (min_row, min_col)
    return covered, widths


def _filled_rows(sheet, covered: dict, limit: int | None = None):
    """(row number, cells, origin of each merged cell) as a person sees the sheet: merged ranges show their value."""
    values: dict[tuple[int, int], object] = {}  # the first cells of merged ranges, read before the cells they cover
    widest = max((col for _, col in covered), default=0)  # a merged range's empty cells may be missing from the XML
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if limit is not None and number > limit:
            return
        cells = list(cells)
        if len(cells) < widest:
            cells.extend([None] * (widest - len(cells)))
        sources: dict[int, tuple[int, int]] = {}
        for col in range(1, len(cells) + 1) if covered else ():
            origin = covered.get((number, col))
            if origin is None:
                continue
            if origin == (number, col):
                values[origin] = cells[col - 1]
            elif is_blank(cells[col - 1]):
                cells[col - 1] = values.get(origin)
            sources[col - 1] = origin
        yield number, cells, sources


def _header_map(cells: Sequence, lookup: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(cells):
        key = lookup.get(header_key(value)) if not is_blank(value) else None
        if key and key not in found:
            found[key] = index
    return found


def _find_header(rows: list[list], lookup: dict[str, str]) -> tuple[int, dict[str, int], int] | None:
    """(header row index, key -> column index, number of header rows) of the best header in the first rows."""
    best = None
    for index, cells in enumerate(rows):
        found = _header_map(cells, lookup)
        depth = 1
        if index + 1 < len(rows):
            # two-row headers: "联系方式" merged over 办公电话/手机/电子邮箱 in the row below
            below = _header_map(rows[index + 1], lookup)
            combined = {**found, **{k: v for k, v in below.items() if v not in found.values()}}
            if len(below) >= 1 and len(combined) > len(found):
                found, depth = combined, 2
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (index, found, depth)
    return best


def _lookup(columns: Sequence[Column]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            lookup.setdefault(header_key(text), column.key)
    return lookup


def read_table(data: bytes, columns: Sequence[Column], *, example: dict[str, str] | None = None) -> Table:
    """The first sheet that has our headers, as rows of raw values; UnreadableFile when there is none."""
    workbook = open_workbook(data)
    lookup = _lookup(columns)
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some programs write a wrong <dimension>; read every row that is there
            xml = _sheet_xml(workbook, sheet)
            covered, widths = _merges(xml)
            head = [cells for _, cells, _ in _filled_rows(sheet, covered, HEADER_SCAN_ROWS)]
            found = _find_header(head, lookup)
            if found is None:
                continue
            formulas = _formula_cells(data, sheet.title) if xml is None or FORMULA_TAG.search(xml) else set()
            return _read_sheet(sheet, covered, widths, formulas, head, found, columns, example)
    finally:
        workbook.close()
    expected = "、".join(f"「{c.header}」" for c in columns if c.required)
    raise UnreadableFile(
        f"在文件的前 {HEADER_SCAN_ROWS} 行中找不到表头。表头应包括{expected}等列名；请使用导入模板（可在导入页面下载）。"
    )


def _read_sheet(sheet, covered, widths, formulas, head, found, columns, example) -> Table:
    header_index, positions, depth = found
    table = Table(sheet=sheet.title, header_row=header_index + 1, labels={})
    _describe_headers(table, head[header_index : header_index + depth], positions, columns)
    first_data = header_index + depth + 1
    for number, cells, sources in _filled_rows(sheet, covered):
        if number >= first_data:
            _add_row(table, number, cells, sources, widths, positions, formulas, example)
    return table


def _add_row(table, number, cells, sources, widths, positions, formulas, example) -> None:
    """Keep a data row; skip empty rows, merged title rows, section headings, footnotes and the template example."""
    values = {key: (cells[col] if col < len(cells) else None) for key, col in positions.items()}
    filled = {key: value for key, value in values.items() if not is_blank(value)}
    formula_gaps = [key for key, col in positions.items() if (number, col + 1) in formulas and key not in filled]
    if not filled and not formula_gaps:
        return  # an empty row
    origins = {sources.get(positions[key]) for key in filled}
    if len(filled) > 1 and len(origins) == 1 and None not in origins and widths.get(next(iter(origins)), 1) > 1:
        table.skipped.append((number, "合并单元格的标题行"))
        return
    reason = _not_data(filled)
    if reason:
        table.skipped.append((number, reason))
        return
    if example and all(single_line(filled.get(k)) == v for k, v in example.items()):
        table.skipped.append((number, "模板中的示例行"))
        return
    for key, value in filled.items():
        if isinstance(value, str) and value.strip() in ERROR_VALUES:
            table.problems.append(
                Problem(number, table.labels.get(key, key), f"单元格是错误值 {value.strip()}，请改为正确的内容。")
            )
            values[key] = None
    for key in formula_gaps:
        table.problems.append(
            Problem(
                number,
                table.labels.get(key, key),
                "公式没有计算结果（文件保存前未经计算）。请在 Excel 中打开后保存，或把公式改为数值。",
            )
        )
    table.rows.append(SheetRow(number, values))


def _not_data(filled: dict) -> str | None:
    """Why a row is a section heading or a footnote rather than data (None when it is data)."""
    texts = {single_line(v) for v in filled.values()}
    if len(texts) == 1:
        text = next(iter(texts))
        if HEADING.match(text):
            return "分类标题行"
        if FOOTNOTE.match(text):
            return "说明行"
    serial = single_line(filled.get("serial"))
    if serial and CHINESE_NUMERAL.match(serial) and len(filled) <= 2:
        return "分类标题行"
    return None


def _formula_cells(data: bytes, title: str) -> set[tuple[int, int]]:
    """(row, col) of every formula cell of a sheet: a second, formula-text pass, only for files that have any."""
    workbook = _load(data, data_only=False)
    try:
        sheet = workbook[title]
        sheet.reset_dimensions()
        found = set()
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            for col, value in enumerate(cells, start=1):
                if isinstance(value, str) and value.startswith("="):
                    found.add((number, col))
        return found
    finally:
        workbook.close()


def _describe_headers(table: Table, header_cells: list[list], positions: dict, columns: Sequence[Column]) -> None:
    """Record the file's own header texts, missing required columns and the columns it ignores."""
    lookup = _lookup(columns)
    by_key = {c.key: c for c in columns}
    for key, col in positions.items():
        label = by_key[key].header
        for cells in reversed(header_cells):
            if col < len(cells) and not is_blank(cells[col]) and lookup.get(header_key(cells[col])) == key:
                label = re.sub(r"[*＊※\s]", "", single_line(cells[col])) or label
                break
        table.labels[key] = label
    for column in columns:
        if column.required and column.key not in positions:
            table.problems.append(Problem(table.header_row, None, f"缺少「{column.header}」列，请按导入模板填写表头。"))
    known = set(positions.values())
    ignored = []
    for col in range(max((len(cells) for cells in header_cells), default=0)):
        texts = [single_line(c[col]) for c in header_cells if col < len(c) and not is_blank(c[col])]
        if col not in known and texts:
            ignored.append(f"「{texts[-1]}」（{get_column_letter(col + 1)}列）")
    if ignored:
        table.notes.append("以下列无法识别，已忽略：" + "、".join(dict.fromkeys(ignored)))
