"""The admin screens (Flask-Admin), built anew for every app by register_admin()."""

from pathlib import Path

from flask import Flask, has_request_context, render_template_string, request, url_for
from flask_admin import Admin
from flask_admin.menu import MenuLink
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user
from markupsafe import Markup, escape

from admin_views.accounts import UserView
from admin_views.assessment import AssessmentRuleView, AssessmentView
from admin_views.assignments import AssignmentView
from admin_views.audit import AuditView
from admin_views.calendar import CalendarDayView
from admin_views.checks import CheckGroundView, CheckQueueView, CheckView
from admin_views.circulars import CircularView
from admin_views.dashboard import DashboardView, filtered_list_url
from admin_views.extensions import ExtensionView
from admin_views.feedback import FeedbackView
from admin_views.formatters import shown_level
from admin_views.imports import ImportView
from admin_views.inspections import LeaderInspectionView
from admin_views.instructions import InstructionView
from admin_views.items import ItemView
from admin_views.notices import PENDING, EscalationView, NoticeView
from admin_views.organisation import LeaderView, LiaisonView, UnitView
from admin_views.outbox import OutboxView
from admin_views.permissions import may
from admin_views.quarter_targets import QuarterTargetView
from admin_views.research import ResearchArticleView
from admin_views.roster import ConfirmationView, DirectoryHealthView, StandInView
from admin_views.sources import (
    HigherInstructionView,
    HotlineCallView,
    HotlineCategoryView,
    ProposalView,
    ReceptionVisitView,
)
from admin_views.year_numbers import YearNumbersView
from models import (
    AssessmentRule,
    Assignment,
    AuditEvent,
    BureauLeader,
    CalendarDay,
    CheckGround,
    Circular,
    Confirmation,
    Escalation,
    ExtensionRequest,
    Feedback,
    HigherInstruction,
    HotlineCall,
    HotlineCategory,
    Instruction,
    Item,
    LeaderInspection,
    Liaison,
    Notice,
    OutboxMessage,
    Proposal,
    QuarterTarget,
    ReceptionVisit,
    ResearchArticle,
    StandIn,
    SupervisionCheck,
    Unit,
    User,
)
from models.notice import NoticeStatus
from models.user import Role
from web.security import csp_nonce

TRANSLATIONS = str(Path(__file__).resolve().parent.parent / "translations")


def register_admin(app: Flask) -> Admin:
    """Create the Admin with every screen, grouped into Chinese menus."""
    admin = Admin(
        app,
        name=f"{app.config['ORGANISATION_NAME']}督查督办",
        theme=Bootstrap4Theme(base_template="duban_master.html", fluid=True),
        index_view=DashboardView(name="工作台", url="/admin"),
        translations_path=TRANSLATIONS,
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(ItemView(Item, name="督查事项", category="督查督办"))
    admin.add_view(AssignmentView(Assignment, name=RoleName("承办任务", "本单位任务"), category="督查督办"))
    admin.add_view(FeedbackView(Feedback, name=RoleName("反馈审核", "本单位反馈"), category="督查督办"))
    admin.add_view(ExtensionView(ExtensionRequest, name="延期申请", category="督查督办"))
    admin.add_view(CheckQueueView(SupervisionCheck, name="待裁定督查", category="督查督办"))
    admin.add_view(CheckView(SupervisionCheck, name=RoleName("督查记录", "本单位督查"), category="督查督办"))
    admin.add_view(InstructionView(Instruction, name="领导批示", category="督查督办"))
    admin.add_view(LeaderInspectionView(LeaderInspection, name="领导督查", category="督查督办"))
    admin.add_view(NoticeView(Notice, name="通知文书", category="督查督办"))
    admin.add_link(
        StepLink(
            "待签发文书",
            "notice.workflow",
            lambda: filtered_list_url(admin, "notice", Notice.status, NoticeStatus.DRAFT),
            category="督查督办",
        )
    )
    admin.add_view(EscalationView(Escalation, name="督查等级记录", category="督查督办"))
    admin.add_link(
        StepLink(
            "待决定提请追责",
            "escalation.workflow",
            lambda: filtered_list_url(admin, "escalation", Escalation.decision, PENDING),
            category="督查督办",
        )
    )
    admin.add_view(CircularView(Circular, name="通报", category="督查督办"))
    admin.add_link(StepLink("写通报", "circular.create", lambda: url_for("circular.create_view"), category="督查督办"))
    admin.add_view(QuarterTargetView(QuarterTarget, name="季度目标", category="督查督办"))
    admin.add_view(HotlineCallView(HotlineCall, name=RoleName("便民热线", "本单位来电"), category="来源办理"))
    admin.add_link(StepLink("来电登记", "hotline.create", lambda: url_for("hotline.create_view"), category="来源办理"))
    admin.add_view(HigherInstructionView(HigherInstruction, name="上级批示件上报", category="来源办理"))
    admin.add_view(ProposalView(Proposal, name="建议提案", category="来源办理"))
    admin.add_view(ReceptionVisitView(ReceptionVisit, name="领导接访", category="来源办理"))
    admin.add_view(YearNumbersView(name="年度统计", category="结果"))
    admin.add_view(AssessmentView(name="目标考核", category="结果"))
    admin.add_view(AssessmentRuleView(AssessmentRule, name="评分规则", category="结果"))
    admin.add_view(ResearchArticleView(ResearchArticle, name="督查调研", category="结果"))
    admin.add_view(UnitView(Unit, name="承办单位", category="督查网络"))
    admin.add_view(LiaisonView(Liaison, name="联络员名录", category="督查网络"))
    admin.add_view(LeaderView(BureauLeader, name="局领导", category="督查网络"))
    admin.add_view(ImportView(name="导入导出", category="督查网络", endpoint="imports", url="/admin/import"))
    admin.add_view(StandInView(StandIn, name="代理", category="督查网络"))
    admin.add_view(ConfirmationView(Confirmation, name="名录核对", category="督查网络"))
    admin.add_view(DirectoryHealthView(name="名录体检", category="督查网络"))
    admin.add_view(UserView(User, name="用户管理", category="系统"))
    admin.add_view(CalendarDayView(CalendarDay, name="节假日调整", category="系统"))
    admin.add_view(CheckGroundView(CheckGround, name="不合格情形", category="系统"))
    admin.add_view(HotlineCategoryView(HotlineCategory, name="来电类别", category="系统"))
    admin.add_view(AuditView(AuditEvent, name="操作留痕", category="系统"))
    admin.add_view(OutboxView(OutboxMessage, name="发件箱", category="系统"))
    app.add_template_global(lambda step, record=None: may(current_user, step, record), "may")
    app.add_template_global(shown_level, "shown_level")
    app.add_template_global(main_menu, "duban_main_menu")
    app.add_template_global(static_url, "duban_static_url")
    return admin


def static_url(admin_view, *args, **kwargs) -> str:
    """The address of one of Flask-Admin's static files (its CSS and scripts), built once per process."""
    key = (request.script_root, args, tuple(sorted(kwargs.items())))
    urls = admin_view.admin.__dict__.setdefault("_duban_static_urls", {})
    url = urls.get(key)
    if url is None:
        url = urls[key] = admin_view.get_url(f"{admin_view.admin.endpoint}.static", *args, **kwargs)
    return url


MENU_TEMPLATE = "{% import 'admin/layout.html' as layout with context %}{{ layout.menu() }}"


def main_menu(admin_view) -> Markup:
    """The navigation bar's menu as Flask-Admin renders it, made once per process for each role and page.

    What the menu shows depends only on the role (what it may open, a liaison's names, the steps' filtered lists)
    and on which entry is the page's own (marked active); its addresses are fixed for the site's mount point.
    """
    user = current_user
    role = user.role if user.is_authenticated and user.is_active else None
    key = (role, getattr(admin_view, "endpoint", None), request.script_root)
    menus = admin_view.admin.__dict__.setdefault("_duban_menus", {})
    html = menus.get(key)
    if html is None:
        html = menus[key] = Markup(render_template_string(MENU_TEMPLATE, admin_view=admin_view))  # nosec B704
    return html


class StepLink(MenuLink):
    """A menu entry shown to those may() lets take `step`, its address built on each request (a filtered list)."""

    def __init__(self, name: str, step: str, address, *, category: str):
        super().__init__(name, category=category)
        self.step, self.address = step, address

    def get_url(self) -> str:
        return self.address()

    def is_accessible(self) -> bool:
        return may(current_user, self.step)


class RoleName(str):
    """A menu entry's name that reads differently for a liaison ("本单位任务") than for the office ("承办任务")."""

    def __new__(cls, office: str, liaison: str):
        name = super().__new__(cls, office)
        name.liaison = liaison
        return name

    def __str__(self) -> str:
        if has_request_context() and current_user.is_authenticated and current_user.role == Role.LIAISON:
            return self.liaison
        return str.__str__(self)

    def __html__(self) -> str:
        return str(escape(str(self)))
