"""What an import will do, row by row: created, changed (old → new), left alone, skipped, and every problem."""

from dataclasses import dataclass, field

CREATE, UPDATE, UNCHANGED, SKIPPED, ERROR = "create", "update", "unchanged", "skipped", "error"
ACTION_LABELS = {CREATE: "新建", UPDATE: "修改", UNCHANGED: "不变", SKIPPED: "跳过", ERROR: "有误"}


@dataclass(frozen=True)
class Problem:
    """One reason the file cannot be imported, located by Excel row number and column header."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return f"第{self.row}行「{self.column}」：{self.message}"
        if self.row:
            return f"第{self.row}行：{self.message}"
        return self.message


@dataclass(frozen=True)
class Change:
    """One field that an import changes, shown as old → new."""

    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}：{self.old} → {self.new}"


@dataclass
class RowPlan:
    """The verdict on one data row: what it is about, what it will do, and why not when it cannot."""

    row: int
    label: str = ""
    action: str = UNCHANGED
    target: object = None  # the existing record the row updates (None: a new one)
    values: dict = field(default_factory=dict)  # attribute -> new value, for the columns the file has
    extra: dict = field(default_factory=dict)  # importer-specific data (co-units, …)
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        """新建 / 修改 / 不变 / 跳过 / 有误."""
        return ACTION_LABELS[ERROR if self.problems else self.action]

    @property
    def status(self) -> str:
        """The action, or ERROR when the row has a problem."""
        return ERROR if self.problems else self.action


@dataclass
class ImportPlan:
    """The whole verdict on a file; it may be applied only when it has no problem at all."""

    kind: str
    title: str
    filename: str = ""
    sha256: str = ""
    sheet: str = ""
    rows: list[RowPlan] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)  # not tied to one data row
    notes: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def problems(self) -> list[Problem]:
        """Every problem: the file's first, then each row's, in row order."""
        found = list(self.file_problems)
        for row in self.rows:
            found.extend(row.problems)
        return found

    @property
    def ok(self) -> bool:
        """True when nothing is wrong, so the import may be written."""
        return not self.file_problems and not any(row.problems for row in self.rows)

    def count(self, status: str) -> int:
        """How many rows have the status (create, update, unchanged, skipped, error)."""
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status, for the summary line."""
        return {status: self.count(status) for status in ACTION_LABELS}

    @property
    def has_changes(self) -> bool:
        """True when applying the plan would write anything."""
        return any(row.status in (CREATE, UPDATE) for row in self.rows)

    def summary(self) -> str:
        """e.g. 新建 3 条，修改 2 条，不变 49 条，跳过 1 行，有误 0 行."""
        c = self.counts
        return (
            f"新建 {c[CREATE]} 条，修改 {c[UPDATE]} 条，不变 {c[UNCHANGED]} 条，"
            f"跳过 {c[SKIPPED]} 行，有误 {c[ERROR]} 行"
        )
