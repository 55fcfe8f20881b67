"""The assignments screen (承办任务): each unit's share, its history, and the supervisor's steps on it."""

from flask import url_for
from flask_admin.contrib.sqla.filters import DateBetweenFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from admin_views.base import QueryOptions, SecureModelView, enum_filters, safe_return_url
from admin_views.checks import SHARE_DATES_PAGE
from admin_views.figure_filter import FigureFilter
from admin_views.formatters import assignment_deadline, escalation_badge, item_link, shown_level
from admin_views.in_charge import IN_CHARGE_PAGE, InChargeListMixin, in_charge_formatter
from admin_views.items import unit_options
from admin_views.permissions import WORKFLOW, may
from admin_views.workflow_pages import (
    ConfirmForm,
    DeadlineForm,
    NoticeTextForm,
    ReasonForm,
    StepPage,
    WorkflowPagesMixin,
)
from audit import record_step
from clock import china_date, utcnow
from extensions import db
from models.assignment import ESCALATION_LABELS, Assignment, AssignmentRole, AssignmentStatus
from models.escalation import Escalation
from models.extension import DeadlineChange, ExtensionRequest
from models.item import Item
from models.notice import Notice
from models.reminder import ReminderLog
from models.unit import Unit
from models.user import Role
from workflows.checks import stop_checks
from workflows.feedback import change_deadline
from workflows.in_charge import shares_in_charge_of, supervisor_in_charge
from workflows.interventions import issue_supervision_notice, urge_now
from workflows.lifecycle import WORKING, resend_assignment_notice
from workflows.notices import assignment_notice_kind
from workflows.tokens import assignment_link, link_expires_at, revoke_links
from workflows.visibility import of_unit, told_level_of_share


class ToldLevelFilter(FilterEqual):
    """督查等级: the rung reached; for a liaison, the rung the unit was told of (as the badge shows it)."""

    def apply(self, query, value, alias=None):
        if current_user.is_authenticated and current_user.role == Role.LIAISON:
            return query.filter(told_level_of_share() == int(value))
        return super().apply(query, value, alias)


def _status_with_handle(view, context, model, name):
    """The share's status; for its own unit's liaison, the button that opens the unit page (签收, 反馈, 延期申请)."""
    label = escape(model.status.label)
    if model.status in WORKING and may(current_user, "assignment.handle", model):
        url = url_for("portal.mine", assignment_id=model.id)
        return Markup('{} <a class="btn btn-sm btn-primary ml-1" href="{}">办理</a>').format(label, url)
    return label


def _latest_notice(assignment) -> str:
    """The kind and number of the share's newest notice ("催办通知单督催〔2026〕3号"), for the message after a step."""
    notice = db.session.scalar(select(Notice).where(Notice.assignment_id == assignment.id).order_by(Notice.id.desc()))
    return f"{notice.kind.label}{notice.number}" if notice is not None else "通知"


def _back_to_caller(view, assignment) -> str:
    """After a step opened from the item page (?url=), back there; otherwise to the share's page."""
    return safe_return_url(view.get_url(".details_view", id=assignment.id))


def _revoke(session, assignment, form, *, actor, now):
    """收回链接 and say so in the trail."""
    revoke_links(assignment)
    record_step(session, "收回链接", assignment, "此前发出的办理链接全部失效", now=now)


class AssignmentView(InChargeListMixin, WorkflowPagesMixin, SecureModelView):
    """承办任务."""

    def only_in_charge(self, query, user_id):
        return query.filter(shares_in_charge_of(user_id))

    endpoint_name = "assignment"
    count_cap = 2000
    details_template = "admin/assignment_details.html"
    column_list = ["item", "unit", "role", "deadline", "status", "escalation_level", "acknowledged_at", "in_charge"]
    column_export_list = [
        "item",
        "unit",
        "role",
        "deadline",
        "status",
        "escalation_level",
        "acknowledged_at",
        "acknowledged_by",
        "in_charge",
    ]
    column_default_sort = ("id", True)
    column_sortable_list = ["deadline", "status", "escalation_level"]
    column_searchable_list = [Item.number, Item.title, Unit.name]
    search_hint = "事项编号、事项名称、承办单位"
    column_labels = {"item.number": "事项编号", "item.title": "事项名称", "in_charge": "分包督查员"}
    column_formatters = {
        "item": item_link,
        "escalation_level": escalation_badge,
        "deadline": assignment_deadline,
        "status": _status_with_handle,
        "in_charge": in_charge_formatter,
    }
    admin_only_columns = ("checks_done", "token_version", "next_action_on")
    column_formatters_export = {
        "escalation_level": lambda v, c, m, n: ESCALATION_LABELS[shown_level(m)],
        "in_charge": lambda v, c, m, n: str(supervisor_in_charge(m) or ""),
    }
    export_loader_options = (  # 分包督查员: the share's own supervisor, else its unit's
        joinedload(Assignment.supervisor),
        joinedload(Assignment.unit).joinedload(Unit.supervisor),
    )

    def export_sql_columns(self) -> dict:
        """A liaison's 督查等级 in the export's one query: the rung the unit was told of (`shown_level`)."""
        if current_user.role != Role.LIAISON:
            return {}
        return {"escalation_level": case(ESCALATION_LABELS, value=told_level_of_share(), else_="")}

    column_filters = [
        FilterEqual(Assignment.unit_id, "承办单位", options=QueryOptions(unit_options)),
        *enum_filters(Assignment.status, AssignmentStatus),
        *enum_filters(Assignment.role, AssignmentRole),
        ToldLevelFilter(
            Assignment.escalation_level, "督查等级", options=[(str(k), v) for k, v in ESCALATION_LABELS.items()]
        ),
        DateBetweenFilter(Assignment.deadline, "完成时限"),
        FigureFilter(Assignment),
    ]
    column_select_related_list = [Assignment.item, Assignment.unit, Assignment.supervisor]

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Assignment, unit_id))

    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        # A liaison sorts by the rung the unit was told of, as the badge shows it, never by an undecided request.
        if sort_column == "escalation_level" and current_user.role == Role.LIAISON:
            level = told_level_of_share()
            query = query.order_by(level.desc() if sort_desc else level.asc())
            return super()._apply_sorting(query, joins, None, sort_desc)
        return super()._apply_sorting(query, joins, sort_column, sort_desc)

    def assignment_extras(self, assignment):
        """Notices, escalations, reminders, extension requests and deadline changes, for the details page."""

        liaison = current_user.role == Role.LIAISON

        def rows(model, *conditions, order):
            if liaison and model in (Notice, Escalation):  # a draft or a 提请追责 is not the unit's to read
                conditions = (*conditions, of_unit(model, current_user.unit_id))
            return db.session.scalars(select(model).where(*conditions).order_by(*order)).all()

        return {
            "feedbacks": assignment.feedbacks,
            "notices": rows(Notice, Notice.assignment_id == assignment.id, order=[Notice.id]),
            "escalations": rows(Escalation, Escalation.assignment_id == assignment.id, order=[Escalation.level]),
            "reminders": rows(
                ReminderLog, ReminderLog.assignment_id == assignment.id, order=[ReminderLog.slot, ReminderLog.id]
            ),
            "extensions": rows(
                ExtensionRequest, ExtensionRequest.assignment_id == assignment.id, order=[ExtensionRequest.id]
            ),
            "changes": rows(DeadlineChange, DeadlineChange.assignment_id == assignment.id, order=[DeadlineChange.id]),
            "can_act": may(current_user, "assignment.act", assignment),
            "notice_name": assignment_notice_kind(assignment.item.source).label,
            "handle_url": url_for("portal.mine", assignment_id=assignment.id)
            if assignment.status in WORKING and may(current_user, "assignment.handle", assignment)
            else None,
            "link": assignment_link(assignment) if self._may(WORKFLOW) else None,
            "link_expires": link_expires_at(assignment),
            "confirm": ConfirmForm(),
            "today": china_date(utcnow()),
            "in_charge": supervisor_in_charge(assignment),
        }

    step_pages = (
        StepPage(
            "notify",
            "assignment.notify",
            run=lambda s, a, form, **who: issue_supervision_notice(s, a, form.text.data, **who),
            said=lambda a: f"{_latest_notice(a)}已发出（进入发件箱，工作时间内发送），并记入办理记录。",
            title=lambda a: f"发{assignment_notice_kind(a.item.source).label}",
            form=NoticeTextForm,
            submit="编号并发送",
            intro=lambda a: f"向{a.unit.name}发出一份编号的{assignment_notice_kind(a.item.source).label}"
            "（如：进度不理想，请加快进度），邮件送达该单位联络员，附办理链接。",
            back=_back_to_caller,
            doc="发督查通知单: a numbered notice with the supervisor's own text, of the kind the source calls for.",
        ),
        StepPage(
            "urge",
            "assignment.urge",
            run=lambda s, a, form, **who: urge_now(s, a, form.text.data, **who),
            said=lambda a: f"{_latest_notice(a)}已发出（进入发件箱，工作时间内发送），并记入办理记录。",
            title="立即催办",
            form=NoticeTextForm,
            submit="发送催办通知单",
            intro=lambda a: f"立即向{a.unit.name}发出一份编号的催办通知单，不等下一个催办日。",
            back=_back_to_caller,
            doc="立即催办: a numbered 催办通知单 with the supervisor's words, sent now.",
        ),
        StepPage(
            "deadline",
            "assignment.deadline",
            run=lambda s, a, form, **who: change_deadline(s, a, form.deadline.data, form.reason.data, **who),
            done="完成时限已调整；第三次督查随之调整到新的时限。",
            title="调整完成时限",
            form=DeadlineForm,
            submit="保存",
            prefill=lambda a: {"deadline": a.deadline},
            doc="调整时限: move this unit's deadline, with a reason kept in its history.",
        ),
        SHARE_DATES_PAGE,
        IN_CHARGE_PAGE,
        StepPage(
            "stop",
            "assignment.stop",
            run=lambda s, a, form, **who: stop_checks(s, a, form.reason.data, **who),
            done="已停止对该承办任务的三次督查（逾期催办仍会按期发送）。",
            title="停止三次督查",
            form=ReasonForm,
            submit="停止督查",
            danger=True,
            intro=lambda a: "停止后尚未进行的督查不再进行；已作出的督查结论和已下发的文书保持不变。",
            doc="停止督查: set aside this share's checks still to come, with a reason.",
        ),
        StepPage(
            "resend",
            "assignment.resend",
            run=lambda s, a, form, **who: resend_assignment_notice(s, a, **who),
            done="督查通知单已重新发送（进入发件箱，工作时间内发出）。",
            button=True,
            doc="重发督查通知单 to the unit's current contacts.",
        ),
        StepPage(
            "revoke",
            "assignment.revoke",
            run=_revoke,
            done="已收回此前发出的所有办理链接。如需继续办理，请重发督查通知单。",
            button=True,
            doc="收回链接: every link sent so far stops working; a new notice carries a new one.",
        ),
    )
