"""Running an import: read, plan every row, and write only when no row is wrong (the caller commits or rolls back)."""

import gc
import hashlib
import logging
import threading
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from audit import act_as
from importing.base import Importer
from importing.cells import single_line
from importing.items import ItemImporter
from importing.proposals import ProposalImporter
from importing.reader import ReadLimits, UnreadableFile, read_table
from importing.report import CREATE, SKIPPED, UPDATE, ImportPlan, Problem, RowPlan
from importing.roster import RosterImporter
from importing.units import UnitImporter

log = logging.getLogger(__name__)

IMPORTERS: dict[str, Importer] = {
    i.kind: i for i in (UnitImporter(), RosterImporter(), ItemImporter(), ProposalImporter())
}
CLI_ACTOR = "命令行导入"
YOUNG_COLLECTION_EVERY = 50_000  # allocations between two collections of young objects while a file is imported
_collections = {"lock": threading.Lock(), "imports": 0, "threshold": gc.get_threshold()}


@contextmanager
def fewer_collections():
    """Collect cyclic garbage less often while a file is read, checked and written: an import of 10,000 rows keeps
    hundreds of thousands of young objects alive (cells, row plans, rows to insert), and the collector's default
    rhythm (every 700 allocations) spends a third of the import looking at them. Reference counting frees what it
    always frees; cycles wait a little longer. The usual rhythm returns when the last import ends."""
    with _collections["lock"]:
        if _collections["imports"] == 0:
            _collections["threshold"] = gc.get_threshold()
            gc.set_threshold(max(YOUNG_COLLECTION_EVERY, _collections["threshold"][0]), *_collections["threshold"][1:])
        _collections["imports"] += 1
    try:
        yield
    finally:
        with _collections["lock"]:
            _collections["imports"] -= 1
            if _collections["imports"] == 0:
                gc.set_threshold(*_collections["threshold"])


class ImportFailed(Exception):
    """Writing failed after a clean plan (e.g. a record changed meanwhile); the caller must roll back."""


def importer_for(kind: str) -> Importer:
    """The importer of a kind (units, roster, items, proposals); KeyError for any other."""
    return IMPORTERS[kind]


def plan_import(
    session: Session, kind: str, data: bytes, *, filename: str = "", now: datetime, limits: ReadLimits | None = None
) -> ImportPlan:
    """Read the file (within `limits`) and decide, row by row, what importing it would do; writes nothing."""
    with fewer_collections():
        return _plan_import(session, kind, data, filename=filename, now=now, limits=limits)


def _plan_import(session: Session, kind: str, data: bytes, *, filename: str, now: datetime, limits) -> ImportPlan:
    importer = importer_for(kind)
    plan = ImportPlan(kind=kind, title=importer.title, filename=filename, sha256=hashlib.sha256(data).hexdigest())
    example = {key: single_line(value) for key, value in importer.example.items()}
    try:
        table = read_table(data, importer.columns, example=example, limits=limits)
    except UnreadableFile as error:
        plan.file_problems.append(Problem(None, None, str(error)))
        return plan
    plan.sheet = table.sheet
    plan.notes.extend(table.notes)
    if table.sheet and len(table.rows) + len(table.skipped) == 0:
        plan.file_problems.append(
            Problem(None, None, f"工作表“{table.sheet}”在表头（第{table.header_row}行）下没有数据。")
        )
    header_problems = [p for p in table.problems if p.row == table.header_row and p.column is None]
    plan.file_problems.extend(header_problems)
    if header_problems:
        return plan  # without a required column every row would repeat the same complaint
    cell_problems: dict[int, list[Problem]] = {}
    for problem in table.problems:
        if problem not in header_problems:
            cell_problems.setdefault(problem.row, []).append(problem)
    rows = importer.plan(session, table, now=now)
    for row in rows:
        row.problems[:0] = cell_problems.pop(row.row, [])
    plan.rows = sorted(
        rows + [RowPlan(number, action=SKIPPED, notes=[why]) for number, why in table.skipped], key=lambda r: r.row
    )
    for leftover in cell_problems.values():
        plan.file_problems.extend(leftover)
    return plan


def run_import(
    session: Session,
    kind: str,
    data: bytes,
    *,
    filename: str = "",
    actor,
    now: datetime,
    dry_run: bool = False,
    limits: ReadLimits | None = None,
) -> ImportPlan:
    """Plan the import and, when nothing is wrong and it is not a dry run, write it all, attributed to `actor`."""
    with fewer_collections():
        return _run_import(session, kind, data, filename=filename, actor=actor, now=now, dry_run=dry_run, limits=limits)


def _run_import(session: Session, kind: str, data: bytes, *, filename: str, actor, now: datetime, dry_run, limits):
    plan = plan_import(session, kind, data, filename=filename, now=now, limits=limits)
    if dry_run or not plan.ok or not plan.has_changes:
        return plan
    act_as(session, actor, now=now)
    try:
        importer_for(kind).apply(session, [r for r in plan.rows if r.status in (CREATE, UPDATE)], actor=actor, now=now)
        session.flush()
    except ValueError as error:
        raise ImportFailed(f"导入未完成，未写入任何数据：{error}") from error
    except SQLAlchemyError as error:
        log.warning("import of %s failed while writing: %s", kind, error)
        raise ImportFailed(
            "导入未完成，未写入任何数据：数据库拒绝了其中一条记录（可能有人同时修改了相同的记录），请重新预览后再导入。"
        ) from error
    plan.applied = True
    return plan
