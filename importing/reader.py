"""Reading an uploaded workbook as people really fill it: title rows, merged headers, formulas, stray rows, not-xlsx."""

import io
import logging
import os
import re
import time
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from importing.cells import ERROR_VALUES, is_blank, raw_text, single_line
from importing.report import Problem
from importing.spreadsheets import QUOTE, restore_text
from importing.xlsx_values import iter_values, load_values_workbook

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30  # title rows, blank lines and notes above the headers
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024  # a 10 MB upload that inflates beyond this is a zip bomb, not a roster
MAX_SHARED_STRINGS_BYTES = 100 * 1024 * 1024  # every text of the workbook, held in memory while it is read
EXCEL_MAX_ROW = 1_048_576
SCAN_CHUNK = 1024 * 1024
CHECK_EVERY = 256  # rows between two looks at the clock and the memory
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLSX_ADVICE = "请在 Excel 或 WPS 中打开，选择“另存为 → Excel 工作簿（*.xlsx）”后再导入，或下载导入模板填写。"
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[部类批])"
)
FOOTNOTE = re.compile(r"^(?:注|备注|说明|填表|制表|审核|审批|联系人|填报)")
CHINESE_NUMERAL = re.compile(r"^[一二三四五六七八九十百]+[、.．]?$")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")


class UnreadableFile(Exception):
    """The upload is not a workbook we can read; the message says why and what to do, in Chinese."""


@dataclass(frozen=True)
class ReadLimits:
    """How much of a workbook an import may read (settings IMPORT_MAX_*): a hostile file is refused, not expanded."""

    max_rows: int = 20_000  # data rows; the year's key-work items are the largest real file
    max_columns: int = 50  # columns read; the templates have at most a dozen
    max_seconds: float = 30.0  # reading one file, checked as it goes
    max_memory_mb: int = 512  # growth of the process while reading one file (where the system tells it)
    max_merged_ranges: int = 5_000

    @classmethod
    def from_config(cls, config: Mapping) -> "ReadLimits":
        """The limits set in the application's settings (the defaults above for any not set)."""
        default = cls()
        return cls(
            max_rows=int(config.get("IMPORT_MAX_ROWS", default.max_rows)),
            max_columns=int(config.get("IMPORT_MAX_COLUMNS", default.max_columns)),
            max_seconds=float(config.get("IMPORT_MAX_SECONDS", default.max_seconds)),
            max_memory_mb=int(config.get("IMPORT_MAX_MEMORY_MB", default.max_memory_mb)),
            max_merged_ranges=int(config.get("IMPORT_MAX_MERGED_RANGES", default.max_merged_ranges)),
        )

    @property
    def last_row(self) -> int:
        """The last sheet row read: the data rows, and the title and header rows above them."""
        return self.max_rows + HEADER_SCAN_ROWS


def _resident_bytes() -> int | None:
    """The process's resident memory, where the system tells it cheaply (Linux); None elsewhere."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


class Budget:
    """The time and memory one file may take; `check` refuses the file, in Chinese, once either is spent."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.memory_start = _resident_bytes()

    def check(self) -> None:
        """Raise UnreadableFile when the file has taken more than its time or memory."""
        if time.monotonic() > self.deadline:
            raise UnreadableFile(
                f"读取文件超过时间上限（最多 {self.limits.max_seconds:g} 秒），未导入任何数据。"
                "请删除多余的行、列、合并单元格和工作表，或分成几个文件导入。"
            )
        if self.memory_start is not None:
            used = (_resident_bytes() or 0) - self.memory_start
            if used > self.limits.max_memory_mb * 1024 * 1024:
                raise UnreadableFile(
                    f"读取文件超过内存上限（最多 {self.limits.max_memory_mb} MB），未导入任何数据。"
                    "请删除多余的行、列、合并单元格和工作表，或分成几个文件导入。"
                )


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
    cleaned: dict = field(default_factory=dict, repr=False, compare=False)  # a text's cleaned forms, worked out once

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
        shared = sum(
            info.file_size for info in archive.infolist() if info.filename.lower().endswith("sharedstrings.xml")
        )
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile("文件已损坏或不完整，无法作为 .xlsx 打开。" + XLSX_ADVICE) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise UnreadableFile("这是 Word 文档，不是 Excel 表格。" + XLSX_ADVICE)
        if "content.xml" in names:
            raise UnreadableFile("这是 OpenDocument（.ods）表格，不是 .xlsx。" + XLSX_ADVICE)
        raise UnreadableFile("这个压缩文件不是 Excel 工作簿。" + XLSX_ADVICE)
    if inflated > MAX_UNZIPPED_BYTES or shared > MAX_SHARED_STRINGS_BYTES:
        raise UnreadableFile("文件解压后过大，无法导入。请只保留需要导入的工作表和数据后重试。")
    return _load(data, data_only=True)


def _load(data: bytes, *, data_only: bool):
    try:
        if data_only:
            return load_values_workbook(data)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds (KeyError, XML errors, …) for one cause: a bad file
        log.warning("unreadable workbook: %r", error)
        raise UnreadableFile("文件无法读取：可能已损坏，或由不兼容的软件生成。" + XLSX_ADVICE) from None


@dataclass
class SheetScan:
    """What one pass over a sheet's raw XML tells, in constant memory: merged ranges, formulas, the last row."""

    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    has_formulas: bool = False
    last_row: int = 0


def _scan_sheet(workbook, sheet, limits: ReadLimits, budget: Budget) -> SheetScan:
    """Stream the sheet's XML in chunks (never whole) for its merged ranges, clipped to the rows and columns read."""
    scan = SheetScan()
    try:
        source = workbook._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError):
        scan.has_formulas = True  # unknown: look for formulas the slow way
        return scan
    found = 0
    rows = 0
    tail = b""
    with source:
        while True:
            chunk = source.read(SCAN_CHUNK)
            budget.check()
            text = tail + chunk
            cut = text.rfind(b"<") if chunk else len(text)
            if cut < 0 or len(text) - cut > 4096:
                cut = len(text)  # no element starts in the last bytes: nothing to carry over
            body, tail = text[:cut], text[cut:]  # an element cut in two is read whole with the next chunk
            if not scan.has_formulas and (b"<f" in body or b":f" in body):  # the quick test before the regex
                scan.has_formulas = FORMULA_TAG.search(body) is not None
            rows += body.count(b"<row ") + body.count(b"<row>")
            last = body.rfind(b"<row ")
            numbered = ROW_NUMBER.match(body, last) if last >= 0 else None
            scan.last_row = max(scan.last_row, rows, int(numbered.group(1)) if numbered else 0)
            if scan.last_row > EXCEL_MAX_ROW:
                raise UnreadableFile(
                    f"工作表“{sheet.title}”超过 {EXCEL_MAX_ROW} 行（Excel 工作表的上限），"
                    f"也超过导入上限（最多 {limits.max_rows} 行），未导入任何数据。请分成几个文件导入。"
                )
            for ref in MERGE_REF.findall(body) if b"mergeCell" in body else ():
                found += 1
                if found > limits.max_merged_ranges:
                    raise UnreadableFile(
                        f"工作表“{sheet.title}”的合并单元格超过上限（最多 {limits.max_merged_ranges} 处），"
                        "未导入任何数据。请取消不需要的合并单元格后重试。"
                    )
                _add_merge(scan, ref.decode(), limits)
            if not chunk:
                break
    return scan


def _add_merge(scan: SheetScan, ref: str, limits: ReadLimits) -> None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except (TypeError, ValueError):
        return
    if (max_row - min_row + 1) * (max_col - min_col + 1) > 200_000:
        return  # a whole-sheet merge carries nothing worth copying
    if min_row > limits.last_row or min_col > limits.max_columns:
        return
    scan.merges.append((min_row, min_col, min(max_row, limits.last_row), min(max_col, limits.max_columns)))


def _filled_rows(sheet, merges: list, limits: ReadLimits, budget: Budget, last: int | None = None):
    """(row number, cells, origin of each merged cell) as a person sees the sheet: merged ranges show their value.

    Reads at most `limits.max_columns` columns and refuses the file when a row below `limits.last_row` has data;
    merged ranges (already clipped) are looked up row by row, never expanded into every cell they cover.
    """
    starting = sorted(merges, reverse=True)  # popped from the end: by first row
    active: list[tuple[int, int, int, int]] = []
    values: dict[tuple[int, int], object] = {}  # the first cells of merged ranges, read before the cells they cover
    widest = max((m[3] for m in merges), default=0)  # a merged range's empty cells may be missing from the XML
    for number, cells in enumerate(iter_values(sheet), start=1):
        if last is not None and number > last:
            return
        if number % CHECK_EVERY == 0:
            budget.check()
        cells = [restore_text(v) if isinstance(v, str) and v[:1] == QUOTE else v for v in cells[: limits.max_columns]]
        if number > limits.last_row:
            if any(not is_blank(v) for v in cells):
                raise UnreadableFile(
                    f"工作表“{sheet.title}”的数据超过上限（最多 {limits.max_rows} 行），未导入任何数据。"
                    "请分成几个文件导入，或删除多余的行后重试。"
                )
            continue
        while starting and starting[-1][0] <= number:
            active.append(starting.pop())
        if active:
            active = [m for m in active if m[2] >= number]
        if len(cells) < widest:
            cells.extend([None] * (widest - len(cells)))
        sources: dict[int, tuple[int, int]] = {}
        for min_row, min_col, _, max_col in active:
            origin = (min_row, min_col)
            for col in range(min_col, max_col + 1):
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


def read_table(
    data: bytes,
    columns: Sequence[Column],
    *,
    example: dict[str, str] | None = None,
    limits: ReadLimits | None = None,
) -> Table:
    """The first sheet that has our headers, as rows of raw values; UnreadableFile when there is none.

    The file is read in streaming (read-only) mode within `limits`: at most so many rows and columns, merged
    ranges clipped to them, and a time and memory budget; a file beyond them is refused with the limit named.
    """
    limits = limits or ReadLimits()
    budget = Budget(limits)
    workbook = open_workbook(data)
    budget.check()
    lookup = _lookup(columns)
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some programs write a wrong <dimension>; read every row that is there
            scan = _scan_sheet(workbook, sheet, limits, budget)
            rows = _filled_rows(sheet, scan.merges, limits, budget, HEADER_SCAN_ROWS)
            head = [cells for _, cells, _ in rows]
            found = _find_header(head, lookup)
            if found is None:
                continue
            formulas = _formula_cells(data, sheet.title, limits, budget) if scan.has_formulas else set()
            return _read_sheet(sheet, scan, formulas, head, found, columns, example, limits, budget)
    finally:
        workbook.close()
    expected = "、".join(f"「{c.header}」" for c in columns if c.required)
    raise UnreadableFile(
        f"在文件的前 {HEADER_SCAN_ROWS} 行中找不到表头。表头应包括{expected}等列名；请使用导入模板（可在导入页面下载）"
        f"。"
    )


def _read_sheet(sheet, scan, formulas, head, found, columns, example, limits, budget) -> Table:
    header_index, positions, depth = found
    table = Table(sheet=sheet.title, header_row=header_index + 1, labels={})
    _describe_headers(table, head[header_index : header_index + depth], positions, columns)
    widths = {(m[0], m[1]): m[3] - m[1] + 1 for m in scan.merges}
    first_data = header_index + depth + 1
    for number, cells, sources in _filled_rows(sheet, scan.merges, limits, budget):
        if number >= first_data:
            _add_row(table, number, cells, sources, widths, positions, formulas, example)
    return table


def _add_row(table, number, cells, sources, widths, positions, formulas, example) -> None:
    """Keep a data row; skip empty rows, merged title rows, section headings, footnotes and the template example."""
    width = len(cells)
    values = {key: (cells[col] if col < width else None) for key, col in positions.items()}
    filled = {key: value for key, value in values.items() if value is not None and not is_blank(value)}
    formula_gaps = []
    if formulas:
        formula_gaps = [key for key, col in positions.items() if (number, col + 1) in formulas and key not in filled]
    if not filled and not formula_gaps:
        return  # an empty row
    if sources and len(filled) > 1:
        origins = {sources.get(positions[key]) for key in filled}
        if len(origins) == 1 and None not in origins and widths.get(next(iter(origins)), 1) > 1:
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
    text = None
    for value in filled.values():  # one text in every filled cell (a data row differs by its second cell)
        line = single_line(value)
        if text is not None and line != text:
            break
        text = line
    else:
        if text is not None and HEADING.match(text):
            return "分类标题行"
        if text is not None and FOOTNOTE.match(text):
            return "说明行"
    if len(filled) <= 2:
        serial = single_line(filled.get("serial"))
        if serial and CHINESE_NUMERAL.match(serial):
            return "分类标题行"
    return None


def _formula_cells(data: bytes, title: str, limits: ReadLimits, budget: Budget) -> set[tuple[int, int]]:
    """(row, col) of every formula cell of a sheet: a second, formula-text pass, only for files that have any."""
    workbook = _load(data, data_only=False)
    try:
        sheet = workbook[title]
        sheet.reset_dimensions()
        found = set()
        rows = sheet.iter_rows(max_row=limits.last_row, values_only=True)
        for number, cells in enumerate(rows, start=1):
            if number % CHECK_EVERY == 0:
                budget.check()
            for col, value in enumerate(cells[: limits.max_columns], start=1):
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
