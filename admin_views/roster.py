"""The roster's upkeep: stand-ins (代理), liaisons' corrections awaiting approval, and the health page (名录体检)."""

from flask import abort, flash, redirect, request
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import validators

from admin_views.base import RoleGuardMixin, SecureModelView, bounded_id, enum_filters
from admin_views.formatters import period_column
from admin_views.lookups import OrderedLoader
from admin_views.permissions import WORKFLOW, may
from admin_views.workflow_pages import ConfirmForm, StepPage, WorkflowPagesMixin
from audit import act_as
from clock import china_date, utcnow
from extensions import db
from models.liaison import Liaison
from models.roster import Confirmation, CorrectionStatus, StandIn
from phone_numbers import MOBILE_PATTERN
from workflows.confirmation import campaign_name, confirmation_link, decide, send_confirmations
from workflows.directory_health import directory_health
from workflows.roster import save_liaison


def liaison_loader(name: str):
    """Type-ahead over active liaisons by name or e-mail."""
    return OrderedLoader(
        name,
        Liaison,
        fields=["name", "email"],
        ordering=[Liaison.unit_id, Liaison.id],
        placeholder="输入联络员姓名或邮箱",
    )


class StandInView(SecureModelView):
    """代理: who receives a liaison's notices while they are away (start and end dates included)."""

    endpoint_name = "stand_in"
    column_list = ["liaison", "name", "email", "mobile", "start", "end", "reason"]
    column_default_sort = ("start", True)
    column_sortable_list = ["start", "end"]
    column_searchable_list = ["name", "email", "reason"]
    form_columns = ["liaison", "name", "email", "mobile", "start", "end", "reason"]
    form_ajax_refs = {"liaison": liaison_loader("liaison")}
    form_args = {
        "liaison": {"validators": [validators.InputRequired("请选择被代理的联络员。")]},
        "name": {"validators": [validators.InputRequired("请填写代理人姓名。")]},
        "email": {
            "validators": [validators.InputRequired("请填写代理人邮箱。"), validators.Email("电子邮箱格式不正确。")]
        },
        "mobile": {
            "validators": [
                validators.Optional(),
                validators.Regexp(MOBILE_PATTERN, message="手机号码应为 11 位数字，以 1 开头。"),
            ]
        },
        "start": {"validators": [validators.InputRequired("请填写代理开始日期。")]},
        "end": {"validators": [validators.InputRequired("请填写代理结束日期。")]},
    }
    column_select_related_list = [StandIn.liaison]

    def on_model_change(self, form, model, is_created):
        if model.end < model.start:
            raise ValueError("代理结束日期不能早于开始日期。")


class ConfirmationView(WorkflowPagesMixin, SecureModelView):
    """名录核对: each liaison's answer; corrections and departures wait here for approval."""

    endpoint_name = "confirmation"
    details_template = "admin/confirmation_details.html"
    column_list = ["liaison", "campaign", "sent_at", "reminded_at", "answer", "answered_at", "correction_status"]
    column_details_list = [
        "liaison",
        "campaign",
        "sent_at",
        "reminded_at",
        "answer",
        "answered_at",
        "proposed_post",
        "proposed_office_phone",
        "proposed_mobile",
        "proposed_email",
        "successor_name",
        "successor_email",
        "successor_mobile",
        "comment",
        "correction_status",
        "decided_by_name",
        "decided_at",
    ]
    column_default_sort = ("id", True)
    column_filters = [*enum_filters(Confirmation.correction_status, CorrectionStatus), "campaign"]
    column_formatters = {
        "liaison": lambda v, c, m, n: f"{m.liaison.name}（{m.liaison.unit.name}）",
        "campaign": period_column,
    }
    column_formatters_export = column_formatters
    column_auto_select_related = False
    export_loader_options = (joinedload(Confirmation.liaison).joinedload(Liaison.unit),)

    def confirmation_extras(self, confirmation):
        """May this user decide it now?"""
        return {"can_decide": may(current_user, "confirmation.decide", confirmation), "confirm": ConfirmForm()}

    step_pages = (
        StepPage(
            "approve",
            "confirmation.decide",
            run=lambda s, confirmation, form, **who: decide(s, confirmation, True, **who),
            done="已采纳，名录已更新。",
            button=True,
            doc="采纳: the correction (or the handover) changes the directory.",
        ),
        StepPage(
            "reject",
            "confirmation.decide",
            run=lambda s, confirmation, form, **who: decide(s, confirmation, False, **who),
            done="已标记为不采纳。",
            button=True,
            doc="不采纳.",
        ),
    )


class DirectoryHealthView(RoleGuardMixin, BaseView):
    """名录体检: units without a liaison, bounced addresses, stale or duplicate entries — each with its remedy."""

    endpoint_name = "directory_health"

    def __init__(self, **kwargs):
        super().__init__(endpoint=self.endpoint_name, url="/admin/directory_health", **kwargs)

    @expose("/")
    def index(self):
        """The findings."""
        findings = directory_health(db.session, now=utcnow())
        return self.render(
            "admin/directory_health.html",
            findings=findings,
            confirm=ConfirmForm(),
            link=confirmation_link,
            can_act=self._may(WORKFLOW),
        )

    def _ids(self) -> list[int]:
        if not self._may(WORKFLOW):
            abort(403)
        if not ConfirmForm().validate_on_submit():
            flash("页面已过期，请刷新后重试。", "error")
            return []
        return [key for key in map(bounded_id, request.form.getlist("id")) if key is not None]

    @expose("/confirm/", methods=("POST",))
    def send_confirmations_view(self):
        """Ask the chosen liaisons to confirm their entries now."""
        ids = self._ids()
        if ids:
            now = utcnow()
            act_as(db.session, current_user._get_current_object(), now=now)
            sent = send_confirmations(db.session, campaign_name(china_date(now)), now=now, liaison_ids=ids)
            db.session.commit()
            flash(f"已向 {sent} 名联络员发出核对请求（本批次已发过的不再重复发送）。", "success")
        return redirect(self.get_url(".index"))

    @expose("/deactivate/", methods=("POST",))
    def deactivate_view(self):
        """Take the chosen liaisons out of the roster (their history stays)."""
        ids = self._ids()
        if ids:
            now = utcnow()
            act_as(db.session, current_user._get_current_object(), now=now)
            for liaison in db.session.scalars(db.select(Liaison).where(Liaison.id.in_(ids))):
                liaison.active = False
                save_liaison(db.session, liaison, now=now)
            db.session.commit()
            flash(f"已将 {len(ids)} 名联络员设为不在岗。", "success")
        return redirect(self.get_url(".index"))
