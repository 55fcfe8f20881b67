"""Test helpers for the Excel imports: build messy workbooks with openpyxl, a small office, and table row counts."""

import io
import re
import zipfile

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from extensions import db
from models import Base, UnitKind
from tests.factories import make_leader, make_unit

UNIT_HEADERS = [
    "单位编码",
    "单位名称",
    "单位类别",
    "单位负责人",
    "负责人邮箱",
    "分管领导",
    "单位邮箱",
    "办公电话",
    "别名",
]
ROSTER_HEADERS = ["单位", "姓名", "职务", "专兼职", "办公电话", "手机", "电子邮箱", "备注"]
ITEM_HEADERS = ["序号", "事项名称", "来源", "具体要求", "交办领导", "分工领导", "牵头单位", "协办单位", "责任人",
    "完成时限", "办理周期"]  # fmt: skip


def xlsx(rows, *, merges=(), title: str = "Sheet1", text_cells=(), extra_sheets: dict | None = None) -> bytes:
    """A workbook whose first sheet holds `rows` (lists; None is an empty cell), with merged ranges."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref in merges:
        sheet.merge_cells(ref)
    for ref in text_cells:
        sheet[ref].number_format = "@"
    for name, extra_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in extra_rows:
            other.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_value(data: bytes, ref: str, value: str, *, text: bool = True) -> bytes:
    """The workbook with a cached result stored for the formula in `ref`, as Excel leaves it after saving."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                kind = ' t="str"' if text else ""
                # an empty value as openpyxl writes it: <v/> with the standard library's XML writer, <v></v> with lxml
                pattern = re.compile(rf'<c r="{ref}"([^>]*)><f>(.*?)</f>(?:<v\s*/>|<v></v>)'.encode())
                content, count = pattern.subn(rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v>'.encode(), content)
                assert count == 1, "the formula cell was written as openpyxl writes it"
            target.writestr(info, content)
    return out.getvalue()


def edit_cells(data: bytes, edits: dict[str, object]) -> bytes:
    """The workbook with some cells of its first sheet changed, as a person would in Excel."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for ref, value in edits.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_rows(data: bytes) -> list[tuple]:
    """The values of a workbook's first sheet."""
    return list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))


def build_office() -> dict:
    """Leaders and units with the names the tests play with: an alias, a bracketed name, two 第一…, a department."""
    chief = make_leader("赵振国", title="局长", sort_order=1)
    forestry = make_leader("刘建华", title="副局长", sort_order=2)
    welfare = make_leader("杨春梅", title="副局长", sort_order=3)
    units = {
        "东方红": make_unit("东方红林场", code="JZ01", aliases="东方红、一场", leader_in_charge=forestry),
        "第二": make_unit("第二林场（营林所）", code="JZ02", leader_in_charge=forestry),
        "青山": make_unit("青山林场", code="JZ03", leader_in_charge=forestry),
        "第一林场": make_unit("第一林场", code="JZ04", leader_in_charge=forestry),
        "第一中学": make_unit("第一中学", code="JZ05", leader_in_charge=welfare),
        "计财科": make_unit("计财科", code="BB01", kind=UnitKind.DEPARTMENT, leader_in_charge=chief),
    }
    return {"chief": chief, "forestry": forestry, "welfare": welfare, **units}


# Signing in to upload writes a session row (and a failed one a throttle row), and the upload is kept in the database
# for its preview: not the import's doing.
SIGN_IN_TABLES = {"login_session", "throttle_event", "import_upload"}


def row_counts() -> dict[str, int]:
    """Rows in every table but the sign-in bookkeeping, to show that a refused import changed nothing at all."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
        if table.name not in SIGN_IN_TABLES
    }
