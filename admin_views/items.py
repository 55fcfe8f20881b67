"""The items screen (督查事项): list, search, filters, details with assignments and trail, create/edit, export."""

from flask import abort, flash, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, BooleanEqualFilter, DateBetweenFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import joinedload, load_only, selectinload
from wtforms import SelectField, validators

from admin_views.audit import AuditView
from admin_views.base import QueryOptions, SecureModelView, bounded_id, enum_filters, request_cache, row_url
from admin_views.checks import ITEM_DATES_PAGE, check_cell
from admin_views.exporting import joined_texts
from admin_views.fields import DeadlineField
from admin_views.figure_filter import FigureFilter
from admin_views.in_charge import InChargeListMixin
from admin_views.lookups import DetachedAjaxMultipleField, leader_loader, unit_loader
from admin_views.permissions import READ, allowed, may
from admin_views.sources import source_record
from admin_views.workflow_pages import AnswerForm, ReasonForm, StepPage, WorkflowPagesMixin
from clock import china_date, utcnow
from extensions import db
from models.assignment import Assignment, AssignmentStatus
from models.audit import AuditEvent
from models.check import CHECK_STAGES, CheckState
from models.extension import ExtensionRequest, ExtensionStatus
from models.instruction import Instruction
from models.item import SOURCES_UNDER_CHECKS, Item, ItemSource, ItemStatus, Rhythm, under_checks_by_default
from models.leader import BureauLeader, leader_label
from models.unit import Unit
from models.user import Role
from workflows.checks import set_scope
from workflows.in_charge import items_in_charge_of
from workflows.inspections import inspections_of_item
from workflows.items import save_item
from workflows.lifecycle import TransitionError, assign_item, cancel_item, record_answer, resume_item, suspend_item
from workflows.numbering import normalise_number, parse_number
from workflows.visibility import of_unit, trail_of_unit


class OverdueFilter(BaseSQLAFilter):
    """逾期: open items whose deadline (China time) has passed."""

    def apply(self, query, value, alias=None):
        overdue = Item.overdue_condition(china_date(utcnow()))
        return query.filter(overdue if value == "1" else ~overdue)

    def operation(self):
        return "为"


def _directory() -> tuple[list, list, dict, dict]:
    """(unit options, leader options, unit names by id, leader labels by id): the list filters' options and the
    names its 牵头单位 and 分工领导 columns show, read in one statement and kept for the request."""

    def read():
        units = select(literal("unit"), Unit.id, Unit.name, Unit.code, literal(0))
        leaders = select(
            literal("leader"), BureauLeader.id, BureauLeader.name, BureauLeader.title, BureauLeader.sort_order
        )
        rows = db.session.execute(union_all(units, leaders)).all()
        by_code = sorted((r for r in rows if r[0] == "unit"), key=lambda r: r[3])
        by_order = sorted((r for r in rows if r[0] == "leader"), key=lambda r: r[4])
        return (
            [(str(r[1]), r[2]) for r in by_code],
            [(str(r[1]), r[2]) for r in by_order],
            {r[1]: r[2] for r in by_code},
            {r[1]: leader_label(r[2], r[3]) for r in by_order},
        )

    return request_cache("directory", read)


def unit_options():
    """(id, name) of every unit, for list filters."""
    return _directory()[0]


def leader_options():
    """(id, name) of every bureau leader, for list filters."""
    return _directory()[1]


def _lead_unit_name(view, context, model, name):
    return _directory()[2].get(model.lead_unit_id)  # the unit's name (str(unit)), as the relation would show it


def _responsible_leader_label(view, context, model, name):
    return _directory()[3].get(model.responsible_leader_id)  # str(leader), as the relation would show it


def validate_number_format(form, field):
    """The typed number must look like 督〔2026〕12号 (or be left blank)."""
    if field.data and not parse_number(field.data):
        raise validators.ValidationError("编号格式不正确，应形如 督〔2026〕12号；留空则自动生成。")


def _title_link(view, context, model, name):
    url = row_url("item.details_view", model.id)
    return Markup(f'<a href="{escape(url)}">{escape(model.title)}</a>')  # nosec B704 (both escaped)


def _today():
    """Today in China, read once per request (a list asks on every row)."""
    return request_cache("china_today", lambda: china_date(utcnow()))


def _deadline_badge(view, context, model, name):
    if model.is_overdue(_today()):
        deadline = escape(model.deadline)
        return Markup(f'<span class="text-danger font-weight-bold" title="已逾期">{deadline} 逾期</span>')  # nosec B704
    return str(model.deadline)


STATUS_BADGES = {
    ItemStatus.CLOSED: "badge-success",
    ItemStatus.CANCELLED: "badge-secondary",
    ItemStatus.SUSPENDED: "badge-warning",
    ItemStatus.REGISTERED: "badge-light",
}


def _status_badge(view, context, model, name):
    css = STATUS_BADGES.get(model.status, "badge-primary")
    return Markup(f'<span class="badge {css}">{escape(model.status.label)}</span>')  # nosec B704 (label escaped)


class ScopeField(SelectField):
    """纳入三次督查 on the item form: 按来源默认 / 纳入 / 不纳入 (the item is changed by ItemView, not by the form)."""

    def populate_obj(self, obj, name):
        pass


BY_SOURCE, UNDER, NOT_UNDER = "default", "yes", "no"
SCOPE_CHOICES = [(UNDER, "纳入"), (NOT_UNDER, "不纳入")]
SCOPE_HELP = (
    "按来源默认："
    + "、".join(s.label for s in SOURCES_UNDER_CHECKS)
    + "纳入三次督查；职工代表建议和提案、党政领导大接访、便民公开电话不纳入（办理、答复、回访）。"
    "不纳入的事项照常催办，不产生整改通知书、黄牌警告或提请追责。修改后，已交办的承办任务随即制定或取消督查计划。"
)

CO_UNITS = unit_loader("co_units")
TRAIL_SHOWN = 5  # the latest steps on the item page; the rest behind a link
TRAIL_ALL = 500  # the item page's whole trail, for roles without the audit screen


class ItemView(InChargeListMixin, WorkflowPagesMixin, SecureModelView):
    """督查事项."""

    def only_in_charge(self, query, user_id):
        return query.filter(items_in_charge_of(user_id))

    endpoint_name = "item"
    count_cap = 2000
    details_template = "admin/item_details.html"
    column_list = ["number", "title", "source", "lead_unit", "responsible_leader", "deadline", "rhythm", "status"]
    column_details_list = [
        "number",
        "title",
        "source",
        "rhythm",
        "three_checks",
        "status",
        "content",
        "ordering_leader",
        "instruction",
        "responsible_leader",
        "lead_unit",
        "responsible_person",
        "deadline",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    column_export_list = [
        "number",
        "title",
        "source",
        "rhythm",
        "status",
        "content",
        "ordering_leader",
        "instruction",
        "responsible_leader",
        "lead_unit",
        "co_units",
        "responsible_person",
        "deadline",
        "created_at",
    ]
    column_labels = {"co_units": "协办单位"}
    column_default_sort = ("id", True)
    column_sortable_list = ["number", "source", "deadline", "status"]
    column_searchable_list = ["number", "title", "content"]
    column_formatters = {
        "title": _title_link,
        "lead_unit": _lead_unit_name,
        "responsible_leader": _responsible_leader_label,
        "deadline": _deadline_badge,
        "status": _status_badge,
    }
    column_formatters_detail = {"deadline": _deadline_badge, "status": _status_badge}
    column_formatters_export = {"co_units": lambda v, c, m, n: "、".join(u.name for u in m.co_units)}

    def export_sql_columns(self) -> dict:
        """协办单位 in the export's one query: the co-units' names in the shares' order."""
        return {
            "co_units": joined_texts(
                Unit.name,
                Assignment.id,
                where=(Assignment.item_id == Item.id, Assignment.role == "co", Unit.id == Assignment.unit_id),
                outer=Item,
            )
        }

    export_row_columns = (  # only the columns the export reads, as rows (no object per item)
        Item.number,
        Item.title,
        Item.source,
        Item.rhythm,
        Item.status,
        Item.content,
        Item.ordering_leader_id,
        Item.instruction,
        Item.responsible_leader_id,
        Item.lead_unit_id,
        Item.responsible_person,
        Item.deadline,
        Item.created_at,
    )
    list_loader_options = (
        # only what the list's columns and row links read (tests/admin/test_list_queries.py counts no more is loaded)
        load_only(
            Item.number,
            Item.title,
            Item.source,
            Item.lead_unit_id,
            Item.responsible_leader_id,
            Item.deadline,
            Item.rhythm,
            Item.status,
        ),
    )
    column_auto_select_related = False  # the units' and leaders' names come from the filters' read (_directory)
    export_lookups = ("ordering_leader", "responsible_leader", "lead_unit")  # the bureau's leaders and units
    column_filters = [
        *enum_filters(Item.source, ItemSource),
        *enum_filters(Item.status, ItemStatus),
        FilterEqual(Item.lead_unit_id, "牵头单位", options=QueryOptions(unit_options)),
        FilterEqual(Item.responsible_leader_id, "分工领导", options=QueryOptions(leader_options)),
        DateBetweenFilter(Item.deadline, "完成时限"),
        OverdueFilter(Item.deadline, "是否逾期", options=[("1", "是"), ("0", "否")]),
        *enum_filters(Item.rhythm, Rhythm),
        BooleanEqualFilter(Item.three_checks, "纳入三次督查", options=[("1", "是"), ("0", "否")]),
        FigureFilter(Item),
    ]
    form_overrides = {"deadline": DeadlineField}
    form_columns = [
        "number",
        "title",
        "source",
        "rhythm",
        "content",
        "ordering_leader",
        "instruction",
        "responsible_leader",
        "lead_unit",
        "co_units",
        "responsible_person",
        "deadline",
        "under_checks",
        "check_interval_days",
    ]
    form_ajax_refs = {
        "lead_unit": unit_loader("lead_unit"),
        "ordering_leader": leader_loader("ordering_leader"),
        "responsible_leader": leader_loader("responsible_leader"),
        "co_units": CO_UNITS,
    }
    form_extra_fields = {
        "co_units": DetachedAjaxMultipleField(CO_UNITS, label="协办单位"),
        "under_checks": ScopeField(
            "纳入三次督查",
            choices=[(BY_SOURCE, "按来源默认"), *SCOPE_CHOICES],
            default=BY_SOURCE,
            description=SCOPE_HELP,
        ),
    }
    form_args = {
        "number": {
            "label": "编号（留空自动生成）",
            "filters": [lambda v: normalise_number(v) or None],
            "validators": [validators.Optional(), validate_number_format],
        },
        "title": {
            "validators": [
                validators.InputRequired("请填写事项名称。"),
                validators.Length(max=200, message="事项名称不能超过 200 个字。"),
            ]
        },
        "deadline": {
            "label": "完成时限",
            "description": "填写日期（如 2026-12-15），或工作日数（如“5个工作日”，自今天起算，节假日顺延）。",
            "validators": [
                validators.InputRequired("请填写完成时限：日期（如 2026-12-15）或工作日数（如 5个工作日）。")
            ],
        },
        "check_interval_days": {
            "description": "逾期后每隔几个工作日催办一次，留空按系统默认。",
            "validators": [validators.Optional(), validators.NumberRange(1, 60, "催办间隔应为 1 到 60 个工作日。")],
        },
        "lead_unit": {"validators": [validators.InputRequired("请选择牵头单位。")]},
        "source": {"validators": [validators.InputRequired("请选择来源。")]},
        "responsible_person": {
            "validators": [validators.Optional(), validators.Length(max=50, message="责任人不能超过 50 个字。")]
        },
    }
    form_widget_args = {
        "content": {"rows": 6},
        "instruction": {"rows": 3},
        "deadline": {"placeholder": "2026-12-15 或 5个工作日"},
        # static/duban.js names the default of the chosen source beside 按来源默认
        "under_checks": {"data-sources-under-checks": ",".join(s.value for s in SOURCES_UNDER_CHECKS)},
    }

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The number column is NOT NULL, but the form may leave it blank: save_item then generates it.
        number = form_class.number.kwargs
        number["validators"] = [v for v in number["validators"] if not isinstance(v, validators.InputRequired)]
        return form_class

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Item, unit_id))

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.under_checks.choices = [(BY_SOURCE, "按来源默认"), *SCOPE_CHOICES]
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.under_checks.choices = SCOPE_CHOICES
        if obj is not None and not form.under_checks.raw_data:
            form.under_checks.data = UNDER if obj.three_checks else NOT_UNDER
        return form

    def on_model_change(self, form, model, is_created):
        now, scope = utcnow(), form.under_checks.data
        if is_created:
            model.three_checks = under_checks_by_default(model.source) if scope in (BY_SOURCE, None) else scope == UNDER
        save_item(db.session, model, form.co_units.data or [], actor=current_user, now=now)
        if not is_created and scope in (UNDER, NOT_UNDER):
            # audited; shares already assigned get their plan, or their checks still to come are set aside
            set_scope(db.session, model, scope == UNDER, actor=current_user, now=now)

    def _readable(self, statement, model):
        """Limit a select of `model` rows to those the signed-in user may read (a liaison: their unit's)."""
        if current_user.role == Role.LIAISON:
            return statement.where(of_unit(model, current_user.unit_id))
        return statement

    def _assignments(self, item):
        """The item's shares the user may read, lead unit first, each with its feedback."""
        query = (
            select(Assignment)
            .where(Assignment.item_id == item.id)
            .options(joinedload(Assignment.unit), selectinload(Assignment.feedbacks), selectinload(Assignment.checks))
            .order_by(Assignment.role.desc(), Assignment.id)
        )
        return db.session.scalars(self._readable(query, Assignment)).all()

    def item_extras(self, item):
        """Assignments with their feedback, instructions and the latest steps of the trail, for the details page."""
        instructions = db.session.scalars(
            self._readable(
                select(Instruction)
                .where(Instruction.item_id == item.id)
                .options(joinedload(Instruction.leader))
                .order_by(Instruction.id),
                Instruction,
            )
        ).all()
        trail = select(AuditEvent).where(AuditEvent.item_id == item.id)
        if current_user.role == Role.LIAISON:
            trail = trail.where(trail_of_unit(current_user.unit_id))
        whole = request.args.get("trail") == "all"
        steps = db.session.scalars(
            trail.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(TRAIL_ALL if whole else TRAIL_SHOWN)
        ).all()
        total = db.session.scalar(select(func.count()).select_from(trail.subquery()))
        return {
            "assignments": self._assignments(item),
            "instructions": instructions,
            "show_instructions": allowed("instruction", current_user.role, READ),
            "inspections": inspections_of_item(db.session, item.id)
            if allowed("leader_inspection", current_user.role, READ)
            else None,
            "trail": steps,
            "trail_total": total,
            "trail_url": self.trail_url(item) if total > len(steps) else None,
            "today": china_date(utcnow()),
            "check_cell": check_cell,
            "check_stages": CHECK_STAGES,
            "source_record": source_record(item),
        }

    def trail_url(self, item) -> str:
        """The item's whole trail: the audit screen filtered to it, or (for roles without that screen) this page."""
        audit = next((v for v in self.admin._views if isinstance(v, AuditView)), None)
        if audit is not None and allowed("audit", current_user.role, READ):
            return audit.item_trail_url(item.id)
        return self.get_url(".details_view", id=item.id, trail="all", _anchor="trail")

    @expose("/print/")
    def print_view(self):
        """督查事项单: the item on A4 (number, title, source, requirements, leaders, units, status, latest reports)."""
        item = self.get_one(request.args.get("id", ""))
        if item is None:
            return self.render("admin/item_missing.html"), 404
        shares = [
            (a, max(a.feedbacks, key=lambda f: (f.submitted_at, f.id), default=None)) for a in self._assignments(item)
        ]
        return self.render("items/print.html", item=item, shares=shares, printed_on=utcnow())

    def can_instruct(self) -> bool:
        """Leaders, supervisors and admins may add an instruction (批示)."""
        return may(current_user, "instruction.create")

    def is_action_allowed(self, name: str) -> bool:
        if name == "assign":
            return may(current_user, "item.assign")
        return super().is_action_allowed(name)

    def pending_steps(self, item) -> list[tuple[str, str]]:
        """The office's waiting steps in this item's shares: (label, url) of each 审核 and 审批 the user may take."""
        steps = []
        for assignment in self.item_extras_assignments(item):
            for feedback in assignment.feedbacks:
                if may(current_user, "feedback.review", feedback):
                    steps.append((f"审核{assignment.unit.name}的反馈", url_for("feedback.review_view", id=feedback.id)))
            for check in assignment.checks:
                if check.state == CheckState.DUE and may(current_user, "check.decide", check):
                    steps.append(
                        (f"裁定{assignment.unit.name}的{check.name}", url_for("check.decide_view", id=check.id))
                    )
        if may(current_user, "extension.workflow"):
            pending = db.session.scalars(
                select(ExtensionRequest)
                .join(Assignment, ExtensionRequest.assignment_id == Assignment.id)
                .where(Assignment.item_id == item.id, ExtensionRequest.status == ExtensionStatus.PENDING)
                .order_by(ExtensionRequest.id)
            ).all()
            for request_ in pending:
                label = f"审批{request_.assignment.unit.name}的延期申请"
                steps.append((label, url_for("extension.decide_view", id=request_.id)))
        return steps

    def item_extras_assignments(self, item):
        """The item's shares the user may see (a liaison: their own unit's)."""
        if current_user.role == Role.LIAISON:
            return [a for a in item.assignments if a.unit_id == current_user.unit_id]
        return list(item.assignments)

    def instruction_url(self, item) -> str:
        """Where a leader adds a 批示 to this item."""
        return url_for("instruction.create_view", item_id=item.id, url=self.get_url(".details_view", id=item.id))

    # (step, label, page, style): the item's workflow buttons, each shown when may() lets the user take it now.
    ITEM_BUTTONS = (
        ("item.assign", "交办（发送督查通知单）", ".assign_view", "btn-primary"),
        ("item.answer", "登记答复", ".answer_view", "btn-outline-primary"),
        ("item.check_dates", "调整督查日期", ".check_dates_view", "btn-outline-primary"),
        ("item.suspend", "暂停", ".suspend_view", "btn-outline-warning"),
        ("item.resume", "恢复办理", ".resume_view", "btn-outline-success"),
        ("item.cancel", "撤销", ".cancel_view", "btn-outline-danger"),
    )

    def item_steps(self, item) -> list[tuple[str, str, str]]:
        """The workflow buttons the item's state and the user's role allow: (label, url, style)."""
        return [
            (label, self.get_url(page, id=item.id), style)
            for step, label, page, style in self.ITEM_BUTTONS
            if may(current_user, step, item)
        ]

    step_pages = (
        ITEM_DATES_PAGE,
        StepPage(
            "assign",
            "item.assign",
            run=lambda s, item, form, **who: assign_item(s, item, **who),
            done="已交办：督查通知单已进入发件箱，将在工作时间内发送给各承办单位。",
            title="交办督查事项",
            submit="确认交办",
            intro=lambda item: "将向以下单位发送督查通知单："
            + ("、".join(a.unit.name for a in item.assignments if a.status == AssignmentStatus.PENDING) or "（无）"),
            doc="交办: send every not-yet-assigned unit its 督查通知单 (with its personal link).",
        ),
        StepPage(
            "suspend",
            "item.suspend",
            run=lambda s, item, form, **who: suspend_item(s, item, form.reason.data, **who),
            done="已暂停：暂停期间不再催办和督查。",
            title="暂停办理",
            form=ReasonForm,
            doc="暂停 with a reason.",
        ),
        StepPage(
            "cancel",
            "item.cancel",
            run=lambda s, item, form, **who: cancel_item(s, item, form.reason.data, **who),
            done="已撤销。",
            title="撤销事项",
            form=ReasonForm,
            danger=True,
            doc="撤销 with a reason.",
        ),
        StepPage(
            "resume",
            "item.resume",
            run=lambda s, item, form, **who: resume_item(s, item, **who),
            done="已恢复办理。",
            title="恢复办理",
            intro=lambda item: f"暂停原因：{item.status_reason or '—'}",
            doc="恢复办理 a suspended item.",
        ),
        StepPage(
            "answer",
            "item.answer",
            run=lambda s, item, form, **who: record_answer(
                s, item, form.answer.data, form.satisfaction.data or None, **who
            ),
            done="答复已登记。",
            title="登记答复",
            form=AnswerForm,
            submit="保存答复",
            prefill=lambda item: {"answer": item.answer, "satisfaction": item.satisfaction},
            doc="登记答复 to the proposer or caller (the item may then close).",
        ),
    )

    @action("assign", "交办", "确定向所选事项的承办单位发送督查通知单吗？")
    def action_assign(self, ids):
        """交办 several items at once from the list."""
        if not may(current_user, "item.assign"):
            abort(403)
        now, done, refused = utcnow(), 0, []
        wanted = [key for key in map(bounded_id, ids) if key is not None]
        for item in self.get_query().filter(Item.id.in_(wanted)).all():
            try:
                with db.session.begin_nested():
                    assign_item(db.session, item, actor=self.actor(), now=now)
                done += 1
            except TransitionError as problem:
                refused.append(f"{item.number}：{problem}")
        db.session.commit()
        flash(f"已交办 {done} 项。", "success")
        for message in refused:
            flash(message, "error")
