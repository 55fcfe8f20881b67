"""The organisation screens: units (承办单位), the liaison roster (督查网络) and bureau leaders (局领导)."""

from flask import request
from flask_admin.contrib.sqla.filters import BooleanEqualFilter, FilterEqual
from sqlalchemy import func, select
from wtforms import validators

from admin_views.base import QueryOptions, SecureModelView, bounded_id, enum_filters
from admin_views.items import unit_options
from admin_views.lookups import leader_loader, unit_loader
from clock import china_date, utcnow
from extensions import db
from models.assignment import OPEN_ASSIGNMENT_STATUSES, Assignment
from models.audit import AuditEvent
from models.item import Item
from models.liaison import Employment, Liaison
from models.roster import Confirmation, StandIn, Tenure
from models.unit import Unit, UnitKind
from phone_numbers import MOBILE_PATTERN, PHONE_PATTERN
from workflows.in_charge import active_supervisors
from workflows.roster import save_liaison

MOBILE = validators.Regexp(MOBILE_PATTERN, message="手机号码应为 11 位数字，以 1 开头。")
PHONE = validators.Regexp(PHONE_PATTERN, message="电话号码格式不正确，应为数字，可含区号和“-”。")


def email_field(label_text: str | None = None) -> dict:
    """Form arguments of an optional e-mail address field."""
    args = {"validators": [validators.Optional(), validators.Email("电子邮箱格式不正确。"), validators.Length(max=120)]}
    if label_text:
        args["label"] = label_text
    return args


def supervisor_options():
    """(id, name) of every active supervisor, for the 分包督查员 filter."""
    return [(str(u.id), u.display_name) for u in active_supervisors(db.session)]


def optional_phone() -> dict:
    """Form arguments of an optional phone number field."""
    return {"validators": [validators.Optional(), PHONE]}


class UnitView(SecureModelView):
    """承办单位."""

    endpoint_name = "unit"
    details_template = "admin/unit_details.html"
    column_list = [
        "code",
        "name",
        "kind",
        "head_name",
        "leader_in_charge",
        "supervisor",
        "phone",
        "office_email",
        "active",
    ]
    column_export_list = [
        "code",
        "name",
        "kind",
        "head_name",
        "head_email",
        "leader_in_charge",
        "supervisor",
        "phone",
        "office_email",
        "active",
    ]
    column_details_list = [
        "code",
        "name",
        "kind",
        "head_name",
        "head_email",
        "leader_in_charge",
        "supervisor",
        "office_email",
        "phone",
        "active",
        "created_at",
        "updated_at",
    ]
    column_default_sort = ("code", False)
    column_sortable_list = ["code", "name", "kind"]
    column_searchable_list = ["code", "name", "head_name", "phone", "office_email"]
    column_filters = [
        *enum_filters(Unit.kind, UnitKind),
        BooleanEqualFilter(Unit.active, "启用", options=[("1", "是"), ("0", "否")]),
        FilterEqual(Unit.supervisor_id, "分包督查员", options=QueryOptions(supervisor_options)),
    ]
    form_columns = [
        "code",
        "name",
        "kind",
        "head_name",
        "head_email",
        "leader_in_charge",
        "supervisor",
        "office_email",
        "phone",
        "active",
    ]
    form_ajax_refs = {"leader_in_charge": leader_loader("leader_in_charge")}
    form_args = {
        "code": {
            "validators": [
                validators.InputRequired("请填写单位编码。"),
                validators.Length(max=20, message="单位编码不能超过 20 个字符。"),
            ]
        },
        "name": {
            "validators": [
                validators.InputRequired("请填写单位名称。"),
                validators.Length(max=100, message="单位名称不能超过 100 个字。"),
            ]
        },
        "head_email": email_field(),
        "office_email": email_field(),
        "phone": optional_phone(),
        "supervisor": {
            "query_factory": lambda: active_supervisors(db.session),
            "allow_blank": True,
            "blank_text": "（未分包）",
            "description": "负责督查本单位事项的督查员：其“我分包的”列表含本单位，此后发给本单位的通知由其署名。",
        },
    }

    def unit_extras(self, unit):
        """The unit's liaisons and open assignments, for its details page."""
        liaisons = db.session.scalars(
            select(Liaison)
            .where(Liaison.unit_id == unit.id)
            .order_by(Liaison.active.desc(), Liaison.is_primary.desc(), Liaison.id)
        ).all()
        open_filter = (Assignment.unit_id == unit.id) & Assignment.status.in_(OPEN_ASSIGNMENT_STATUSES)
        assignments = db.session.execute(
            select(Assignment, Item)
            .join(Item, Assignment.item_id == Item.id)
            .where(open_filter)
            .order_by(Assignment.deadline, Assignment.id)
            .limit(100)
        ).all()
        total = db.session.scalar(select(func.count()).select_from(Assignment).where(open_filter))
        return {"liaisons": liaisons, "assignments": assignments, "open_total": total, "today": china_date(utcnow())}


class LiaisonView(SecureModelView):
    """督查网络 (the liaison roster)."""

    endpoint_name = "liaison"
    column_list = [
        "unit",
        "name",
        "post",
        "employment",
        "office_phone",
        "mobile",
        "email",
        "is_primary",
        "active",
        "since",
    ]
    column_export_list = [
        "unit",
        "name",
        "post",
        "employment",
        "office_phone",
        "mobile",
        "email",
        "is_primary",
        "active",
        "since",
        "note",
    ]
    column_default_sort = ("unit_id", False)
    column_sortable_list = ["name", "employment", "since", ("unit", "unit.code")]
    column_searchable_list = ["name", "post", "office_phone", "mobile", "email", Unit.name]
    column_labels = {"unit.name": "所在单位", "unit.code": "单位编码"}
    search_hint = "姓名、单位、职务、电话、手机、邮箱"
    column_filters = [
        FilterEqual(Liaison.unit_id, "所在单位", options=QueryOptions(unit_options)),
        *enum_filters(Unit.kind, UnitKind, "单位类别"),
        *enum_filters(Liaison.employment, Employment),
        BooleanEqualFilter(Liaison.active, "在岗", options=[("1", "是"), ("0", "否")]),
    ]
    form_columns = [
        "unit",
        "name",
        "post",
        "employment",
        "office_phone",
        "mobile",
        "email",
        "is_primary",
        "active",
        "since",
        "note",
    ]
    form_ajax_refs = {"unit": unit_loader("unit")}
    form_args = {
        "name": {
            "validators": [
                validators.InputRequired("请填写姓名。"),
                validators.Length(max=50, message="姓名不能超过 50 个字。"),
            ]
        },
        "unit": {"validators": [validators.InputRequired("请选择所在单位。")]},
        "email": email_field(),
        "office_phone": optional_phone(),
        "mobile": {"validators": [validators.Optional(), MOBILE]},
        "note": {"validators": [validators.Optional(), validators.Length(max=500, message="备注不能超过 500 个字。")]},
    }
    column_select_related_list = [Liaison.unit]

    details_template = "admin/liaison_details.html"

    def create_form(self, obj=None):
        form = super().create_form(obj)
        unit_id = bounded_id(request.args.get("unit_id", ""))
        if request.method == "GET" and unit_id:
            form.unit.data = db.session.get(Unit, unit_id)
        return form

    def on_model_change(self, form, model, is_created):
        save_liaison(db.session, model, now=utcnow())

    def liaison_extras(self, liaison):
        """The entry's history: tenures, stand-ins, confirmations and every change."""

        def rows(model, *conditions, order):
            return db.session.scalars(select(model).where(*conditions).order_by(*order)).all()

        return {
            "tenures": rows(Tenure, Tenure.liaison_id == liaison.id, order=[Tenure.start]),
            "stand_ins": rows(StandIn, StandIn.liaison_id == liaison.id, order=[StandIn.start]),
            "confirmations": rows(Confirmation, Confirmation.liaison_id == liaison.id, order=[Confirmation.sent_at]),
            "changes": rows(
                AuditEvent,
                AuditEvent.entity == "liaison",
                AuditEvent.entity_id == liaison.id,
                order=[AuditEvent.at.desc(), AuditEvent.id.desc()],
            ),
        }


class LeaderView(SecureModelView):
    """局领导."""

    endpoint_name = "leader"
    column_list = ["name", "title", "email", "receives_escalations", "active", "sort_order"]
    column_default_sort = ("sort_order", False)
    column_searchable_list = ["name", "title", "email"]
    form_columns = ["name", "title", "email", "receives_escalations", "active", "sort_order"]
    form_args = {
        "name": {"validators": [validators.InputRequired("请填写姓名。")]},
        "title": {"validators": [validators.InputRequired("请填写职务。")]},
        "email": email_field(),
    }
