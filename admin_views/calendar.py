"""Calendar corrections (节假日调整): days admins mark as holiday or make-up working day."""

from wtforms import validators

from admin_views.base import SecureModelView


class CalendarDayView(SecureModelView):
    """节假日调整."""

    endpoint_name = "calendar"
    column_list = ["day", "is_workday", "note", "updated_at"]
    column_default_sort = ("day", True)
    column_sortable_list = ["day"]
    column_searchable_list = ["note"]
    form_columns = ["day", "is_workday", "note"]
    column_labels = {"is_workday": "上班（不勾选为放假）"}
    form_args = {
        "day": {"validators": [validators.InputRequired("请填写日期，如 2027-10-01。")]},
        "note": {"validators": [validators.Optional(), validators.Length(max=50, message="说明不能超过 50 字。")]},
    }
