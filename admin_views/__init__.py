"""The admin screens (Flask-Admin), built anew for every app by register_admin()."""

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from admin_views.accounts import UserView
from admin_views.dashboard import DashboardView
from admin_views.items import ItemView
from admin_views.organisation import LeaderView, LiaisonView, UnitView
from admin_views.work import AssignmentView, AuditView, FeedbackView, InstructionView
from models import Assignment, AuditEvent, BureauLeader, Feedback, Instruction, Item, Liaison, Unit, User

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "translations")


def register_admin(app: Flask) -> Admin:
    """Create the Admin with every screen, grouped into Chinese menus."""
    admin = Admin(
        app,
        name=f"{app.config['ORGANISATION_NAME']}督查督办",
        theme=Bootstrap4Theme(base_template="duban_master.html", fluid=True),
        index_view=DashboardView(name="工作台", url="/admin"),
        translations_path=TRANSLATIONS,
    )
    admin.add_view(ItemView(Item, name="督查事项", category="督查督办"))
    admin.add_view(AssignmentView(Assignment, name="承办任务", category="督查督办"))
    admin.add_view(FeedbackView(Feedback, name="反馈审核", category="督查督办"))
    admin.add_view(InstructionView(Instruction, name="领导批示", category="督查督办"))
    admin.add_view(UnitView(Unit, name="承办单位", category="督查网络"))
    admin.add_view(LiaisonView(Liaison, name="联络员名录", category="督查网络"))
    admin.add_view(LeaderView(BureauLeader, name="局领导", category="督查网络"))
    admin.add_view(UserView(User, name="用户管理", category="系统"))
    admin.add_view(AuditView(AuditEvent, name="操作留痕", category="系统"))
    return admin
