"""Importing the year's staff proposals (提案汇总表): each new row a 职工代表建议和提案 item and its proposal."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clock import china_date
from importing.base import Importer, RowCells, compare, duplicate_check
from importing.cells import is_blank, parse_date, single_line, split_list
from importing.matching import name_key, unit_index
from importing.reader import Column, Table
from importing.report import CREATE, UNCHANGED, UPDATE, Problem, RowPlan
from models.item import Item, ItemSource, ItemStatus, Rhythm, under_checks_by_default
from models.proposal import Proposal
from models.unit import Unit
from workdays import WorkCalendar
from workflows.deadlines import WORKING_DAYS, parse_deadline
from workflows.items import ItemSaveError, save_items
from workflows.proposals import check_proposal

OWN_LABELS = {  # the proposal's own fields: an existing proposal is updated in these only
    "number": "提案号",
    "representatives": "提案人",
    "delegation": "代表团（单位）",
    "seconders": "附议人",
    "category": "类别",
    "email": "提案人邮箱",
}
ITEM_LABELS = {"title": "标题", "lead_unit": "主办单位", "deadline": "办理时限", "content": "内容"}
FINISHED = (ItemStatus.CLOSED, ItemStatus.CANCELLED)
DEADLINE_FORMS = "日期（如 2026-12-31）或工作日数（如 20个工作日）"


class ProposalImporter(Importer):
    """提案汇总表: one row per proposal, matched by 提案号; a new one becomes a registered item with its units."""

    kind = "proposals"
    title = "职工代表建议和提案"
    columns = (
        Column("number", "提案号", ("提案编号", "案号", "提案序号"), required=True,
            hint="必填，如 2026-001（建议含年份）；与已有提案同号时只更新提案人等提案信息", width=12, kind="digits"),
        Column("title", "标题", ("提案标题", "案由", "提案名称", "建议名称", "题目"), required=True, hint="必填",
            width=30),
        Column("representatives", "提案人", ("提案代表", "领衔人", "领衔代表", "代表姓名"), required=True,
            hint="必填；多名提案人用“、”分隔", width=14),
        Column("delegation", "代表团（单位）", ("代表团", "所在单位", "提案人单位"), width=18),
        Column("seconders", "附议人", ("附议代表", "联名代表"), hint="多名附议人用“、”分隔", width=18),
        Column("category", "类别", ("提案类别", "分类", "类型"), hint="如 生产经营、民生保障；可自行填写", width=12,
            options="categories"),
        Column("lead_unit", "主办单位", ("承办单位", "主办部门", "牵头单位", "责任单位"), required=True,
            hint="必填，一个单位", width=18, options="units"),
        Column("co_units", "会办单位", ("会办部门", "协办单位", "配合单位"), hint="可填多个，用“、”分隔", width=24),
        Column("deadline", "办理时限", ("答复时限", "办结时限", "完成时限", "时限"), required=True,
            hint="新提案必填：日期（2026-06-30）或“N个工作日”", kind="date", width=14),
        Column("email", "提案人邮箱", ("电子邮箱", "邮箱", "代表邮箱"),
            hint="填写后，登记答复时自动向提案人发送评价链接；不填则由督查员代为登记评价", width=26),
        Column("content", "内容", ("建议内容", "提案内容", "具体内容", "主要内容", "内容及建议"), kind="long",
            width=40),
    )  # fmt: skip
    example = {
        "number": "示例-001",
        "title": "（示例）提高野外作业人员补贴标准",
        "representatives": "张三、李四",
        "delegation": "示例林场代表团",
        "category": "民生保障",
        "lead_unit": "（主办单位全称）",
        "deadline": "2026-06-30",
        "content": "建议参照周边林区标准，提高一线野外作业人员补贴",
    }

    def option_lists(self, session) -> dict[str, list[str]]:
        """The active units' names and the categories already in use."""
        units = session.scalars(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.kind, Unit.code)).all()
        categories = session.scalars(
            select(Proposal.category).where(Proposal.category.is_not(None)).distinct().order_by(Proposal.category)
        ).all()
        return {"units": list(units), "categories": [c for c in categories if c]}

    def plan(self, session, table: Table, *, now: datetime) -> list[RowPlan]:
        """Match rows to proposals by 提案号; read units forgivingly; validate; compute old → new."""
        units = unit_index(session.scalars(select(Unit)).all())
        calendar, today = WorkCalendar.load(session), china_date(now)
        query = select(Proposal).options(selectinload(Proposal.item).selectinload(Item.lead_unit))
        proposals = {name_key(p.number): p for p in session.scalars(query)}
        deadlines: dict = {}
        seen: dict = {}
        plans = []
        for row in table.rows:
            plan = RowPlan(row.number)
            cells = RowCells(table, row, plan)
            own = self._own(cells)
            number = own["number"]
            duplicate_check(seen, name_key(number or ""), row.number, cells, "number", number or "")
            target = proposals.get(name_key(number or "")) if number else None
            item = self._item(cells, units)
            self._deadline(cells, item, target, calendar, today, deadlines)
            plan.label = f"{number or ''} {item.get('title') or ''}".strip()
            if target is not None:
                self._existing(cells, target, item, today)
            self._finish(plan, target, own, item)
            plans.append(plan)
        return plans

    @staticmethod
    def _own(cells: RowCells) -> dict:
        """The proposal's own fields, for the columns the file has."""
        values: dict = {"number": cells.code("number", max_len=30, required=True)}
        values["representatives"] = _names(cells, "representatives", max_len=200, required=True)
        if cells.has("delegation"):
            values["delegation"] = cells.text("delegation", max_len=100)
        if cells.has("seconders"):
            values["seconders"] = _names(cells, "seconders", max_len=300)
        if cells.has("category"):
            values["category"] = cells.text("category", max_len=30)
        if cells.has("email"):
            values["email"] = cells.email("email")
        return values

    @staticmethod
    def _item(cells: RowCells, units) -> dict:
        """The item's fields (title, units, content); the deadline is read separately."""
        values: dict = {"title": cells.text("title", max_len=200, required=True)}
        values["lead_unit"] = cells.record("lead_unit", units)
        if cells.blank("lead_unit"):
            cells.problem("lead_unit", f"请填写{cells.label('lead_unit')}。")
        values["co_units"] = cells.records("co_units", units) if cells.has("co_units") else []
        if cells.has("content"):
            values["content"] = cells.text("content", max_len=10000, multiline=True)
        lead = values["lead_unit"]
        for key, unit in [("lead_unit", lead), *(("co_units", u) for u in values["co_units"])]:
            if unit is not None and not unit.active:
                cells.problem(key, f"单位“{unit.name}”已停用，不能承办提案。")
        if lead is not None and lead in values["co_units"]:
            cells.problem(
                "co_units", f"“{lead.name}”已是{cells.label('lead_unit')}，不能同时作为{cells.label('co_units')}。"
            )
        return values

    @staticmethod
    def _deadline(cells: RowCells, values: dict, target, calendar, today: date, cache: dict) -> None:
        """A date, or N working days from today; required for a new proposal only."""
        raw = cells.row.get("deadline")
        label = cells.label("deadline")
        if is_blank(raw):
            if target is None:
                cells.problem("deadline", f"新提案须填写{label}：{DEADLINE_FORMS}。")
            return
        text = single_line(raw)
        if text not in cache:
            try:
                if isinstance(raw, str) and WORKING_DAYS.match(text):
                    cache[text] = parse_deadline(text, assigned_on=today, calendar=calendar)
                else:
                    cache[text] = parse_date(raw)
            except ValueError as error:
                cache[text] = error
        found = cache[text]
        if isinstance(found, ValueError):
            message = str(found)
            if message.startswith("无法识别") and "工作日" not in text:
                message = f"无法识别的{label}“{text}”：请填写{DEADLINE_FORMS}。"
            cells.problem("deadline", message)
            return
        values["deadline"] = found
        if target is None and found < today:
            cells.plan.notes.append(f"{label} {found.isoformat()} 早于今天。")

    @staticmethod
    def _existing(cells: RowCells, target: Proposal, values: dict, today: date) -> None:
        """A known 提案号: refused when it is not a proposal's item or plainly another year's proposal; item columns
        that differ are named (the import never changes the item)."""
        item = target.item
        number = target.number
        if item.source != ItemSource.STAFF_PROPOSAL:
            cells.problem(
                "number",
                f"提案号“{number}”已用于事项 {item.number}“{item.title}”，其来源是“{item.source.label}”，"
                f"不是职工代表建议和提案；请核对提案号。",
            )
            return
        title = values.get("title")
        if title and name_key(title) != name_key(item.title) and item.year != today.year:
            cells.problem(
                "number",
                f"提案号“{number}”已是{item.year}年的提案“{item.title}”（{item.number}）的编号。提案号不能重复，"
                f"请在提案号中加上年份（如 {today.year}-{number}）。",
            )
            return
        differ = []
        if title and name_key(title) != name_key(item.title):
            differ.append("title")
        if values.get("lead_unit") is not None and values["lead_unit"].id != item.lead_unit_id:
            differ.append("lead_unit")
        if cells.has("co_units") and {u.id for u in values["co_units"]} != {u.id for u in item.co_units}:
            differ.append("co_units")
        if values.get("deadline") is not None and values["deadline"] != item.deadline:
            differ.append("deadline")
        if cells.has("content") and (values.get("content") or "") != (item.content or ""):
            differ.append("content")
        if differ:
            names = "、".join(f"「{cells.label(k)}」" for k in differ)
            cells.plan.notes.append(
                f"{names}与已登记的事项 {item.number} 不同：导入只更新提案信息，不修改事项；"
                "如需修改，请在督查事项中修改。"
            )

    @staticmethod
    def _finish(plan: RowPlan, target: Proposal | None, own: dict, item: dict) -> None:
        plan.target = target
        if target is None:
            plan.values = own
            plan.extra["item"] = {k: item.get(k) for k in ("title", "lead_unit", "deadline", "content")}
            plan.extra["co_units"] = item["co_units"]
            shown = {**own, **plan.extra["item"], "co_units": item["co_units"]}
            labels = {**OWN_LABELS, **ITEM_LABELS, "co_units": "会办单位"}
            order = ("number", "title", "representatives", "delegation", "seconders", "category", "lead_unit",
                     "co_units", "deadline", "email", "content")  # fmt: skip
            plan.changes = compare(None, shown, labels, order)
            plan.action = CREATE
            return
        own = {key: value for key, value in own.items() if key != "number"}  # matched by it; spelling kept
        plan.values = own
        plan.changes = compare(target, own, OWN_LABELS)
        plan.action = UPDATE if plan.changes else UNCHANGED
        plan.label = f"{target.number} {target.item.title}"
        if plan.changes and target.item.status in FINISHED:
            message = f"提案“{target.number}”（{target.item.number}）已{target.item.status.label}，不能通过导入修改。"
            plan.problems.append(Problem(plan.row, None, message))

    def apply(self, session, rows: list[RowPlan], *, actor, now: datetime) -> None:
        """Register each new proposal's item (numbered, 立项, with its units' shares, not yet assigned) and its
        proposal; update the known proposals' own fields."""
        user = None if isinstance(actor, str) else actor
        new = [plan for plan in rows if plan.target is None]
        entries = []
        for plan in new:
            item = Item(source=ItemSource.STAFF_PROPOSAL, rhythm=Rhythm.ONE_OFF, **plan.extra["item"])
            item.three_checks = under_checks_by_default(item.source)  # as on the item form
            entries.append((item, plan.extra["co_units"]))
        if entries:
            try:
                save_items(session, entries, actor=user, now=now)
            except ItemSaveError as error:
                raise ValueError(f"第{new[error.position].row}行：{error}") from error
        for plan, (item, _) in zip(new, entries, strict=True):
            proposal = Proposal(item=item, **plan.values)
            try:
                check_proposal(proposal)
            except ValueError as error:
                raise ValueError(f"第{plan.row}行：{error}") from error
            session.add(proposal)
        for plan in rows:
            if plan.target is not None and plan.action == UPDATE:
                for key, value in plan.values.items():
                    setattr(plan.target, key, value)
        session.flush()


def _names(cells: RowCells, key: str, *, max_len: int, required: bool = False) -> str | None:
    """Several people's names in one cell (、，, ; or line breaks), stored joined by “、”."""
    names = split_list(cells.row.get(key))
    if not names:
        if required:
            cells.problem(key, f"请填写{cells.label(key)}。")
        return None
    text = "、".join(names)
    if len(text) > max_len:
        cells.problem(key, f"{cells.label(key)}不能超过 {max_len} 个字（现有 {len(text)} 个）。")
    return text
