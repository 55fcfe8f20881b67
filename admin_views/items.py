"""The items screen (督查事项): list, search, filters, details with assignments and trail, create/edit, export."""

from flask import request
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, DateBetweenFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import validators

from admin_views.base import QueryOptions, SecureModelView, enum_filters
from admin_views.lookups import DetachedAjaxMultipleField, leader_loader, unit_loader
from clock import china_date, utcnow
from extensions import db
from models.assignment import Assignment
from models.audit import AuditEvent
from models.instruction import Instruction
from models.item import OPEN_ITEM_STATUSES, Item, ItemSource, ItemStatus, Rhythm
from models.leader import BureauLeader
from models.unit import Unit
from models.user import Role
from workflows.items import save_item
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


class ItemView(SecureModelView):
    """督查事项."""

    endpoint_name = "item"
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
        "deadline": {"validators": [validators.InputRequired("请填写完成时限（日期）。")]},
        "lead_unit": {"validators": [validators.InputRequired("请选择牵头单位。")]},
        "source": {"validators": [validators.InputRequired("请选择来源。")]},
        "responsible_person": {
            "validators": [validators.Optional(), validators.Length(max=50, message="责任人不能超过 50 个字。")]
        },
    }
    form_widget_args = {"content": {"rows": 6}, "instruction": {"rows": 3}}
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
            .order_by(Assignment.role, Assignment.id)
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
        from flask import url_for

        return url_for("instruction.create_view", item_id=item.id, url=request.url)
