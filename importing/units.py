"""Importing units (承办单位): matched by code, else by name; leaders in charge and aliases read forgivingly."""

from datetime import datetime

from sqlalchemy import select

from importing.base import Importer, RowCells, compare, duplicate_check, enum_lookup
from importing.cells import ALIAS_SEPARATORS, split_list
from importing.matching import leader_index, name_key
from importing.reader import Column, Table
from importing.report import CREATE, UNCHANGED, UPDATE, Problem, RowPlan
from models.leader import BureauLeader
from models.unit import Unit, UnitKind

KIND_SYNONYMS = {"局直": "affiliated", "直属单位": "affiliated", "局属单位": "affiliated", "部门": "department"}
KINDS = enum_lookup(UnitKind, KIND_SYNONYMS)
LABELS = {
    "code": "单位编码",
    "name": "单位名称",
    "kind": "单位类别",
    "head_name": "单位负责人",
    "head_email": "负责人邮箱",
    "leader_in_charge": "分管领导",
    "office_email": "单位邮箱",
    "phone": "办公电话",
    "aliases": "别名",
    "active": "启用",
}


class UnitImporter(Importer):
    """承办单位: one row per unit."""

    kind = "units"
    title = "承办单位"
    columns = (
        Column(
            "code",
            "单位编码",
            ("编码", "单位代码", "代码"),
            required=True,
            hint="必填，如 JZ01；用于识别单位",
            width=10,
        ),
        Column("name", "单位名称", ("名称", "单位"), required=True, hint="必填，单位全称", width=22),
        Column(
            "kind", "单位类别", ("类别", "单位类型", "类型"), hint="新单位必填：局直单位 / 部办", options="unit_kind"
        ),
        Column("head_name", "单位负责人", ("负责人", "主要负责人"), width=12),
        Column("head_email", "负责人邮箱", ("负责人电子邮箱",), width=26),
        Column("leader_in_charge", "分管领导", ("分管局领导",), hint="局领导姓名", width=12, options="leaders"),
        Column("office_email", "单位邮箱", ("单位电子邮箱", "电子邮箱", "邮箱"), width=26),
        Column("phone", "办公电话", ("电话", "联系电话"), kind="digits", width=16),
        Column("aliases", "别名", ("简称", "别称"), hint="多个别名用“、”分隔，如 东方红、一场", width=20),
        Column(
            "active", "启用", ("是否启用",), hint="是 / 否；空白表示不变（新单位为“是”）", width=8, options="yes_no"
        ),
    )
    example = {
        "code": "JZ99",
        "name": "示例林场",
        "kind": "局直单位",
        "head_name": "张场长",
        "head_email": "head@jz99.example.org",
        "leader_in_charge": "（局领导姓名）",
        "office_email": "office@jz99.example.org",
        "phone": "0457-2345678",
        "aliases": "示例场",
        "active": "是",
    }

    def option_lists(self, session) -> dict[str, list[str]]:
        """Unit kinds, yes/no and the bureau leaders' names."""
        leaders = session.scalars(select(BureauLeader.name).order_by(BureauLeader.sort_order, BureauLeader.id)).all()
        return {"unit_kind": [k.label for k in UnitKind], "yes_no": ["是", "否"], "leaders": list(leaders)}

    def plan(self, session, table: Table, *, now: datetime) -> list[RowPlan]:
        """Match each row to a unit by code, else by name; validate; compute old → new."""
        units = session.scalars(select(Unit)).all()
        by_code = {name_key(u.code): u for u in units}
        by_name = {name_key(u.name): u for u in units}
        leaders = leader_index(session.scalars(select(BureauLeader)).all())
        seen_codes: dict = {}
        seen_names: dict = {}
        claimed: dict = {}  # unit id -> the first row that updates it
        plans = []
        for row in table.rows:
            plan = RowPlan(row.number)
            cells = RowCells(table, row, plan)
            values = self._read(cells, leaders)
            code, name = values.get("code"), values.get("name")
            plan.label = name or code or ""
            duplicate_check(seen_codes, name_key(code or ""), row.number, cells, "code", code or "")
            duplicate_check(seen_names, name_key(name or ""), row.number, cells, "name", name or "")
            target = by_code.get(name_key(code or "")) or by_name.get(name_key(name or ""))
            other = by_name.get(name_key(name or ""))
            if target is not None and other is not None and other is not target:
                cells.problem(
                    "name", f"单位名称“{name}”已被编码为“{other.code}”的单位使用，而编码“{code}”是“{target.name}”的。"
                )
            if target is not None:
                if target.id in claimed:
                    cells.problem(None, f"与第{claimed[target.id]}行是同一个单位（{target.code} {target.name}）。")
                claimed.setdefault(target.id, row.number)
            elif cells.blank("kind"):
                cells.problem("kind", "新单位须填写单位类别：局直单位 或 部办。")
            self._finish(plan, target, values)
            plans.append(plan)
        self._check_aliases(plans, units, table)
        return plans

    def _read(self, cells: RowCells, leaders) -> dict:
        values = {
            "code": cells.code("code", max_len=20, required=True),
            "name": cells.text("name", max_len=100, required=True),
        }
        if cells.has("kind"):
            values["kind"] = cells.choice("kind", UnitKind, KINDS)
        for key, reader in (("head_email", cells.email), ("office_email", cells.email), ("phone", cells.phone)):
            if cells.has(key):
                values[key] = reader(key)
        if cells.has("head_name"):
            values["head_name"] = cells.text("head_name", max_len=50)
        if cells.has("leader_in_charge"):
            values["leader_in_charge"] = cells.record("leader_in_charge", leaders)
        if cells.has("aliases"):
            aliases = split_list(cells.row.get("aliases"), ALIAS_SEPARATORS)
            text = "、".join(a for a in aliases if name_key(a) != name_key(values["name"] or "")) or None
            if text and len(text) > 300:
                cells.problem("aliases", "别名合计不能超过 300 个字。")
            values["aliases"] = text
        if cells.has("active"):
            values["active"] = cells.yes_no("active")
        return values

    def _finish(self, plan: RowPlan, target, values: dict) -> None:
        # a blank 单位类别 or 启用 leaves an existing unit's value alone (neither can be empty)
        for key in ("kind", "active"):
            if key in values and values[key] is None:
                if target is not None:
                    del values[key]
                elif key == "active":
                    values[key] = True
        plan.target, plan.values = target, values
        plan.changes = compare(target, values, LABELS)
        plan.action = CREATE if target is None else (UPDATE if plan.changes else UNCHANGED)

    def _check_aliases(self, plans: list[RowPlan], units, table: Table) -> None:
        """An alias may not be another unit's name or alias: matching by it would become a guess."""
        owner: dict[str, list[str]] = {}
        final = {u.id: (u.name, u.aliases) for u in units}
        for plan in plans:
            key = plan.target.id if plan.target is not None else f"row{plan.row}"
            old_name, old_aliases = final.get(key, (None, None))
            final[key] = (plan.values.get("name") or old_name, plan.values.get("aliases", old_aliases))
        for name, aliases in final.values():
            for text in [name, *split_list(aliases, ALIAS_SEPARATORS)]:
                if text:
                    owner.setdefault(name_key(text), []).append(name)
        for plan in plans:
            for alias in split_list(plan.values.get("aliases"), ALIAS_SEPARATORS):
                others = [n for n in owner.get(name_key(alias), []) if n != plan.values.get("name")]
                if others:
                    message = f"别名“{alias}”与单位“{others[0]}”的名称或别名相同，会造成混淆。"
                    plan.problems.append(Problem(plan.row, table.labels.get("aliases", "别名"), message))

    def apply(self, session, rows: list[RowPlan], *, actor, now: datetime) -> None:
        """Create or update the units."""
        for plan in rows:
            if plan.action == UNCHANGED:
                continue
            unit = plan.target or Unit()
            for key, value in plan.values.items():
                setattr(unit, key, value)
            session.add(unit)
        session.flush()
