"""The work screens: assignments (承办任务), feedback (落实情况反馈表) and leaders' instructions (批示)."""

from flask import request
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload
from wtforms import validators

from admin_views.base import ChinaDateBetweenFilter, QueryOptions, SecureModelView, enum_filters
from admin_views.items import unit_options
from admin_views.lookups import assignment_loader, item_loader, leader_loader
from clock import china_date, utcnow
from extensions import db
from models.assignment import ESCALATION_LABELS, Assignment, AssignmentRole, AssignmentStatus
from models.audit import ENTITY_LABELS, AuditEvent
from models.feedback import Feedback, ReviewStatus
from models.instruction import Instruction
from models.item import Item
from models.user import Role


def _item_link(view, context, model, name):
    item = model.item
    url = view.get_url("item.details_view", id=item.id)
    return Markup(f'<a href="{url}">{escape(item.number)}</a> {escape(item.title)}')


def _escalation(view, context, model, name):
    level = model.escalation_level or 0
    css = ["badge-light", "badge-warning", "badge-danger", "badge-dark"][level]
    return Markup(f'<span class="badge {css}">{ESCALATION_LABELS[level]}</span>')


def _assignment_deadline(view, context, model, name):
    if model.is_overdue(china_date(utcnow())):
        return Markup(f'<span class="text-danger font-weight-bold">{model.deadline} 逾期</span>')
    return str(model.deadline)


class AssignmentView(SecureModelView):
    """承办任务."""

    endpoint_name = "assignment"
    column_list = ["item", "unit", "role", "deadline", "status", "escalation_level"]
    column_export_list = ["item", "unit", "role", "deadline", "status", "escalation_level"]
    column_default_sort = ("id", True)
    column_sortable_list = ["deadline", "status", "escalation_level"]
    column_searchable_list = [Item.number, Item.title]
    column_labels = {"item.number": "事项编号", "item.title": "事项名称"}
    column_formatters = {"item": _item_link, "escalation_level": _escalation, "deadline": _assignment_deadline}
    column_formatters_export = {"escalation_level": lambda v, c, m, n: ESCALATION_LABELS[m.escalation_level or 0]}
    column_filters = [
        FilterEqual(Assignment.unit_id, "承办单位", options=QueryOptions(unit_options)),
        *enum_filters(Assignment.status, AssignmentStatus),
        *enum_filters(Assignment.role, AssignmentRole),
        FilterEqual(
            Assignment.escalation_level, "督查等级", options=[(str(k), v) for k, v in ESCALATION_LABELS.items()]
        ),
        DateBetweenFilter(Assignment.deadline, "完成时限"),
    ]
    form_columns = ["deadline"]
    form_args = {"deadline": {"validators": [validators.InputRequired("请填写完成时限。")]}}
    column_select_related_list = [Assignment.item, Assignment.unit]

    def scope_to_unit(self, query, unit_id):
        return query.filter(Assignment.unit_id == unit_id)


def _feedback_assignment(view, context, model, name):
    assignment = model.assignment
    url = view.get_url("item.details_view", id=assignment.item.id)
    return Markup(f'<a href="{url}">{escape(assignment.item.number)}</a> · {escape(assignment.unit.name)}')


def _review_badge(view, context, model, name):
    css = {
        ReviewStatus.ACCEPTED: "badge-success",
        ReviewStatus.RETURNED: "badge-warning",
        ReviewStatus.UNSATISFACTORY: "badge-danger",
    }.get(model.review_status, "badge-info")
    return Markup(f'<span class="badge {css}">{model.review_status.label}</span>')


CONTENT_FIELDS = (
    "assignment",
    "progress",
    "measures",
    "problems",
    "next_steps",
    "percent_complete",
    "contact_name",
    "contact_phone",
)
REVIEW_FIELDS = ("review_status", "review_comment")


class FeedbackView(SecureModelView):
    """落实情况反馈表."""

    endpoint_name = "feedback"
    column_auto_select_related = False
    column_list = ["assignment", "percent_complete", "progress", "submitted_by_name", "submitted_at", "review_status"]
    column_details_list = [
        "assignment",
        "progress",
        "measures",
        "problems",
        "next_steps",
        "percent_complete",
        "contact_name",
        "contact_phone",
        "submitted_by_name",
        "submitted_at",
        "review_status",
        "reviewer",
        "review_comment",
        "reviewed_at",
    ]
    column_export_list = column_details_list
    column_default_sort = ("id", True)
    column_sortable_list = ["submitted_at", "review_status", "percent_complete"]
    column_searchable_list = ["progress", "measures", "submitted_by_name"]
    column_formatters = {
        "assignment": _feedback_assignment,
        "review_status": _review_badge,
        "progress": lambda v, c, m, n: (m.progress[:40] + "…") if len(m.progress) > 40 else m.progress,
    }
    column_formatters_export = {
        "assignment": lambda v,
        c,
        m,
        n: f"{m.assignment.item.number} {m.assignment.item.title} · {m.assignment.unit.name}"
    }
    column_filters = [
        *enum_filters(Feedback.review_status, ReviewStatus),
        FilterEqual(Assignment.unit_id, "承办单位", options=QueryOptions(unit_options)),
        ChinaDateBetweenFilter(Feedback.submitted_at, "提交时间"),
    ]
    form_columns = [*CONTENT_FIELDS, *REVIEW_FIELDS]
    form_ajax_refs = {"assignment": assignment_loader("assignment")}
    form_args = {
        "assignment": {"validators": [validators.InputRequired("请选择承办任务。")]},
        "progress": {
            "validators": [
                validators.InputRequired("请填写工作进展。"),
                validators.Length(max=5000, message="工作进展不能超过 5000 个字。"),
            ]
        },
        "percent_complete": {
            "validators": [
                validators.InputRequired("请填写完成比例。"),
                validators.NumberRange(0, 100, "完成比例应在 0 到 100 之间。"),
            ]
        },
        "contact_phone": {
            "validators": [
                validators.Optional(),
                validators.Regexp(r"^[0-9+\-()（） ]{7,30}$", message="联系电话格式不正确。"),
            ]
        },
    }
    form_widget_args = {
        name: {"rows": 4} for name in ("progress", "measures", "problems", "next_steps", "review_comment")
    }

    def get_query(self):
        return (
            super()
            .get_query()
            .join(Feedback.assignment)
            .options(
                joinedload(Feedback.assignment).joinedload(Assignment.item),
                joinedload(Feedback.assignment).joinedload(Assignment.unit),
            )
        )

    def get_count_query(self):
        return super().get_count_query().join(Assignment, Feedback.assignment_id == Assignment.id)

    def scope_to_unit(self, query, unit_id):
        return query.filter(Assignment.unit_id == unit_id)

    def _trim_form(self, form, editing: bool):
        reviewer = current_user.role in (Role.ADMIN, Role.SUPERVISOR)
        if not reviewer or not editing:
            for name in REVIEW_FIELDS:
                delattr(form, name)
        return form

    def create_form(self, obj=None):
        return self._trim_form(super().create_form(obj), editing=False)

    def edit_form(self, obj=None):
        return self._trim_form(super().edit_form(obj), editing=True)

    def on_model_change(self, form, model, is_created):
        now = utcnow()
        if is_created:
            model.submitted_at = now
            model.submitted_by_id = current_user.id
            model.submitted_by_name = str(current_user)
            model.review_status = ReviewStatus.PENDING
            if model.assignment.status in (
                AssignmentStatus.PENDING,
                AssignmentStatus.ASSIGNED,
                AssignmentStatus.IN_PROGRESS,
            ):
                model.assignment.status = AssignmentStatus.SUBMITTED
            return
        if current_user.role == Role.LIAISON and model.review_status != ReviewStatus.PENDING:
            raise ValueError("该反馈已审核，不能再修改；如需补充，请提交新的反馈。")
        if hasattr(form, "review_status") and "review_status" in form.data:
            model.reviewer_id = current_user.id
            model.reviewed_at = now
            if model.review_status == ReviewStatus.ACCEPTED:
                model.assignment.status = AssignmentStatus.ACCEPTED
            elif model.review_status in (ReviewStatus.RETURNED, ReviewStatus.UNSATISFACTORY):
                model.assignment.status = AssignmentStatus.IN_PROGRESS


class InstructionView(SecureModelView):
    """领导批示."""

    endpoint_name = "instruction"
    column_list = ["item", "leader", "text", "author", "created_at"]
    column_default_sort = ("id", True)
    column_searchable_list = ["text"]
    column_labels = {"created_at": "批示时间"}
    column_formatters = {"item": _item_link}
    column_select_related_list = [Instruction.item, Instruction.leader, Instruction.author]
    form_columns = ["item", "leader", "text"]
    form_ajax_refs = {"item": item_loader("item"), "leader": leader_loader("leader")}
    form_args = {
        "item": {"validators": [validators.InputRequired("请选择督查事项。")]},
        "text": {
            "validators": [
                validators.InputRequired("请填写批示内容。"),
                validators.Length(max=2000, message="批示内容不能超过 2000 字。"),
            ]
        },
    }
    form_widget_args = {"text": {"rows": 5}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET":
            item_id = request.args.get("item_id", type=int)
            if item_id:
                form.item.data = db.session.get(Item, item_id)
            if current_user.leader is not None:
                form.leader.data = current_user.leader
        return form

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.author_id = current_user.id
            if model.leader is None and current_user.leader is not None:
                model.leader = current_user.leader

    def get_save_return_url(self, model, is_created=False):
        return self.get_url("item.details_view", id=model.item_id)


class AuditView(SecureModelView):
    """操作留痕."""

    endpoint_name = "audit"
    can_view_details = True
    column_list = ["at", "actor_name", "action", "entity", "entity_id", "summary"]
    column_default_sort = ("id", True)
    column_sortable_list = ["at"]
    column_searchable_list = ["actor_name", "summary"]
    column_filters = [
        FilterEqual(AuditEvent.entity, "对象类型", options=list(ENTITY_LABELS.items())),
        "action",
        "actor_name",
        ChinaDateBetweenFilter(AuditEvent.at, "时间"),
    ]
    column_formatters = {"entity": lambda v, c, m, n: ENTITY_LABELS.get(m.entity, m.entity)}
    column_formatters_export = column_formatters
    column_auto_select_related = False
