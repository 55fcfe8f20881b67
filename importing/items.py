"""Importing items from the key-work decomposition table (重点工作任务分解表): updates through save_items, new items
in bulk through create_items."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clock import china_date
from importing.base import Importer, RowCells, cleaned, compare, compared, display, duplicate_check, enum_lookup
from importing.cells import is_blank, parse_date
from importing.matching import leader_index, name_key, unit_index
from importing.reader import Column, Table
from importing.report import CREATE, UNCHANGED, UPDATE, Change, Problem, RowPlan
from models.assignment import Assignment
from models.item import Item, ItemSource, ItemStatus, Rhythm, under_checks_by_default
from models.leader import BureauLeader
from models.unit import Unit
from workdays import WorkCalendar
from workflows.deadlines import WORKING_DAYS, parse_deadline
from workflows.items import ItemSaveError, create_items, save_items

SOURCES = enum_lookup(
    ItemSource,
    {
        "会议决定": "meeting_decision",
        "会议决定事项": "meeting_decision",
        "重要文件": "meeting_decision",
        "领导批办": "leader_instruction",
        "局领导批办": "leader_instruction",
        "上级批示": "higher_instruction",
        "上级领导批示": "higher_instruction",
        "职工代表建议": "staff_proposal",
        "职代会提案": "staff_proposal",
        "提案": "staff_proposal",
        "大接访": "reception_visit",
        "便民电话": "hotline",
        "热线": "hotline",
        "两会": "key_work",
        "两会重点工作": "key_work",
        "重点工作": "key_work",
        "利民工程": "benefit_project",
        "中心任务": "central_task",
    },
)
RHYTHMS = enum_lookup(
    Rhythm,
    {"一次": "one_off", "单次": "one_off", "按月": "monthly", "月度": "monthly", "每月一次": "monthly",
     "按季度": "quarterly", "按季": "quarterly", "每季": "quarterly", "季度": "quarterly"},
)  # fmt: skip
LABELS = {
    "title": "事项名称",
    "source": "来源",
    "content": "具体要求",
    "ordering_leader": "交办领导",
    "responsible_leader": "分工领导",
    "lead_unit": "牵头单位",
    "responsible_person": "责任人",
    "deadline": "完成时限",
    "rhythm": "办理周期",
    "instruction": "领导批示",
}
FINISHED = (ItemStatus.CLOSED, ItemStatus.CANCELLED)
CHUNK = 500


class ItemImporter(Importer):
    """重点工作任务分解表: one row per item; an item of the same title is updated, not duplicated."""

    kind = "items"
    title = "重点工作任务分解表"
    columns = (
        Column("serial", "序号", ("编号",), width=6),
        Column("title", "事项名称", ("工作任务", "重点工作任务", "任务名称", "工作事项", "督查事项", "事项"),
            required=True, hint="必填；与已有事项同名时更新该事项", width=30),
        Column("source", "来源", ("事项来源",), required=True, hint="新事项必填，从下拉列表选择", width=20,
            options="sources"),
        Column("content", "具体要求", ("工作要求", "内容及要求", "目标要求", "主要内容", "具体内容"), kind="long",
            width=40),
        Column("ordering_leader", "交办领导", ("批办领导",), width=10, options="leaders"),
        Column("responsible_leader", "分工领导", ("分管领导", "责任领导", "牵头领导"), width=10, options="leaders"),
        Column("lead_unit", "牵头单位", ("牵头部门", "责任单位", "主责单位"), required=True, hint="必填，一个单位",
            width=18, options="units"),
        Column("co_units", "协办单位", ("配合单位", "协办部门", "配合部门", "参与单位"), hint="可填多个，用“、”分隔",
            width=24),
        Column("responsible_person", "责任人", ("具体责任人",), width=10),
        Column("deadline", "完成时限", ("时限", "完成时间", "办结时限", "时间要求"), required=True,
            hint="日期（2026-12-31）或“N个工作日”", kind="date", width=14),
        Column("rhythm", "办理周期", ("周期", "报送周期", "督查周期"), hint="一次性 / 每月 / 每季度；空白为一次性",
            width=10, options="rhythms"),
        Column("instruction", "领导批示", ("批示", "批示内容"), kind="long", width=24),
    )  # fmt: skip
    example = {
        "serial": "示例",
        "title": "（示例）完成春季造林任务",
        "source": "“两会”重点工作",
        "content": "完成人工造林 5000 亩，成活率不低于 85%",
        "lead_unit": "（牵头单位全称）",
        "deadline": "2026-06-30",
        "rhythm": "每季度",
    }

    def option_lists(self, session) -> dict[str, list[str]]:
        """Sources, rhythms, active units' and bureau leaders' names."""
        units = session.scalars(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.kind, Unit.code)).all()
        leaders = session.scalars(select(BureauLeader.name).order_by(BureauLeader.sort_order, BureauLeader.id)).all()
        return {
            "sources": [s.label for s in ItemSource],
            "rhythms": [r.label for r in Rhythm],
            "units": list(units),
            "leaders": list(leaders),
        }

    def plan(self, session, table: Table, *, now: datetime) -> list[RowPlan]:
        """Match rows to items by title; read units and leaders forgivingly; validate; compute old → new."""
        units = unit_index(session.scalars(select(Unit)).all())
        leaders = leader_index(session.scalars(select(BureauLeader)).all())
        calendar, today = WorkCalendar.load(session), china_date(now)
        titles = defaultdict(list)
        for item_id, title in session.execute(select(Item.id, Item.title)):
            titles[name_key(title)].append(item_id)
        keys = [compared(table, cleaned(table, row.get("title"))) for row in table.rows]
        wanted = {i for key in keys for i in titles.get(key, [])}
        items = self._load(session, wanted)
        deadlines: dict = {}  # (text, counted from) -> date: 10,000 rows share a handful of deadlines
        seen: dict = {}
        plans = []
        for row, key in zip(table.rows, keys, strict=True):
            plan = RowPlan(row.number)
            cells = RowCells(table, row, plan)
            title = cells.text("title", max_len=200, required=True)
            plan.label = title or ""
            duplicate_check(seen, key, row.number, cells, "title", title or "")
            target = self._match(cells, key, titles, items)
            values = self._read(cells, units, leaders, target)
            values["title"] = title
            self._deadline(cells, values, target, calendar, today, deadlines)
            self._check(cells, values, target)
            self._finish(plan, target, values)
            plans.append(plan)
        return plans

    @staticmethod
    def _load(session, ids: set[int]) -> dict[int, Item]:
        """The items the file names, with their assignments and feedback, in a few queries."""
        found, ids = {}, sorted(ids)
        for start in range(0, len(ids), CHUNK):
            query = (
                select(Item)
                .where(Item.id.in_(ids[start : start + CHUNK]))
                .options(
                    selectinload(Item.assignments).selectinload(Assignment.feedbacks),
                    selectinload(Item.assignments).selectinload(Assignment.unit),
                    selectinload(Item.lead_unit),
                    selectinload(Item.ordering_leader),
                    selectinload(Item.responsible_leader),
                )
            )
            found.update({item.id: item for item in session.scalars(query)})
        return found

    @staticmethod
    def _match(cells: RowCells, key: str, titles, items):
        ids = titles.get(key, [])
        if len(ids) > 1:
            numbers = "、".join(items[i].number for i in ids if i in items)
            cells.problem("title", f"已有多个同名事项（{numbers}），无法确定更新哪一个；请先在督查事项中改名。")
            return None
        return items.get(ids[0]) if ids else None

    @staticmethod
    def _read(cells: RowCells, units, leaders, target) -> dict:
        values: dict = {"lead_unit": cells.record("lead_unit", units)}
        if cells.blank("lead_unit"):
            cells.problem("lead_unit", "请填写牵头单位。")
        if cells.has("source"):
            values["source"] = cells.choice("source", ItemSource, SOURCES)
            if values["source"] is None and cells.blank("source") and target is None:
                allowed = "、".join(f"“{s.label}”" for s in ItemSource)
                cells.problem("source", f"新事项须填写来源，应为以下之一：{allowed}。")
        if cells.has("content"):
            values["content"] = cells.text("content", max_len=10000, multiline=True)
        for key in ("ordering_leader", "responsible_leader"):
            if cells.has(key):
                values[key] = cells.record(key, leaders)
        if cells.has("responsible_person"):
            values["responsible_person"] = cells.text("responsible_person", max_len=50)
        if cells.has("rhythm"):
            values["rhythm"] = cells.choice("rhythm", Rhythm, RHYTHMS)
        if cells.has("instruction"):
            values["instruction"] = cells.text("instruction", max_len=10000, multiline=True)
        if cells.has("co_units"):
            values["co_units"] = cells.records("co_units", units)
        return values

    @staticmethod
    def _deadline(cells: RowCells, values: dict, target, calendar, today: date, cache: dict) -> None:
        """A date, or N working days counted from the day the item was registered (today for a new one)."""
        raw = cells.row.get("deadline")
        if is_blank(raw):
            if target is None:
                cells.problem("deadline", "请填写完成时限：日期（如 2026-12-31）或工作日数（如 5个工作日）。")
            return
        start = china_date(target.created_at) if target is not None and target.created_at else today
        text = cleaned(cells.table, raw)
        key = (text, start)
        if key not in cache:
            try:
                if isinstance(raw, str) and WORKING_DAYS.match(text):
                    cache[key] = parse_deadline(text, assigned_on=start, calendar=calendar)
                else:
                    cache[key] = parse_date(raw)
            except ValueError as error:
                cache[key] = error
        if isinstance(cache[key], ValueError):
            message = str(cache[key])
            if isinstance(raw, str) and "工作日" not in text:
                message = f"无法识别的完成时限“{text}”：请填写日期（如 2026-12-31）或工作日数（如 5个工作日）。"
            cells.problem("deadline", message)
            return
        values["deadline"] = cache[key]
        if target is None and cache[key] < today:
            cells.plan.notes.append(f"完成时限 {cache[key].isoformat()} 早于今天。")

    @staticmethod
    def _check(cells: RowCells, values: dict, target) -> None:
        """Units must be active, the lead no co-unit, and no unit that has reported may be taken off the item."""
        lead, co_units = values.get("lead_unit"), values.get("co_units") or []
        for key, unit in [("lead_unit", lead), *(("co_units", u) for u in co_units)]:
            if unit is not None and not unit.active:
                cells.problem(key, f"单位“{unit.name}”已停用，不能承办事项。")
        if lead is not None and lead in co_units:
            cells.problem("co_units", f"“{lead.name}”已是牵头单位，不能同时作为协办单位。")
        if target is None or lead is None:
            return
        keep = {lead.id, *(u.id for u in (co_units if "co_units" in values else target.co_units))}
        for assignment in target.assignments:
            if assignment.unit_id not in keep and assignment.feedbacks:
                column = "lead_unit" if assignment.role == "lead" else "co_units"
                cells.problem(column, f"“{assignment.unit.name}”已提交反馈，不能从承办单位中移除。")

    @staticmethod
    def _finish(plan: RowPlan, target, values: dict) -> None:
        co_units = values.pop("co_units", None)
        for key in ("source", "rhythm"):
            if key in values and values[key] is None:
                del values[key]  # blank: an existing item keeps its value
        if target is None:
            values.setdefault("rhythm", Rhythm.ONE_OFF)
        if values.get("lead_unit") is None:
            values.pop("lead_unit", None)
        plan.target, plan.values = target, values
        plan.extra["co_units"] = co_units
        plan.changes = compare(target, values, LABELS, LABELS)
        current = list(target.co_units) if target is not None else []
        if co_units is not None and {u.id for u in co_units} != {u.id for u in current}:
            plan.changes.append(Change("协办单位", display(current) if target is not None else "", display(co_units)))
        plan.action = CREATE if target is None else (UPDATE if plan.changes else UNCHANGED)
        if target is not None and plan.changes and target.status in FINISHED:
            message = f"事项“{target.title}”（{target.number}）已{target.status.label}，不能通过导入修改。"
            plan.problems.append(Problem(plan.row, None, message))
        if target is not None:
            plan.label = f"{target.number} {target.title}"

    def apply(self, session, rows: list[RowPlan], *, actor, now: datetime) -> None:
        """Update the matched items through save_items, then register the new ones in bulk through create_items:
        numbered 督〔year〕N号, status 立项, assignments in step, audit rows as the screens write them."""
        user = None if isinstance(actor, str) else actor
        updates, creates = [], []
        for plan in rows:
            if plan.target is None:
                values = dict(plan.values)  # a new item is under the three checks by its source, as on the item form
                values["three_checks"] = under_checks_by_default(values.get("source"))
                creates.append((plan, (values, plan.extra["co_units"] or [])))
                continue
            item = plan.target
            for key, value in plan.values.items():
                setattr(item, key, value)
            co_units = plan.extra["co_units"]
            updates.append((plan, (item, item.co_units if co_units is None else co_units)))
        try:
            save_items(session, [entry for _, entry in updates], actor=user, now=now)
        except ItemSaveError as error:
            raise ValueError(f"第{updates[error.position][0].row}行：{error}") from error
        try:
            create_items(session, [entry for _, entry in creates], actor=user, now=now)
        except ItemSaveError as error:
            raise ValueError(f"第{creates[error.position][0].row}行：{error}") from error
