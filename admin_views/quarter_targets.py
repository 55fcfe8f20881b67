"""Quarterly targets (按季度分段): what each unit is to achieve on a quarterly item, quarter by quarter."""

from sqlalchemy.orm import joinedload
from wtforms import SelectField, validators

from admin_views.base import SecureModelView
from admin_views.formatters import period_column
from admin_views.lookups import assignment_loader
from clock import china_date, utcnow
from formatting import period_text
from models.assignment import Assignment
from models.periodic import QuarterTarget
from workflows.periodic import quarter_label
from workflows.visibility import of_unit

QUARTER = validators.Regexp(r"^20\d\dQ[1-4]$", message="请从列表中选择季度。")


def quarter_choices() -> list[tuple[str, str]]:
    """The quarters of last year to three years ahead, written 2027年第一季度 (stored as 2027Q1)."""
    year = china_date(utcnow()).year
    keys = [quarter_label(y, q) for y in range(year - 1, year + 4) for q in range(1, 5)]
    return [("", "请选择季度"), *((key, period_text(key)) for key in keys)]


class QuarterTargetView(SecureModelView):
    """季度目标."""

    endpoint_name = "quarter_target"
    column_list = ["assignment", "period", "target", "updated_at"]
    column_default_sort = ("period", False)
    column_sortable_list = ["period"]
    column_searchable_list = ["target", "period"]
    column_labels = {"assignment": "承办任务"}
    column_formatters = {
        "assignment": lambda v, c, m, n: f"{m.assignment.item.number} · {m.assignment.unit.name}",
        "period": period_column,
    }
    column_formatters_export = column_formatters
    export_loader_options = (  # the share's item and unit, joined in the list's and the export's one query
        joinedload(QuarterTarget.assignment).options(joinedload(Assignment.item), joinedload(Assignment.unit)),
    )
    list_loader_options = export_loader_options
    form_columns = ["assignment", "period", "target"]
    form_ajax_refs = {"assignment": assignment_loader("assignment")}
    form_args = {
        "assignment": {"validators": [validators.InputRequired("请选择承办任务。")]},
        "period": {
            "validators": [validators.InputRequired("请选择季度。"), QUARTER],
            "choices": quarter_choices,
            "validate_choice": False,
        },
        "target": {
            "validators": [
                validators.InputRequired("请填写季度目标。"),
                validators.Length(max=2000, message="季度目标不能超过 2000 字。"),
            ]
        },
    }
    form_overrides = {"period": SelectField}
    form_widget_args = {"target": {"rows": 4}}

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(QuarterTarget, unit_id))
