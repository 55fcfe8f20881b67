"""Notices (督查通知单, 催办通知单, 整改通知书, 黄牌警告, 提请追责, 月通报): the register, print pages, circulars."""

from flask import request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import validators

from admin_views.base import ChinaDateBetweenFilter, QueryOptions, SecureModelView, enum_filters
from admin_views.formatters import item_link, period_column
from admin_views.items import unit_options
from admin_views.permissions import may
from admin_views.workflow_pages import ConfirmForm, StepPage, WorkflowPagesMixin
from models.assignment import Assignment
from models.escalation import LADDER, Escalation, FailureReason, rung_name
from models.notice import Notice, NoticeKind
from models.periodic import Circular, CircularStatus
from workflows.circulars import send_circular
from workflows.visibility import of_unit


def _print_link(view, context, model, name):
    url = view.get_url("notice.print_view", id=model.id)
    return Markup('<a href="{}" target="_blank">{}</a>').format(url, model.number)


class NoticeView(SecureModelView):
    """通知文书: every numbered notice issued, printable."""

    endpoint_name = "notice"
    count_cap = 2000
    details_template = "admin/notice_details.html"
    column_list = ["number", "kind", "title", "unit", "issued_at", "issued_by_name"]
    column_details_list = [
        "number",
        "kind",
        "title",
        "addressee",
        "copy_to",
        "body",
        "item",
        "unit",
        "issued_at",
        "issued_by_name",
    ]
    column_export_list = [
        "number",
        "kind",
        "title",
        "addressee",
        "copy_to",
        "item",
        "unit",
        "issued_at",
        "issued_by_name",
    ]
    column_default_sort = ("id", True)
    column_sortable_list = ["number", "kind", "issued_at"]
    column_searchable_list = ["number", "title", "addressee"]
    column_formatters = {"number": _print_link, "item": item_link}
    column_filters = [
        *enum_filters(Notice.kind, NoticeKind),
        FilterEqual(Notice.unit_id, "承办单位", options=QueryOptions(unit_options)),
        ChinaDateBetweenFilter(Notice.issued_at, "发出时间"),
    ]
    column_select_related_list = [Notice.unit, Notice.item]

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Notice, unit_id))

    @expose("/print/")
    def print_view(self):
        """The notice as an A4 document: title, number, addressee, body, issuing office, date."""
        notice = self.get_one(request.args.get("id", ""))
        if notice is None:
            return self.render("admin/notice_missing.html"), 404
        return self.render("notices/print.html", notice=notice)


class EscalationView(SecureModelView):
    """逐级督办记录: every rung reached (整改通知书, 黄牌警告, 提请追责)."""

    endpoint_name = "escalation"
    column_list = ["assignment", "level", "reason", "round_date", "notice", "created_at", "created_by_name"]
    column_default_sort = ("id", True)
    column_sortable_list = ["level", "round_date", "created_at"]
    column_labels = {"assignment": "承办任务", "notice": "文号"}
    column_formatters = {
        "level": lambda v, c, m, n: rung_name(m.level),
        "notice": lambda v, c, m, n: m.notice.number if m.notice else "",
    }
    column_formatters_export = column_formatters
    column_filters = [
        FilterEqual(Escalation.level, "督查等级", options=[(str(rung.level), rung.name) for rung in LADDER]),
        *enum_filters(Escalation.reason, FailureReason),
    ]
    column_auto_select_related = False

    def get_query(self):
        return (
            super()
            .get_query()
            .options(
                joinedload(Escalation.assignment).joinedload(Assignment.item),
                joinedload(Escalation.assignment).joinedload(Assignment.unit),
            )
        )

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Escalation, unit_id))


class CircularView(WorkflowPagesMixin, SecureModelView):
    """月通报: drafts written by the sweep, edited here, then sent to every unit."""

    endpoint_name = "circular"
    details_template = "admin/circular_details.html"
    column_list = ["period", "title", "status", "sent_at", "updated_at"]
    column_default_sort = ("period", True)
    column_formatters = {"period": period_column}
    column_formatters_export = column_formatters
    form_columns = ["title", "body"]
    form_args = {
        "title": {
            "validators": [
                validators.InputRequired("请填写标题。"),
                validators.Length(max=200, message="标题不能超过 200 字。"),
            ]
        },
        "body": {"validators": [validators.InputRequired("正文不能为空。")]},
    }
    form_widget_args = {"body": {"rows": 24}}
    column_filters = [*enum_filters(Circular.status, CircularStatus)]

    def on_model_change(self, form, model, is_created):
        if model.status != CircularStatus.DRAFT:
            raise ValueError("月通报已发送，不能再修改。")

    def circular_extras(self, circular):
        """May this user send it now?"""
        return {"can_send": may(current_user, "circular.send", circular), "confirm": ConfirmForm()}

    step_pages = (
        StepPage(
            "send",
            "circular.send",
            run=lambda s, circular, form, **who: send_circular(s, circular, **who),
            done="月通报已发送给各单位（进入发件箱，工作时间内发出）。",
            button=True,
            doc="Send the edited circular to every unit as a numbered 月通报.",
        ),
    )
