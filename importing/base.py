"""What every importer shares: typed reading of a row's cells into its plan, and old → new comparison."""

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import date, datetime

from importing.cells import (
    compact_ascii,
    email_problem,
    is_blank,
    mobile_digits,
    multi_line,
    parse_date,
    parse_yes_no,
    phone_problem,
    raw_text,
    single_line,
    split_list,
)
from importing.matching import NameIndex, name_key
from importing.reader import Column, SheetRow, Table
from importing.report import Change, Problem, RowPlan
from models.base import LabeledEnum

EMPTY = "（空）"


class Importer(ABC):
    """One kind of import: its columns, its template's example row, and how it plans and applies rows."""

    kind = ""
    title = ""  # 承办单位 / 联络员名录 / 重点工作任务分解表
    columns: tuple[Column, ...] = ()
    example: dict[str, object] = {}

    def option_lists(self, session) -> dict[str, list[str]]:
        """The drop-down lists of the template, by name (enum labels, unit and leader names)."""
        return {}

    @abstractmethod
    def plan(self, session, table: Table, *, now: datetime) -> list[RowPlan]:
        """Decide what each row does, reading the database once and writing nothing."""

    @abstractmethod
    def apply(self, session, rows: list[RowPlan], *, actor, now: datetime) -> None:
        """Write the planned rows (the plan has no problem); flush, never commit."""


def enum_lookup(enum_class: type[LabeledEnum], synonyms: dict[str, str] | None = None) -> dict[str, LabeledEnum]:
    """name_key of each label, value and synonym -> the member."""
    lookup = {}
    for member in enum_class:
        lookup[name_key(member.label)] = member
        lookup[name_key(member.value)] = member
        # “两会”重点工作 is typed with straight quotes, or none at all
        lookup[name_key(member.label.replace("“", "").replace("”", ""))] = member
    for text, value in (synonyms or {}).items():
        lookup[name_key(text)] = enum_class(value)
    return lookup


class RowCells:
    """Reads one row's cells as typed values; every unreadable cell becomes a problem of the row's plan."""

    def __init__(self, table: Table, row: SheetRow, plan: RowPlan):
        self.table, self.row, self.plan = table, row, plan

    def has(self, key: str) -> bool:
        """True when the file has the column."""
        return self.table.has(key)

    def label(self, key: str) -> str:
        """The column's header as the file writes it."""
        return self.table.labels.get(key, key)

    def problem(self, key: str | None, message: str) -> None:
        """Record a problem of this row in a column (or of the whole row when key is None)."""
        self.plan.problems.append(Problem(self.row.number, self.label(key) if key else None, message))

    def blank(self, key: str) -> bool:
        """True when the cell is empty (or the column absent)."""
        return is_blank(self.row.get(key))

    def text(self, key: str, *, max_len: int, required: bool = False, multiline: bool = False) -> str | None:
        """Text, cleaned (outer spaces, wide digits); a problem when required and blank, or too long."""
        text = cleaned(self.table, self.row.get(key), multiline=multiline)
        if not text:
            if required:
                self.problem(key, f"请填写{self.label(key)}。")
            return None
        if len(text) > max_len:
            self.problem(key, f"{self.label(key)}不能超过 {max_len} 个字（现有 {len(text)} 个）。")
        return text

    def code(self, key: str, *, max_len: int, required: bool = False) -> str | None:
        """A code: full-width folded, no spaces."""
        text = compact_ascii(self.row.get(key))
        if not text:
            if required:
                self.problem(key, f"请填写{self.label(key)}。")
            return None
        if len(text) > max_len:
            self.problem(key, f"{self.label(key)}不能超过 {max_len} 个字符。")
        return text

    def email(self, key: str) -> str | None:
        """An e-mail address: ｅｍａｉｌ＠ｅｘａｍｐｌｅ．ｏｒｇ becomes email@example.org, then validated."""
        text = compact_ascii(self.row.get(key))
        if not text:
            return None
        problem = email_problem(text)
        if problem:
            self.problem(key, problem)
        return text

    def mobile(self, key: str) -> str | None:
        """A mobile number of 11 digits starting with 1 (a number cell loses no digit and gains no .0)."""
        if self.blank(key):
            return None
        digits = mobile_digits(self.row.get(key))
        if not (len(digits) == 11 and digits.isdigit() and digits.startswith("1")):
            self.problem(key, f"手机号码“{raw_text(self.row.get(key)).strip()}”不正确，应为 11 位数字，以 1 开头。")
        return digits

    def phone(self, key: str) -> str | None:
        """An office phone number: digits, area code, hyphens, brackets."""
        text = " ".join(unicodedata.normalize("NFKC", raw_text(self.row.get(key))).split())
        if not text:
            return None
        problem = phone_problem(text)
        if problem:
            self.problem(key, problem)
        return text

    def date(self, key: str) -> date | None:
        """A date from an Excel date or from text (2026-3-5, 2026年3月5日, 2026/03/05, 2026.3.5)."""
        if self.blank(key):
            return None
        try:
            return parse_date(self.row.get(key))
        except ValueError as error:
            self.problem(key, str(error))
            return None

    def choice(self, key: str, enum_class: type[LabeledEnum], lookup: dict) -> LabeledEnum | None:
        """A member of an enum by its Chinese label (or a usual synonym); a problem listing the allowed values."""
        if self.blank(key):
            return None
        text = cleaned(self.table, self.row.get(key))
        member = lookup.get(compared(self.table, text))
        if member is None:
            allowed = "、".join(f"“{m.label}”" for m in enum_class)
            self.problem(key, f"“{text}”不是可选的{self.label(key)}，应为以下之一：{allowed}。")
        return member

    def yes_no(self, key: str) -> bool | None:
        """是/否, or None when blank."""
        if self.blank(key):
            return None
        try:
            return parse_yes_no(self.row.get(key))
        except ValueError as error:
            self.problem(key, str(error))
            return None

    def record(self, key: str, index: NameIndex):
        """The record a name cell refers to (forgiving, never guessing); a note when the match was forgiving."""
        if self.blank(key):
            return None
        return self._look_up(key, index, cleaned(self.table, self.row.get(key)))

    def records(self, key: str, index: NameIndex) -> list:
        """The records a cell of several names (、，, ;) refers to, in order, each once."""
        found = []
        for name in split_list(self.row.get(key)):
            record = self._look_up(key, index, name)
            if record is not None and record not in found:
                found.append(record)
        return found

    def _look_up(self, key: str, index: NameIndex, text: str):
        match = index.find(text)
        if match.problem:
            self.problem(key, match.problem)
        elif match.note:
            self.plan.notes.append(f"{self.label(key)}：{match.note}")
        return match.record


def cleaned(table: Table, value, *, multiline: bool = False) -> str:
    """single_line (or multi_line) of a cell's value, worked out once per distinct text of the table."""
    if type(value) is not str:
        return multi_line(value) if multiline else single_line(value)
    key = (value, multiline)
    text = table.cleaned.get(key)
    if text is None:
        text = table.cleaned[key] = multi_line(value) if multiline else single_line(value)
    return text


def compared(table: Table, text: str) -> str:
    """name_key of a cleaned text, worked out once per distinct text of the table."""
    key = (text, None)
    found = table.cleaned.get(key)
    if found is None:
        found = table.cleaned[key] = name_key(text)
    return found


def display(value) -> str:
    """A value as the preview shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(display(v) for v in value)
    return str(getattr(value, "name", value)) if not isinstance(value, str) else value


def same(old, new) -> bool:
    """Equal for the purpose of an import: None and "" are the same empty cell."""
    return (old if old != "" else None) == (new if new != "" else None)


def compare(target, values: dict, labels: dict[str, str], fields: Iterable[str] | None = None) -> list[Change]:
    """The fields whose new value differs from the record's, as old → new (all of them for a new record)."""
    changes = []
    for name in fields or values:
        if name not in values:
            continue
        old = getattr(target, name) if target is not None else None
        new = values[name]
        if target is None or not same(old, new):
            if target is None and new in (None, ""):
                continue
            changes.append(Change(labels[name], display(old) if target is not None else "", display(new)))
    return changes


def duplicate_check(seen: dict, key, row: int, cells: RowCells, column: str, shown: str) -> None:
    """A problem naming both rows when the same key appeared on an earlier row of the file."""
    if not key:
        return
    if key in seen:
        cells.problem(column, f"“{shown}”与第{seen[key]}行重复。")
    else:
        seen[key] = row
