"""The home page (工作台): the office's figures at a glance, limited to the own unit for liaisons."""

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from clock import china_date, utcnow
from extensions import db
from models.user import Role
from workflows.dashboard import dashboard_figures, office_alerts


class DashboardView(AdminIndexView):
    """工作台."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        unit_id = current_user.unit_id if current_user.role == Role.LIAISON else None
        today = china_date(utcnow())
        figures = dashboard_figures(db.session, today=today, unit_id=unit_id)
        alerts = office_alerts(db.session, today=today) if current_user.role in (Role.ADMIN, Role.SUPERVISOR) else None
        return self.render(
            "admin/dashboard.html", figures=figures, alerts=alerts, unit=current_user.unit if unit_id else None
        )
