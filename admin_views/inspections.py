"""领导督查 on the screens: the record of a leader's on-site supervision, and 据此立项 (a follow-up item)."""

from flask import url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField, validators

from admin_views.base import SecureModelView
from admin_views.exporting import joined_texts
from admin_views.figure_filter import FigureFilter
from admin_views.lookups import item_loader, leader_loader, unit_loader
from admin_views.workflow_pages import StepPage, WorkflowPagesMixin
from clock import utcnow
from extensions import db
from models.inspection import LeaderInspection, inspection_item, inspection_unit
from models.item import Item
from models.unit import Unit
from workflows.inspections import follow_up_item, note_on_items


def _unit_choices() -> list[tuple[str, str]]:
    return [
        (str(i), n) for i, n in db.session.execute(db.select(Unit.id, Unit.name).where(Unit.active).order_by(Unit.code))
    ]


class FollowUpForm(FlaskForm):
    """据此立项: the task the leader gave, as a new item (assigned afterwards like any item)."""

    title = StringField(
        "事项名称",
        validators=[
            validators.DataRequired("请填写事项名称。"),
            validators.Length(max=200, message="事项名称不能超过 200 字。"),
        ],
    )
    content = TextAreaField(
        "工作要求",
        validators=[validators.Length(max=5000, message="工作要求不能超过 5000 字。")],
        render_kw={"rows": 4},
    )
    lead_unit = SelectField("牵头单位", choices=[], validators=[validators.InputRequired("请选择牵头单位。")])
    co_units = SelectMultipleField("协办单位", choices=[])
    deadline = DateField(
        "完成时限", format="%Y-%m-%d", validators=[validators.InputRequired("请填写完成时限（如 2026-12-31）。")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _unit_choices()
        self.lead_unit.choices = [("", "（请选择）"), *choices]
        self.co_units.choices = choices

    def units(self) -> tuple[Unit, list[Unit]]:
        """The chosen lead unit and co-units (the lead unit never twice)."""
        lead = db.session.get(Unit, int(self.lead_unit.data))
        co = [db.session.get(Unit, int(i)) for i in self.co_units.data or [] if i != self.lead_unit.data]
        return lead, co


def _follow_up(session, inspection, form, *, actor, now):
    lead, co = form.units()
    return follow_up_item(
        session,
        inspection,
        title=form.title.data,
        content=form.content.data or "",
        lead_unit=lead,
        co_units=co,
        deadline=form.deadline.data,
        actor=actor,
        now=now,
    )


def item_links(view, context, model, name) -> Markup:
    """The items a visit concerned, each number linking to its page."""
    return Markup("<br>").join(
        Markup('<a href="{}">{}</a> {}').format(view.get_url("item.details_view", id=i.id), i.number, i.title)
        for i in model.items
    )


class LeaderInspectionView(WorkflowPagesMixin, SecureModelView):
    """领导督查."""

    endpoint_name = "leader_inspection"
    column_list = ["held_on", "leader", "place", "units", "findings", "items"]
    column_default_sort = ("held_on", True)
    column_sortable_list = ["held_on"]
    column_searchable_list = ["findings", "place", "companions"]
    column_filters = [FigureFilter(LeaderInspection)]
    search_hint = "督查情况、地点、陪同人员"
    column_select_related_list = [LeaderInspection.leader]
    list_loader_options = (selectinload(LeaderInspection.units), selectinload(LeaderInspection.items))
    details_template = "admin/inspection_details.html"
    column_formatters = {
        "findings": lambda v, c, m, n: (m.findings[:60] + "…") if len(m.findings) > 60 else m.findings,
        "units": lambda v, c, m, n: "、".join(u.name for u in m.units),
        "items": item_links,
    }
    column_formatters_export = {
        "units": lambda v, c, m, n: "、".join(u.name for u in m.units),
        "items": lambda v, c, m, n: "、".join(i.number or i.title for i in m.items),
    }
    form_columns = ["held_on", "leader", "companions", "place", "units", "items", "findings"]

    def export_sql_columns(self) -> dict:
        """督查单位 and 涉及事项 in the export's one query, in the relations' order."""
        units, items = inspection_unit.c, inspection_item.c
        return {
            "units": joined_texts(
                Unit.name,
                Unit.code,
                where=(units.inspection_id == LeaderInspection.id, Unit.id == units.unit_id),
                outer=LeaderInspection,
            ),
            "items": joined_texts(
                func.coalesce(func.nullif(Item.number, ""), Item.title),
                Item.id,
                where=(items.inspection_id == LeaderInspection.id, Item.id == items.item_id),
                outer=LeaderInspection,
            ),
        }

    form_ajax_refs = {"leader": leader_loader("leader"), "units": unit_loader("units"), "items": item_loader("items")}
    form_args = {
        "held_on": {"validators": [validators.InputRequired("请填写督查日期。")]},
        "leader": {"validators": [validators.InputRequired("请选择督查领导。")]},
        "findings": {
            "validators": [
                validators.InputRequired("请填写督查情况和要求。"),
                validators.Length(max=5000, message="督查情况和要求不能超过 5000 字。"),
            ]
        },
        "companions": {"validators": [validators.Length(max=200, message="陪同人员不能超过 200 字。")]},
        "place": {"validators": [validators.Length(max=200, message="地点不能超过 200 字。")]},
    }
    form_widget_args = {"findings": {"rows": 6}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if current_user.leader is not None and form.leader.data is None:
            form.leader.data = current_user.leader  # a leader records their own visit
        return form

    def on_model_change(self, form, model, is_created):
        self._items_before = set() if is_created else {i.id for i in db.session.get(LeaderInspection, model.id).items}

    def after_model_change(self, form, model, is_created):
        added = [item for item in model.items if item.id not in getattr(self, "_items_before", set())]
        if added:
            note_on_items(db.session, model, added, now=utcnow())
            db.session.commit()

    step_pages = (
        StepPage(
            "follow_up",
            "leader_inspection.follow_up",
            run=_follow_up,
            done="已据此立项，请在事项页面交办。",
            title="据此立项",
            form=FollowUpForm,
            submit="立项",
            intro=lambda i: f"把{i.leader.name}在{i.held_on}领导督查时交办的任务登记为督查事项："
            "来源为局党政领导批办事项，批示领导为该领导，督查情况和要求作为领导批示。",
            back=lambda view, i: url_for("leader_inspection.details_view", id=i.id),
            outcome=lambda view, i, item: f"新事项 {item.number} 已登记。",
            doc="据此立项: register a task the leader gave on the visit as an item (assigned afterwards).",
        ),
    )
