"""The home page (工作台): the office's figures at a glance, limited to the own unit for liaisons."""

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from clock import china_date, utcnow
from extensions import db
from models.user import Role
from workflows.dashboard import dashboard_figures


class DashboardView(AdminIndexView):
    """工作台."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        unit_id = current_user.unit_id if current_user.role == Role.LIAISON else None
        figures = dashboard_figures(db.session, today=china_date(utcnow()), unit_id=unit_id)
        return self.render("admin/dashboard.html", figures=figures, unit=current_user.unit if unit_id else None)
