"""分包 on the screens: a supervisor's lists open on the units and shares in their charge, and the share's page
hands it to a supervisor."""

from flask import g, request
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField

from admin_views.workflow_pages import StepPage
from extensions import db
from models.user import Role, User
from workflows.in_charge import (
    active_supervisors,
    has_anything_in_charge,
    set_share_supervisor,
    supervisor_in_charge,
)

MINE, ALL = "mine", "all"


class InChargeForm(FlaskForm):
    """Who watches this share: its own supervisor, or its unit's (blank)."""

    supervisor = SelectField("分包督查员", choices=[], validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supervisor.choices = [("", "按单位分包")] + [
            (str(u.id), u.display_name) for u in active_supervisors(db.session)
        ]

    def chosen(self):
        """The chosen supervisor (None: follow the unit's)."""
        return db.session.get(User, int(self.supervisor.data)) if self.supervisor.data else None


def in_charge_intro(assignment) -> str:
    """What the page says before the form: who watches the share now, and what a change does."""
    now_in_charge = supervisor_in_charge(assignment)
    unit_supervisor = assignment.unit.supervisor
    return (
        f"现由{now_in_charge.display_name if now_in_charge else '（未分包）'}督查。"
        f"{assignment.unit.name}的分包督查员：{unit_supervisor.display_name if unit_supervisor else '未指定'}。"
        "调整后，此后发给该单位的通知和邮件由新的督查员署名，已发出的不变；调整记入办理记录。"
    )


class InChargeListMixin:
    """For a SecureModelView: a supervisor with units in their charge opens its list on 我分包的 (scope=mine), with
    a link to 全部. Each view using it defines `only_in_charge(query, user_id)`: which rows are theirs."""

    list_template = "admin/in_charge_list.html"

    def list_scope(self) -> str | None:
        """mine / all for a supervisor who has units in their charge; None for everyone else (no choice shown)."""
        if "_in_charge_scope" not in g:
            user = current_user
            offered = (
                user.is_authenticated and user.role == Role.SUPERVISOR and has_anything_in_charge(db.session, user)
            )
            scope = None
            if offered:
                scope = ALL if request.args.get("scope") == ALL else MINE
            g._in_charge_scope = scope
        return g._in_charge_scope

    def _get_list_extra_args(self):
        g._in_charge_list = True  # the list and its export are scoped; a record's own page never is
        return super()._get_list_extra_args()

    def _in_charge(self, query):
        if g.get("_in_charge_list") and self.list_scope() == MINE:
            return self.only_in_charge(query, current_user.id)
        return query

    def get_query(self):
        return self._in_charge(super().get_query())

    def get_count_query(self):
        return self._in_charge(super().get_count_query())

    def render(self, template, **kwargs):
        if template == self.list_template:
            scope = self.list_scope()
            kwargs["in_charge_scope"] = scope
            if scope is not None:
                args = {k: v for k, v in request.args.items() if k not in ("scope", "page")}
                kwargs["in_charge_links"] = {
                    MINE: self.get_url(".index_view", **args),
                    ALL: self.get_url(".index_view", scope=ALL, **args),
                }
        return super().render(template, **kwargs)


def in_charge_formatter(view, context, model, name) -> Markup:
    """A share's supervisor in charge, as a list column (its own or its unit's)."""
    supervisor = supervisor_in_charge(model)
    return Markup(escape(supervisor.display_name)) if supervisor else Markup('<span class="text-muted">—</span>')


IN_CHARGE_PAGE = StepPage(
    "in_charge",
    "assignment.in_charge",
    run=lambda s, a, form, **who: set_share_supervisor(s, a, form.chosen(), **who),
    done="分包督查员已调整，此后发给该单位的通知由新的督查员署名。",
    title="调整分包督查员",
    form=InChargeForm,
    submit="保存",
    intro=in_charge_intro,
    prefill=lambda a: {"supervisor": str(a.supervisor_id or "")},
    doc="分包: hand this share to a supervisor (a central task split among supervisors), or back to its unit's.",
)
