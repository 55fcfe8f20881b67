"""Hostile workbooks written straight as XML (openpyxl would take minutes): millions of rows, huge merged ranges."""

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="名录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def raw_xlsx(strings: list[str], dimension: str, rows: Iterable[str], merges: Iterable[str] = ()) -> bytes:
    """A one-sheet workbook from shared strings, row XML fragments (streamed into the zip) and merged ranges."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'{SHEET_OPEN}<dimension ref="{dimension}"/><sheetData>'.encode())
            chunk: list[str] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData>")
            merges = list(merges)
            if merges:
                cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
                sheet.write(f'<mergeCells count="{len(merges)}">{cells}</mergeCells>'.encode())
            sheet.write(b"</worksheet>")
    return buffer.getvalue()


def _strings_row(number: int, indexes: list[int]) -> str:
    cells = "".join(f'<c r="{column_letter(n)}{number}" t="s"><v>{i}</v></c>' for n, i in enumerate(indexes, 1))
    return f'<row r="{number}">{cells}</row>'


def million_rows_workbook(rows: int = 2_000_000, unit: str = "东方红林场", dimension: str | None = None) -> bytes:
    """A roster of `rows` liaisons (5 MB zipped for 2 million): 单位, 姓名, 手机 on every row; `dimension` may lie."""
    strings = ["单位", "姓名", "手机", unit, "王林"]

    def body() -> Iterator[str]:
        yield _strings_row(1, [0, 1, 2])
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c t="s"><v>3</v></c><c t="s"><v>4</v></c><c><v>13900001111</v></c></row>'

    return raw_xlsx(strings, dimension or f"A1:C{rows + 1}", body())


def merged_ranges_workbook(ranges: int = 100, height: int = 200_000, unit: str = "东方红林场") -> bytes:
    """A roster of one liaison (a few KB) that declares `ranges` merged ranges, each `height` rows tall."""
    strings = ["单位", "姓名", "手机", unit, "王林"]
    body = [
        _strings_row(1, [0, 1, 2]),
        _strings_row(2, [3, 4]).replace("</row>", '<c r="C2"><v>13900001111</v></c></row>'),
    ]
    # one column each, beside the data; the dimension tells only the cells with data, as the merged cells hold none
    merges = [f"{column_letter(4 + n)}2:{column_letter(4 + n)}{height + 1}" for n in range(ranges)]
    return raw_xlsx(strings, "A1:C2", body, merges)
