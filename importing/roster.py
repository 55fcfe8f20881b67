"""Importing the liaison roster (督查网络): matched by e-mail, else by unit and name; saved through save_liaison."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importing.base import Importer, RowCells, compare, duplicate_check, enum_lookup
from importing.matching import name_key, unit_index
from importing.reader import Column, Table
from importing.report import CREATE, UNCHANGED, UPDATE, Problem, RowPlan
from models.liaison import Employment, Liaison
from models.unit import Unit
from workflows.roster import save_liaison

EMPLOYMENT = enum_lookup(
    Employment, {"专": "full_time", "兼": "part_time", "专职人员": "full_time", "兼职人员": "part_time"}
)
LABELS = {
    "unit": "单位",
    "name": "姓名",
    "post": "职务",
    "employment": "专兼职",
    "office_phone": "办公电话",
    "mobile": "手机",
    "email": "电子邮箱",
    "note": "备注",
    "since": "任职日期",
    "is_primary": "主要联络人",
    "active": "在岗",
}
FIELDS = tuple(LABELS)


class RosterImporter(Importer):
    """联络员名录: one row per liaison; people not in the file are left alone."""

    kind = "roster"
    title = "联络员名录"
    columns = (
        Column(
            "unit",
            "单位",
            ("单位名称", "所在单位", "部门", "所在部门"),
            required=True,
            hint="必填，单位全称、简称或编码",
            width=22,
            options="units",
        ),
        Column("name", "姓名", ("联络员", "联络员姓名"), required=True, hint="必填", width=10),
        Column("post", "职务", ("岗位", "职务/职称"), width=14),
        Column("employment", "专兼职", ("专职/兼职", "专兼职情况"), hint="专职 / 兼职", width=8, options="employment"),
        Column("office_phone", "办公电话", ("电话", "座机", "固定电话"), kind="digits", width=16),
        Column("mobile", "手机", ("手机号", "手机号码", "移动电话"), hint="11 位数字", kind="digits", width=14),
        Column(
            "email",
            "电子邮箱",
            ("邮箱", "email", "e-mail", "电子邮件"),
            hint="接收督查通知的邮箱；用于识别联络员",
            width=28,
        ),
        Column("note", "备注", ("说明",), kind="long", width=20),
        Column("since", "任职日期", ("任职时间", "起始日期"), hint="如 2026-03-05", kind="date", width=12),
        Column(
            "is_primary", "主要联络人", ("是否主要联络人",), hint="是 / 否；每个单位一名", width=10, options="yes_no"
        ),
        Column("active", "在岗", ("是否在岗",), hint="是 / 否；填“否”即停用", width=8, options="yes_no"),
    )
    example = {
        "unit": "示例林场",
        "name": "张三",
        "post": "办公室主任",
        "employment": "兼职",
        "office_phone": "0457-2345678",
        "mobile": "13900001111",
        "email": "zhangsan@example.org",
        "note": "示例行，导入前请删除",
    }

    def option_lists(self, session) -> dict[str, list[str]]:
        """Active units' names, 专职/兼职 and yes/no."""
        units = session.scalars(select(Unit.name).where(Unit.active.is_(True)).order_by(Unit.kind, Unit.code)).all()
        return {"units": list(units), "employment": [e.label for e in Employment], "yes_no": ["是", "否"]}

    def plan(self, session, table: Table, *, now: datetime) -> list[RowPlan]:
        """Match each row to a liaison by e-mail, else by unit and name; validate; compute old → new."""
        units = unit_index(session.scalars(select(Unit)).all())
        liaisons = session.scalars(select(Liaison).options(selectinload(Liaison.unit))).all()
        by_email, by_person = defaultdict(list), defaultdict(list)
        for liaison in liaisons:
            if liaison.email:
                by_email[name_key(liaison.email)].append(liaison)
            by_person[(liaison.unit_id, name_key(liaison.name))].append(liaison)
        seen_emails, seen_people, claimed = {}, {}, {}
        plans = []
        for row in table.rows:
            plan = RowPlan(row.number)
            cells = RowCells(table, row, plan)
            values = self._read(cells, units)
            unit, name, email = values.get("unit"), values.get("name"), values.get("email")
            plan.label = f"{unit.name if unit else ''} {name or ''}".strip()
            duplicate_check(seen_emails, name_key(email or ""), row.number, cells, "email", email or "")
            person = (unit.id, name_key(name)) if unit and name else None
            duplicate_check(seen_people, person, row.number, cells, "name", f"{plan.label}")
            target = self._match(cells, by_email, by_person, email, person)
            if target is not None:
                if target.id in claimed:
                    cells.problem(
                        None, f"与第{claimed[target.id]}行是同一名联络员（{target.unit.name} {target.name}）。"
                    )
                claimed.setdefault(target.id, row.number)
            if unit is not None and not unit.active and (target is None or target.unit_id != unit.id):
                cells.problem("unit", f"单位“{unit.name}”已停用，不能为它新增或调入联络员。")
            if cells.has("email") and not email and values.get("active", True) is not False:
                plan.notes.append("未填写电子邮箱：收不到督查通知。")
            self._finish(plan, target, values)
            plans.append(plan)
        self._predict_primaries(plans, liaisons)
        return plans

    def _read(self, cells: RowCells, units) -> dict:
        values = {"unit": cells.record("unit", units), "name": cells.text("name", max_len=50, required=True)}
        if cells.blank("unit"):
            cells.problem("unit", "请填写单位。")
        readers = {
            "post": lambda k: cells.text(k, max_len=50),
            "employment": lambda k: cells.choice(k, Employment, EMPLOYMENT),
            "office_phone": cells.phone,
            "mobile": cells.mobile,
            "email": cells.email,
            "note": lambda k: cells.text(k, max_len=500, multiline=True),
            "since": cells.date,
            "is_primary": cells.yes_no,
            "active": cells.yes_no,
        }
        for key, reader in readers.items():
            if cells.has(key):
                values[key] = reader(key)
        return values

    @staticmethod
    def _match(cells: RowCells, by_email, by_person, email, person):
        """By e-mail first; by unit and name otherwise; a person found both ways must be the same person."""
        people = by_person.get(person, []) if person else []
        if email and by_email.get(name_key(email)):
            found = by_email[name_key(email)]
            if len(found) > 1:
                found = [f for f in found if f in people] or found
            if len(found) > 1:
                names = "、".join(f"{f.unit.name} {f.name}" for f in found)
                cells.problem(
                    "email", f"电子邮箱“{email}”同时属于{names}，无法确定是哪一位，请先在联络员名录中处理重复。"
                )
                return None
            if people and found[0] not in people:
                other = found[0]
                cells.problem(
                    "email",
                    f"电子邮箱“{email}”属于{other.unit.name}的{other.name}，而本行的单位和姓名对应另一名联络员；请核对。",
                )
                return None
            return found[0]
        if len(people) > 1:
            cells.problem("name", "该单位有多名同名联络员，请填写电子邮箱以区分。")
            return None
        return people[0] if people else None

    def _finish(self, plan: RowPlan, target, values: dict) -> None:
        # blanks in columns that cannot be empty (专兼职, 主要联络人, 在岗) leave the value alone
        for key in ("employment", "is_primary", "active"):
            if key in values and values[key] is None:
                del values[key]
        if target is None:
            values.setdefault("employment", Employment.PART_TIME)
            values.setdefault("active", True)
        if values.get("unit") is None:
            values.pop("unit", None)
        plan.target, plan.values = target, values

    def _predict_primaries(self, plans: list[RowPlan], liaisons) -> None:
        """Play save_liaison's one-primary-per-unit rule over the rows in order, so the preview shows the outcome."""
        primaries = defaultdict(set)  # unit id -> keys of its active primary liaisons
        names = {liaison.id: liaison.name for liaison in liaisons}
        for liaison in liaisons:
            if liaison.active and liaison.is_primary:
                primaries[liaison.unit_id].add(liaison.id)
        self._refuse_two_primaries(plans)
        saved: dict = {}  # key -> is_primary after its save
        for plan in plans:
            if plan.problems or not self._will_save(plan):
                continue
            key, unit_id = self._key(plan), self._unit_id(plan)
            current = bool(plan.target is not None and plan.target.is_primary)
            active = plan.values.get("active", plan.target.active if plan.target is not None else True)
            for members in primaries.values():
                members.discard(key)
            if not active:
                is_primary = False
            elif plan.values.get("is_primary", current) or not primaries[unit_id]:
                if not plan.values.get("is_primary", current):
                    plan.notes.append("本单位暂无其他主要联络人，将设为主要联络人。")
                is_primary = True
                for other in primaries[unit_id] - {key}:
                    plan.notes.append(f"原主要联络人{names.get(other, '')}将改为非主要联络人。")
                primaries[unit_id] = {key}  # saving a primary demotes the unit's other one
            else:
                is_primary = False
            saved[key] = is_primary
            plan.values["is_primary"] = is_primary
        for plan in plans:
            key = self._key(plan)
            if key not in saved and plan.target is not None and plan.target.is_primary and plan.target.active:
                if key not in primaries[plan.target.unit_id]:
                    plan.values["is_primary"] = False  # demoted by another row's new primary
                    plan.notes.append("本单位另有一行设为主要联络人，此人将改为非主要联络人。")
            self._decide(plan)

    @staticmethod
    def _refuse_two_primaries(plans: list[RowPlan]) -> None:
        rows = defaultdict(list)
        for plan in plans:
            if plan.values.get("is_primary"):
                rows[RosterImporter._unit_id(plan)].append(plan.row)
        for plan in plans:
            same_unit = rows.get(RosterImporter._unit_id(plan), [])
            if plan.values.get("is_primary") and len(same_unit) > 1:
                listed = "、".join(map(str, same_unit))
                message = f"同一单位只能有一名主要联络人（第{listed}行都填了“是”）。"
                plan.problems.append(Problem(plan.row, LABELS["is_primary"], message))

    @staticmethod
    def _key(plan: RowPlan):
        return plan.target.id if plan.target is not None else f"row{plan.row}"

    @staticmethod
    def _will_save(plan: RowPlan) -> bool:
        """New, or a field other than 主要联络人 changes, or 主要联络人 is asked to change."""
        if plan.target is None:
            return True
        return bool(compare(plan.target, plan.values, LABELS))

    @staticmethod
    def _unit_id(plan: RowPlan):
        unit = plan.values.get("unit")
        return unit.id if unit is not None else (plan.target.unit_id if plan.target is not None else None)

    @staticmethod
    def _decide(plan: RowPlan) -> None:
        plan.changes = compare(plan.target, plan.values, LABELS, FIELDS)
        plan.action = CREATE if plan.target is None else (UPDATE if plan.changes else UNCHANGED)

    def apply(self, session, rows: list[RowPlan], *, actor, now: datetime) -> None:
        """Create or update each liaison through save_liaison (which keeps one primary per unit)."""
        for plan in rows:
            liaison = plan.target or Liaison()
            for key, value in plan.values.items():
                setattr(liaison, key, value)
            if "unit" in plan.values:
                liaison.unit_id = plan.values[
                    "unit"
                ].id  # save_liaison reads unit_id, which a move must not leave stale
            try:
                save_liaison(session, liaison, now=now)
            except ValueError as error:
                raise ValueError(f"第{plan.row}行：{error}") from error
