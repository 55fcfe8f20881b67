"""Notices (督查通知单, 催办通知单, 整改通知书, 黄牌警告, 提请追责): the register, drafts to edit and issue (签发), the
leadership's decisions on 提请追责, and the official print layout every notice and circular shares."""

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from admin_views.base import ChinaDateBetweenFilter, QueryOptions, SecureModelView, enum_filters, row_url
from admin_views.figure_filter import FigureFilter
from admin_views.formatters import item_link, text_block
from admin_views.items import unit_options
from admin_views.permissions import WORKFLOW, may
from admin_views.workflow_pages import (
    AccountabilityDecisionForm,
    ConfirmForm,
    DraftForm,
    StepPage,
    WorkflowPagesMixin,
)
from extensions import db
from models.assignment import Assignment
from models.escalation import LADDER, AccountabilityDecision, Escalation, FailureReason, rung_name
from models.notice import NOTICE_KINDS, Notice, NoticeKind, NoticeStatus
from models.user import Role
from workflows.sanctions import awaiting_decision, decide_accountability, edit_draft, escalation_of, issue_draft
from workflows.visibility import of_unit

# --- the official print layout ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedDocument:
    """What the A4 layout prints: 文号, title, 主送, body, 抄送, the office's signature and date; a draft is marked."""

    kind_label: str
    number: str | None
    title: str
    addressee: str
    body: str
    date: datetime | None
    copy_to: str | None = None
    draft: bool = False
    request: bool = False  # a 请示 to the leadership (提请追责): its 签发人 stands beside the number
    signer: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs, without its opening addressee line (the layout prints 主送 itself)."""
        lines = [line.strip() for line in (self.body or "").split("\n") if line.strip()]
        if lines and lines[0].endswith("：") and len(lines[0]) <= 60 and "。" not in lines[0]:
            lines = lines[1:]
        return lines

    @classmethod
    def of_notice(cls, notice: Notice) -> "PrintedDocument":
        """A notice as issued, or its draft (no number, no date, marked 草稿)."""
        return cls(
            kind_label=notice.kind.label,
            number=notice.number,
            title=notice.title,
            addressee=notice.addressee,
            body=notice.body,
            date=notice.issued_at,
            copy_to=notice.copy_to,
            draft=notice.is_draft,
            request=NOTICE_KINDS[notice.kind].to_leadership,
            signer=notice.issued_by_name,
        )


def print_page(doc: PrintedDocument):
    """The A4 page of a document."""
    return render_template("notices/print.html", doc=doc)


# --- the notice register ------------------------------------------------------------------------------------------


def _number(view, context, model, name):
    """The number, linking to the printed notice; a draft reads 待签发 and links to its page."""
    if model.is_draft:
        url = row_url("notice.details_view", model.id)
        return Markup('<a href="{}"><span class="badge badge-warning">待签发</span></a>').format(url)
    url = row_url("notice.print_view", model.id)
    return Markup('<a href="{}" target="_blank">{}</a>').format(url, model.number)


def _issue_label(notice: Notice) -> str:
    """签发, or 提交局领导 for a 提请追责 (a request the leadership decides)."""
    return "提交局领导" if notice.kind == NoticeKind.ACCOUNTABILITY else "签发"


def _issued(notice: Notice) -> str:
    """What the office is told once a draft went out."""
    if notice.kind == NoticeKind.ACCOUNTABILITY:
        return f"提请追责（{notice.number}）已提交局领导决定，邮件已进入发件箱；单位在局领导决定前看不到它。"
    return f"{notice.kind.label}已签发（{notice.number}），邮件已进入发件箱（工作时间内发送）。"


class NoticeView(WorkflowPagesMixin, SecureModelView):
    """通知文书: every notice, issued (numbered, printable) or a draft the office edits and issues (待签发)."""

    endpoint_name = "notice"
    count_cap = 2000
    details_template = "admin/notice_details.html"
    column_list = ["number", "kind", "title", "unit", "issued_at", "issued_by_name"]
    column_details_list = [
        "number",
        "kind",
        "status",
        "title",
        "addressee",
        "copy_to",
        "body",
        "item",
        "unit",
        "drafted_at",
        "issued_at",
        "issued_by_name",
    ]
    column_export_list = [
        "number",
        "kind",
        "status",
        "title",
        "addressee",
        "copy_to",
        "item",
        "unit",
        "issued_at",
        "issued_by_name",
    ]
    column_default_sort = ("id", True)
    column_sortable_list = ["number", "kind", "issued_at"]
    column_searchable_list = ["number", "title", "addressee"]
    column_formatters = {"number": _number, "item": item_link}
    column_formatters_detail = {
        "number": lambda v, c, m, n: m.number or "（待签发）",
        "item": item_link,
        "body": text_block,
    }
    column_filters = [
        *enum_filters(Notice.kind, NoticeKind),
        *enum_filters(Notice.status, NoticeStatus),
        FilterEqual(Notice.unit_id, "承办单位", options=QueryOptions(unit_options)),
        ChinaDateBetweenFilter(Notice.issued_at, "发出时间"),
        FigureFilter(Notice),
    ]
    column_select_related_list = [Notice.unit, Notice.item]

    def _office_only(self, query):
        """Drafts are the office's (those who issue them); others read issued notices only."""
        if self._may(WORKFLOW):
            return query
        return query.filter(Notice.status == NoticeStatus.ISSUED)

    def get_query(self):
        return self._office_only(super().get_query())

    def get_count_query(self):
        return self._office_only(super().get_count_query())

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Notice, unit_id))

    def notice_extras(self, notice):
        """The buttons of a notice's page, and (for the office) the rung it belongs to and its decision."""
        office = current_user.role != Role.LIAISON
        return {
            "can_edit": may(current_user, "notice.edit_draft", notice),
            "can_issue": may(current_user, "notice.issue", notice),
            "issue_label": _issue_label(notice),
            "escalation": escalation_of(db.session, notice) if office else None,
            "confirm": ConfirmForm(),
        }

    @expose("/print/")
    def print_view(self):
        """The notice on A4 in the official layout; a draft prints marked 草稿."""
        notice = self.get_one(request.args.get("id", ""))
        if notice is None:
            return self.render("admin/notice_missing.html"), 404
        return print_page(PrintedDocument.of_notice(notice))

    step_pages = (
        StepPage(
            "draft",
            "notice.edit_draft",
            run=lambda s, notice, form, **who: edit_draft(s, notice, title=form.title.data, body=form.body.data, **who),
            done="文书草稿已保存（尚未签发）。",
            title=lambda notice: f"修改{notice.kind.label}草稿",
            form=DraftForm,
            submit="保存草稿",
            prefill=lambda notice: {"title": notice.title, "body": notice.body},
            intro=lambda notice: f"主送：{notice.addressee}。保存后仍为草稿；在文书页上点“{_issue_label(notice)}”"
            "后编号并经邮件发出。",
            doc="修改文书草稿: a drafted rung notice's title and text, before it is issued.",
        ),
        StepPage(
            "issue",
            "notice.issue",
            run=lambda s, notice, form, **who: issue_draft(s, notice, **who),
            said=_issued,
            button=True,
            doc="签发 a drafted rung notice (提请追责: submit it to the leadership): numbered and mailed.",
        ),
    )


# --- the rungs and the leadership's decisions ------------------------------------------------------------------------

PENDING = "pending"


class DecisionFilter(FilterEqual):
    """追责决定: 待决定 (a submitted 提请追责 the leadership has not decided), 同意追责 or 不予追责."""

    def apply(self, query, value, alias=None):
        if value == PENDING:
            return query.filter(awaiting_decision())
        return query.filter(Escalation.level == 3, Escalation.decision == AccountabilityDecision(value))


def _decision(view, context, model, name):
    """The leadership's decision on a 提请追责; 待决定 once submitted; blank for the other rungs."""
    if model.level != 3:
        return ""
    if model.decision is not None:
        return model.decision.label
    if model.notice is not None and model.notice.is_draft:
        return "待提交"
    return Markup('<span class="badge badge-danger">待决定</span>')


class EscalationView(WorkflowPagesMixin, SecureModelView):
    """督查等级记录: every rung reached (整改通知书, 黄牌警告, 提请追责), and the leadership's decisions on 提请追责."""

    endpoint_name = "escalation"
    details_template = "admin/escalation_details.html"
    column_list = ["assignment", "level", "grounds", "round_date", "notice", "decision", "created_at"]
    column_details_list = [
        "assignment",
        "level",
        "round_date",
        "reason",
        "grounds",
        "notice",
        "remedied_at",
        "decision",
        "decision_comment",
        "decided_by_name",
        "decided_at",
        "created_at",
        "created_by_name",
    ]
    column_default_sort = ("id", True)
    column_sortable_list = ["level", "round_date", "created_at"]
    column_labels = {"assignment": "承办任务", "notice": "文号"}
    column_formatters = {
        "level": lambda v, c, m, n: rung_name(m.level),
        "notice": lambda v, c, m, n: (m.notice.number or "待签发") if m.notice else "",
        "decision": _decision,
    }
    column_formatters_export = column_formatters
    column_filters = [
        FilterEqual(Escalation.level, "督查等级", options=[(str(rung.level), rung.name) for rung in LADDER]),
        DecisionFilter(
            Escalation.decision, "追责决定", options=[(PENDING, "待决定"), *AccountabilityDecision.choices()]
        ),
        *enum_filters(Escalation.reason, FailureReason),
    ]
    column_auto_select_related = False

    def get_query(self):
        return (
            super()
            .get_query()
            .options(
                joinedload(Escalation.assignment).joinedload(Assignment.item),
                joinedload(Escalation.assignment).joinedload(Assignment.unit),
                joinedload(Escalation.notice),
            )
        )

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Escalation, unit_id))

    def escalation_extras(self, escalation):
        """The record behind a rung, for the office and the leadership: the share's checks, rungs, notices and
        reports; a liaison reads the rung and the decision only."""
        return {
            "can_decide": may(current_user, "escalation.decide", escalation),
            "record": self.record(escalation) if current_user.role != Role.LIAISON else None,
        }

    def record(self, escalation) -> Markup:
        """The three checks, the rungs with their notices, and the reports of the escalation's share."""
        assignment = escalation.assignment
        rungs = db.session.scalars(
            select(Escalation)
            .where(Escalation.assignment_id == assignment.id)
            .options(joinedload(Escalation.notice))
            .order_by(Escalation.level)
        ).all()
        notices = db.session.scalars(
            select(Notice).where(Notice.assignment_id == assignment.id).order_by(Notice.id)
        ).all()
        share = db.session.scalars(
            select(Assignment)
            .where(Assignment.id == assignment.id)
            .options(selectinload(Assignment.checks), selectinload(Assignment.feedbacks))
        ).one()
        # the output of an autoescaping template
        return Markup(  # nosec B704
            render_template(
                "admin/_accountability_record.html",
                escalation=escalation,
                assignment=share,
                checks=share.checks,
                rungs=rungs,
                notices=notices,
                reports=sorted(share.feedbacks, key=lambda f: f.id),
            )
        )

    step_pages = (
        StepPage(
            "decide",
            "escalation.decide",
            run=lambda s, e, form, **who: decide_accountability(
                s, e, form.decision.data == "agree", form.comment.data, **who
            ),
            said=lambda e: (
                f"已决定：{e.decision.label}。已通知{e.assignment.unit.name}和提交的督查人员（进入发件箱）。"
            ),
            title="局领导决定：提请追责",
            form=AccountabilityDecisionForm,
            submit="提交决定",
            shown=lambda e: f"{e.notice.number} {e.notice.title}" if e.notice else str(e.assignment),
            intro=lambda e: e.notice.body if e.notice else "",
            extra=lambda view, e: view.record(e),
            doc="局领导决定: 同意追责 or 不予追责 (with a comment) on a submitted 提请追责; unit and supervisor told.",
        ),
    )
