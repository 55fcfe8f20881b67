"""Word documents the office pastes into its reports (python-docx): 年度督查工作统计."""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from workflows.year_numbers import YearNumbers

FONT = "仿宋"  # the body face of official documents; Word falls back to a CJK face where it is missing
HEADING_FONT = "黑体"


def _face(run, name: str, size: float | None = None, bold: bool = False) -> None:
    """Set a run's Latin and East Asian face (Word reads the East Asian one for Chinese)."""
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def year_report_docx(numbers: YearNumbers, organisation: str = "") -> bytes:
    """年度督查工作统计: the year in the report's sentences, then one table per group of figures."""
    document = Document()
    title = document.add_paragraph()
    title.alignment = 1  # centred
    _face(title.add_run(f"{organisation}{numbers.year}年度督查工作统计"), HEADING_FONT, 18, bold=True)
    summary = document.add_paragraph()
    summary.paragraph_format.first_line_indent = Pt(32)
    _face(summary.add_run(numbers.summary()), FONT, 16)
    for table in numbers.tables:
        heading = document.add_paragraph()
        _face(heading.add_run(table.title), HEADING_FONT, 14, bold=True)
        grid = document.add_table(rows=1 + len(table.rows), cols=1 + len(table.columns))
        grid.style = "Table Grid"
        for col, text in enumerate(("项目", *table.columns)):
            _face(grid.cell(0, col).paragraphs[0].add_run(text), FONT, 12, bold=True)
        for row_no, (label, figures) in enumerate(table.rows, start=1):
            _face(grid.cell(row_no, 0).paragraphs[0].add_run(label), FONT, 12)
            for col, figure in enumerate(figures, start=1):
                text = "" if figure is None else str(numbers[figure.key])
                _face(grid.cell(row_no, col).paragraphs[0].add_run(text), FONT, 12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
