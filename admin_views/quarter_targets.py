"""Quarterly targets (按季度分段): what each unit is to achieve on a quarterly item, quarter by quarter."""

from wtforms import validators

from admin_views.base import SecureModelView
from admin_views.lookups import assignment_loader
from models.periodic import QuarterTarget
from workflows.visibility import of_unit

QUARTER = validators.Regexp(r"^20\d\dQ[1-4]$", message="季度应写作 2027Q1 这样的格式。")


class QuarterTargetView(SecureModelView):
    """季度目标."""

    endpoint_name = "quarter_target"
    column_list = ["assignment", "period", "target", "updated_at"]
    column_default_sort = ("period", False)
    column_sortable_list = ["period"]
    column_searchable_list = ["target", "period"]
    column_labels = {"assignment": "承办任务"}
    column_formatters = {"assignment": lambda v, c, m, n: f"{m.assignment.item.number} · {m.assignment.unit.name}"}
    column_formatters_export = column_formatters
    form_columns = ["assignment", "period", "target"]
    form_ajax_refs = {"assignment": assignment_loader("assignment")}
    form_args = {
        "assignment": {"validators": [validators.InputRequired("请选择承办任务。")]},
        "period": {
            "validators": [validators.InputRequired("请填写季度，如 2027Q1。"), QUARTER],
            "filters": [lambda v: (v or "").strip().upper()],
        },
        "target": {
            "validators": [
                validators.InputRequired("请填写季度目标。"),
                validators.Length(max=2000, message="季度目标不能超过 2000 字。"),
            ]
        },
    }
    form_widget_args = {"target": {"rows": 4}, "period": {"placeholder": "2027Q1"}}
    column_select_related_list = [QuarterTarget.assignment]

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(QuarterTarget, unit_id))
