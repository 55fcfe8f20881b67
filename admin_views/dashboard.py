"""The home page (工作台): the office's figures at a glance, limited to the own unit for liaisons."""

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user

from admin_views.notices import PENDING
from admin_views.permissions import may
from clock import china_date, utcnow
from extensions import db
from models.assignment import Assignment
from models.escalation import Escalation
from models.extension import ExtensionRequest, ExtensionStatus
from models.feedback import Feedback, ReviewStatus
from models.item import Item
from models.notice import Notice, NoticeStatus
from models.outbox import OutboxMessage, OutboxStatus
from models.periodic import Circular, CircularStatus
from models.roster import Confirmation, CorrectionStatus
from models.user import Role
from workdays import WorkCalendar
from workflows.dashboard import (
    LIGHT_LABELS,
    dashboard_figures,
    leader_alerts,
    monthly_charts,
    office_alerts,
    unit_lights,
)
from workflows.upward import pending_upward_reports


def filtered_list_url(admin, endpoint: str, column, value) -> str | None:
    """The list of `endpoint` filtered by its equality filter on `column` to `value`; None if the user may not read
    it. The filter decides what the list shows (a card counts the same)."""
    if not may(current_user, f"{endpoint}.read"):
        return None
    view = next(v for v in admin._views if getattr(v, "endpoint", None) == endpoint)
    for index, flt in enumerate(view._filters or []):
        if isinstance(flt, FilterEqual) and flt.column is column:
            value = getattr(value, "value", value)
            # scope=all: the card counts the whole office, so the list must not open on 我分包的 (in_charge.py)
            arg = f"flt0_{view.get_filter_arg(index, flt)}"
            return url_for(f"{endpoint}.index_view", **{arg: value}, scope="all")
    raise LookupError(f"{endpoint} has no equality filter on {column}")


class DashboardView(AdminIndexView):
    """工作台."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    def filtered_url(self, endpoint: str, column, value) -> str | None:
        """The list of `endpoint` filtered to `column == value` (what a card counts); None if not readable."""
        return filtered_list_url(self.admin, endpoint, column, value)

    @expose("/")
    def index(self):
        unit_id = current_user.unit_id if current_user.role == Role.LIAISON else None
        today = china_date(utcnow())
        figures = dashboard_figures(db.session, today=today, unit_id=unit_id)
        calendar = WorkCalendar.load(db.session)
        office = current_user.role in (Role.ADMIN, Role.SUPERVISOR)
        alerts = office_alerts(db.session, today=today, calendar=calendar) if office else None
        lights = charts = None
        if office or current_user.role == Role.LEADER:
            leader_id = current_user.leader_id if current_user.role == Role.LEADER else None
            supervisor_id = current_user.id if current_user.role == Role.SUPERVISOR else None
            lights = unit_lights(
                db.session, today=today, calendar=calendar, leader_id=leader_id, supervisor_id=supervisor_id
            )
            charts = monthly_charts(db.session, today=today)
        if alerts:
            cards = self.cards(alerts)
        elif current_user.role == Role.LEADER:
            cards = self.leader_cards(leader_alerts(db.session))
        else:
            cards = []
        return self.render(
            "admin/dashboard.html",
            figures=figures,
            alerts=alerts,
            cards=cards,
            item_status=Item.status,
            item_source=Item.source,
            unit=current_user.unit if unit_id else None,
            lights=lights,
            light_counts={light: sum(1 for u in lights if u.light == light) for light in LIGHT_LABELS}
            if lights
            else {},
            light_labels=LIGHT_LABELS,
            unit_list=self.unit_list_url(),
            charts=charts,
            upward=pending_upward_reports(db.session, limit=10) if office or current_user.role == Role.LEADER else [],
        )

    def unit_list_url(self):
        """unit id -> the list of that unit's shares (None when the user may not read the shares)."""
        base = filtered_list_url(self.admin, "assignment", Assignment.unit_id, 0)
        if base is None:
            return lambda unit_id: None
        head, _, _ = base.rpartition("=")
        return lambda unit_id: f"{head}={unit_id}"

    def cards(self, alerts: dict) -> list[tuple[str, int, str, str]]:
        """The office's to-do cards: (label, count, the list filtered to exactly what is counted, colour); a target
        that is a bare endpoint is a list that shows exactly what is counted by itself (the verdict queue)."""
        cards = [
            ("待裁定督查", alerts["due_checks"], "check_queue", "warning"),
            ("待审核反馈", alerts["reviews"], ("feedback", Feedback.review_status, ReviewStatus.PENDING), "primary"),
            (
                "待审批延期",
                alerts["extensions"],
                ("extension", ExtensionRequest.status, ExtensionStatus.PENDING),
                "primary",
            ),
            (
                "待审核名录更正",
                alerts["corrections"],
                ("confirmation", Confirmation.correction_status, CorrectionStatus.PENDING),
                "primary",
            ),
            ("待签发文书", alerts["draft_notices"], ("notice", Notice.status, NoticeStatus.DRAFT), "warning"),
            ("通报草稿", alerts["draft_circulars"], ("circular", Circular.status, CircularStatus.DRAFT), "primary"),
            ("待决定提请追责", alerts["awaiting_decision"], ("escalation", Escalation.decision, PENDING), "danger"),
            ("待发送邮件", alerts["queued_mail"], ("outbox", OutboxMessage.status, OutboxStatus.QUEUED), "secondary"),
            ("发送失败邮件", alerts["failed_mail"], ("outbox", OutboxMessage.status, OutboxStatus.FAILED), "danger"),
        ]
        return self._shown(cards)

    def leader_cards(self, alerts: dict) -> list[tuple[str, int, str, str]]:
        """A leader's to-do card: the 提请追责 waiting for the leadership's decision."""
        pending = ("escalation", Escalation.decision, PENDING)
        return self._shown([("待决定提请追责", alerts["awaiting_decision"], pending, "danger")])

    def _shown(self, cards) -> list[tuple[str, int, str, str]]:
        """The cards whose list the user may open, each with its filtered list's address."""
        shown = []
        for label, count, target, css in cards:
            if isinstance(target, str):
                url = url_for(f"{target}.index_view") if may(current_user, f"{target}.read") else None
            else:
                url = self.filtered_url(*target)
            if url:
                shown.append((label, count, url, css))
        return shown
