"""The items screen (督查事项): list, search, filters, details with assignments and trail, create/edit, export."""

from flask import abort, flash, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, DateBetweenFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import validators

from admin_views.base import QueryOptions, SecureModelView, bounded_id, enum_filters
from admin_views.fields import DeadlineField
from admin_views.lookups import DetachedAjaxMultipleField, leader_loader, unit_loader
from admin_views.workflow_pages import WORKFLOW, AnswerForm, ConfirmForm, ReasonForm, WorkflowPagesMixin
from clock import china_date, utcnow
from extensions import db
from models.assignment import Assignment, AssignmentStatus
from models.audit import AuditEvent
from models.instruction import Instruction
from models.item import OPEN_ITEM_STATUSES, Item, ItemSource, ItemStatus, Rhythm
from models.leader import BureauLeader
from models.unit import Unit
from models.user import Role
from workflows.items import save_item
from workflows.lifecycle import TransitionError, assign_item, cancel_item, record_answer, resume_item, suspend_item
from workflows.numbering import normalise_number, parse_number


class OverdueFilter(BaseSQLAFilter):
    """逾期: open items whose deadline (China time) has passed."""

    def apply(self, query, value, alias=None):
        overdue = Item.status.in_(OPEN_ITEM_STATUSES) & (Item.deadline < china_date(utcnow()))
        return query.filter(overdue if value == "1" else ~overdue)

    def operation(self):
        return "为"


def unit_options():
    """(id, name) of every unit, for list filters."""
    return [(str(i), n) for i, n in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.code))]


def leader_options():
    """(id, name) of every bureau leader, for list filters."""
    return [
        (str(i), n)
        for i, n in db.session.execute(select(BureauLeader.id, BureauLeader.name).order_by(BureauLeader.sort_order))
    ]


def validate_number_format(form, field):
    """The typed number must look like 督〔2026〕12号 (or be left blank)."""
    if field.data and not parse_number(field.data):
        raise validators.ValidationError("编号格式不正确，应形如 督〔2026〕12号；留空则自动生成。")


def _title_link(view, context, model, name):
    url = view.get_url(".details_view", id=model.id)
    return Markup(f'<a href="{url}">{escape(model.title)}</a>')


def _deadline_badge(view, context, model, name):
    if model.status in OPEN_ITEM_STATUSES and model.deadline < china_date(utcnow()):
        return Markup(f'<span class="text-danger font-weight-bold" title="已逾期">{model.deadline} 逾期</span>')
    return str(model.deadline)


def _status_badge(view, context, model, name):
    css = {
        ItemStatus.CLOSED: "badge-success",
        ItemStatus.CANCELLED: "badge-secondary",
        ItemStatus.SUSPENDED: "badge-warning",
        ItemStatus.REGISTERED: "badge-light",
    }.get(model.status, "badge-primary")
    return Markup(f'<span class="badge {css}">{model.status.label}</span>')


CO_UNITS = unit_loader("co_units")


class ItemView(WorkflowPagesMixin, SecureModelView):
    """督查事项."""

    endpoint_name = "item"
    count_cap = 2000
    details_template = "admin/item_details.html"
    column_list = ["number", "title", "source", "lead_unit", "responsible_leader", "deadline", "rhythm", "status"]
    column_details_list = [
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
    column_formatters = {"title": _title_link, "deadline": _deadline_badge, "status": _status_badge}
    column_formatters_detail = {"deadline": _deadline_badge, "status": _status_badge}
    column_formatters_export = {"co_units": lambda v, c, m, n: "、".join(u.name for u in m.co_units)}
    column_filters = [
        *enum_filters(Item.source, ItemSource),
        *enum_filters(Item.status, ItemStatus),
        FilterEqual(Item.lead_unit_id, "牵头单位", options=QueryOptions(unit_options)),
        FilterEqual(Item.responsible_leader_id, "分工领导", options=QueryOptions(leader_options)),
        DateBetweenFilter(Item.deadline, "完成时限"),
        OverdueFilter(Item.deadline, "是否逾期", options=[("1", "是"), ("0", "否")]),
        *enum_filters(Item.rhythm, Rhythm),
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
        "check_interval_days",
    ]
    form_ajax_refs = {
        "lead_unit": unit_loader("lead_unit"),
        "ordering_leader": leader_loader("ordering_leader"),
        "responsible_leader": leader_loader("responsible_leader"),
        "co_units": CO_UNITS,
    }
    form_extra_fields = {"co_units": DetachedAjaxMultipleField(CO_UNITS, label="协办单位")}
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
            "description": "逐级督查的间隔，留空按系统默认（5 个工作日）。",
            "validators": [validators.Optional(), validators.NumberRange(1, 60, "督查间隔应为 1 到 60 个工作日。")],
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
    }
    column_select_related_list = [Item.lead_unit, Item.responsible_leader]

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # The number column is NOT NULL, but the form may leave it blank: save_item then generates it.
        number = form_class.number.kwargs
        number["validators"] = [v for v in number["validators"] if not isinstance(v, validators.InputRequired)]
        return form_class

    def scope_to_unit(self, query, unit_id):
        return query.filter(exists().where(Assignment.item_id == Item.id, Assignment.unit_id == unit_id))

    def on_model_change(self, form, model, is_created):
        save_item(db.session, model, form.co_units.data or [], actor=current_user, now=utcnow())

    def item_extras(self, item):
        """Assignments with their feedback, instructions and the audit trail, for the details page."""
        query = (
            select(Assignment)
            .where(Assignment.item_id == item.id)
            .options(joinedload(Assignment.unit), selectinload(Assignment.feedbacks))
            .order_by(Assignment.role.desc(), Assignment.id)
        )
        if current_user.role == Role.LIAISON:
            query = query.where(Assignment.unit_id == current_user.unit_id)
        assignments = db.session.scalars(query).all()
        instructions = db.session.scalars(
            select(Instruction)
            .where(Instruction.item_id == item.id)
            .options(joinedload(Instruction.leader))
            .order_by(Instruction.id)
        ).all()
        trail = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.item_id == item.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(200)
        ).all()
        return {"assignments": assignments, "instructions": instructions, "trail": trail, "today": china_date(utcnow())}

    def can_instruct(self) -> bool:
        """Leaders, supervisors and admins may add an instruction (批示)."""
        return current_user.is_authenticated and current_user.role in (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)

    def instruction_url(self, item) -> str:
        """Where a leader adds a 批示 to this item."""
        return url_for("instruction.create_view", item_id=item.id, url=self.get_url(".details_view", id=item.id))

    def item_steps(self, item) -> list[tuple[str, str, str]]:
        """The workflow buttons the item's state and the user's role allow: (label, url, style)."""
        if not self._may(WORKFLOW):
            return []
        steps, url = [], lambda endpoint: self.get_url(endpoint, id=item.id)
        if any(a.status == AssignmentStatus.PENDING for a in item.assignments) and item.status not in (
            ItemStatus.SUSPENDED,
            ItemStatus.CANCELLED,
            ItemStatus.CLOSED,
        ):
            steps.append(("交办（发送督查通知单）", url(".assign_view"), "btn-primary"))
        if item.needs_answer and item.status not in (ItemStatus.REGISTERED, ItemStatus.CANCELLED):
            steps.append(("登记答复", url(".answer_view"), "btn-outline-primary"))
        if item.status in OPEN_ITEM_STATUSES:
            steps.append(("暂停", url(".suspend_view"), "btn-outline-warning"))
        if item.status == ItemStatus.SUSPENDED:
            steps.append(("恢复办理", url(".resume_view"), "btn-outline-success"))
        if item.status not in (ItemStatus.CLOSED, ItemStatus.CANCELLED):
            steps.append(("撤销", url(".cancel_view"), "btn-outline-danger"))
        return steps

    @expose("/assign/", methods=("GET", "POST"))
    def assign_view(self):
        """交办: send every not-yet-assigned unit its 督查通知单 (with its personal link)."""
        self.require_workflow()
        item = self.record_or_404()
        form = ConfirmForm()
        if form.validate_on_submit():
            result = self.run_step(
                lambda: assign_item(db.session, item, actor=self.actor(), now=utcnow()),
                "已交办：督查通知单已进入发件箱，将在工作时间内发送给各承办单位。",
                self.get_url(".details_view", id=item.id),
            )
            if result:
                return result
        pending = "、".join(a.unit.name for a in item.assignments if a.status == AssignmentStatus.PENDING) or "（无）"
        return self.step_page(
            title="交办督查事项",
            form=form,
            record=item,
            intro=f"将向以下单位发送督查通知单：{pending}",
            submit="确认交办",
        )

    @expose("/suspend/", methods=("GET", "POST"))
    def suspend_view(self):
        """暂停 with a reason."""
        return self._reason_step(suspend_item, "暂停办理", "已暂停：暂停期间不再催办和督查。")

    @expose("/cancel/", methods=("GET", "POST"))
    def cancel_view(self):
        """撤销 with a reason."""
        return self._reason_step(cancel_item, "撤销事项", "已撤销。", danger=True)

    @expose("/resume/", methods=("GET", "POST"))
    def resume_view(self):
        """恢复办理 a suspended item."""
        self.require_workflow()
        item = self.record_or_404()
        form = ConfirmForm()
        if form.validate_on_submit():
            result = self.run_step(
                lambda: resume_item(db.session, item, actor=self.actor(), now=utcnow()),
                "已恢复办理。",
                self.get_url(".details_view", id=item.id),
            )
            if result:
                return result
        return self.step_page(
            title="恢复办理", form=form, record=item, intro=f"暂停原因：{item.status_reason or '—'}", submit="恢复办理"
        )

    @expose("/answer/", methods=("GET", "POST"))
    def answer_view(self):
        """登记答复 to the proposer or caller (the item may then close)."""
        self.require_workflow()
        item = self.record_or_404()
        form = AnswerForm(
            data={"answer": item.answer, "satisfaction": item.satisfaction} if request.method == "GET" else None
        )
        if form.validate_on_submit():
            result = self.run_step(
                lambda: record_answer(
                    db.session, item, form.answer.data, form.satisfaction.data or None, actor=self.actor(), now=utcnow()
                ),
                "答复已登记。",
                self.get_url(".details_view", id=item.id),
            )
            if result:
                return result
        return self.step_page(title="登记答复", form=form, record=item, submit="保存答复")

    def _reason_step(self, step, title: str, success: str, danger: bool = False):
        self.require_workflow()
        item = self.record_or_404()
        form = ReasonForm()
        if form.validate_on_submit():
            result = self.run_step(
                lambda: step(db.session, item, form.reason.data, actor=self.actor(), now=utcnow()),
                success,
                self.get_url(".details_view", id=item.id),
            )
            if result:
                return result
        return self.step_page(title=title, form=form, record=item, submit=title, danger=danger)

    @action("assign", "交办", "确定向所选事项的承办单位发送督查通知单吗？")
    def action_assign(self, ids):
        """交办 several items at once from the list."""
        if not self._may(WORKFLOW):
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
