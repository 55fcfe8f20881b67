"""The feedback screen (落实情况反馈表): reports from units, and the supervisor's review of each."""

from datetime import UTC
from pathlib import Path

from flask import abort, current_app, render_template, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import validators

from admin_views.base import ChinaDateBetweenFilter, QueryOptions, SecureModelView, bounded_id, enum_filters, row_url
from admin_views.figure_filter import FigureFilter
from admin_views.formatters import period_column, review_badge
from admin_views.items import unit_options
from admin_views.lookups import assignment_loader
from admin_views.permissions import may
from admin_views.workflow_pages import PeriodReviewForm, ReviewForm, StepPage, WorkflowPagesMixin
from clock import utcnow
from extensions import db
from file_store import attachment_response
from models.assignment import ESCALATION_LABELS, Assignment, AssignmentStatus
from models.attachment import Attachment
from models.extension import DeadlineChange, ExtensionRequest
from models.feedback import Feedback, ReviewStatus
from models.notice import Notice
from phone_numbers import PHONE_PATTERN
from workflows.feedback import FeedbackInput, review_feedback, submit_feedback
from workflows.lifecycle import TransitionError
from workflows.visibility import of_unit

CONTENT_FIELDS = (
    "assignment",
    "progress",
    "measures",
    "problems",
    "next_steps",
    "percent_complete",
    "contact_name",
    "contact_phone",
)


class FeedbackUnitFilter(FilterEqual):
    """承办单位 of a feedback, through a subquery: the list already joins its assignment, a second join is ambiguous."""

    def apply(self, query, value, alias=None):
        return query.filter(Feedback.assignment_id.in_(select(Assignment.id).where(Assignment.unit_id == int(value))))


def _feedback_assignment(view, context, model, name):
    assignment = model.assignment
    url = row_url("item.details_view", assignment.item.id)
    return Markup('<a href="{}">{}</a> · {}').format(url, assignment.item.number, assignment.unit.name)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _utc_key(moment):
    """Sort key for timestamps that SQLite returns naive (UTC) and PostgreSQL aware."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment and moment.tzinfo else moment


def _marked_slow(form) -> bool:
    """Did the reviewer mark a period report's progress 进度不理想?"""
    field = getattr(form, "progress_unsatisfactory", None)
    return bool(field is not None and field.data)


class FeedbackView(WorkflowPagesMixin, SecureModelView):
    """落实情况反馈表."""

    endpoint_name = "feedback"
    count_cap = 2000
    details_template = "admin/feedback_details.html"
    column_auto_select_related = False
    column_list = [
        "assignment",
        "period",
        "percent_complete",
        "progress",
        "submitted_by_name",
        "submitted_at",
        "review_status",
    ]
    column_details_list = [
        "assignment",
        "period",
        "progress",
        "measures",
        "problems",
        "next_steps",
        "percent_complete",
        "contact_name",
        "contact_phone",
        "submitted_by_name",
        "submitted_at",
        "review_status",
        "reviewer",
        "review_comment",
        "reviewed_at",
    ]
    column_export_list = column_details_list
    column_default_sort = ("id", True)
    column_sortable_list = ["submitted_at", "review_status", "percent_complete"]
    column_searchable_list = ["progress", "measures", "submitted_by_name"]
    column_formatters = {
        "assignment": _feedback_assignment,
        "review_status": review_badge,
        "progress": lambda v, c, m, n: _short(m.progress),
        "period": period_column,
    }
    column_formatters_detail = {
        "assignment": _feedback_assignment,
        "review_status": review_badge,
        "period": period_column,
    }
    column_formatters_export = {
        "period": period_column,
        "assignment": lambda v,
        c,
        m,
        n: f"{m.assignment.item.number} {m.assignment.item.title} · {m.assignment.unit.name}",
    }
    column_filters = [
        *enum_filters(Feedback.review_status, ReviewStatus),
        FeedbackUnitFilter(Feedback.assignment_id, "承办单位", options=QueryOptions(unit_options)),
        ChinaDateBetweenFilter(Feedback.submitted_at, "提交时间"),
        FigureFilter(Feedback),
    ]
    form_columns = list(CONTENT_FIELDS)
    form_ajax_refs = {"assignment": assignment_loader("assignment")}
    form_args = {
        "assignment": {"validators": [validators.InputRequired("请选择承办任务。")]},
        "progress": {
            "validators": [
                validators.InputRequired("请填写工作进展。"),
                validators.Length(max=5000, message="工作进展不能超过 5000 个字。"),
            ]
        },
        "percent_complete": {
            "validators": [
                validators.InputRequired("请填写完成比例。"),
                validators.NumberRange(0, 100, "完成比例应在 0 到 100 之间。"),
            ]
        },
        "contact_phone": {
            "validators": [
                validators.Optional(),
                validators.Regexp(PHONE_PATTERN, message="联系电话格式不正确。"),
            ]
        },
    }
    form_widget_args = {name: {"rows": 4} for name in ("progress", "measures", "problems", "next_steps")}

    def get_query(self):
        return (
            super()
            .get_query()
            .join(Feedback.assignment)
            .options(
                joinedload(Feedback.assignment).joinedload(Assignment.item),
                joinedload(Feedback.assignment).joinedload(Assignment.unit),
            )
        )

    def get_count_query(self):
        return super().get_count_query().join(Assignment, Feedback.assignment_id == Assignment.id)

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(Feedback, unit_id))

    def create_model(self, form):
        """A report typed in the admin goes through the same workflow as one sent from a unit's link."""
        data = FeedbackInput.from_form(form)
        try:
            feedback = submit_feedback(
                db.session,
                form.assignment.data,
                data,
                [],
                by_name=str(current_user),
                user=current_user,
                now=utcnow(),
            )
            db.session.commit()
        except TransitionError as problem:
            db.session.rollback()
            self.handle_view_exception(ValueError(str(problem)))
            return False
        return feedback

    def on_model_change(self, form, model, is_created):
        if not is_created and model.review_status != ReviewStatus.PENDING:
            raise ValueError("该反馈已审核，不能再修改；如需补充，请提交新的反馈。")

    def feedback_extras(self, feedback):
        """What the details page needs: may this user review it, or (a liaison) open the unit's page?"""
        return {
            "can_review": may(current_user, "feedback.review", feedback),
            "can_handle": may(current_user, "assignment.handle", feedback.assignment),
        }

    def review_context(self, feedback) -> Markup:
        """Beside the review form: the report's attachments, what each verdict leads to, the share's history."""
        assignment = feedback.assignment
        level = assignment.escalation_level or 0
        others = [
            a for a in assignment.item.assignments if a.id != assignment.id and a.status != AssignmentStatus.CANCELLED
        ]
        history = [(n.issued_at, n.kind.label, f"{n.number} {n.title}") for n in self._rows(Notice, assignment)]
        if assignment.acknowledged_at:
            history.append((assignment.acknowledged_at, "签收", assignment.acknowledged_by or ""))
        for f in assignment.feedbacks:
            verdict = f.review_status.label + (f"：{f.review_comment}" if f.review_comment else "")
            mark = "（本次）" if f.id == feedback.id else ""
            history.append(
                (f.submitted_at, f"反馈{mark}", f"完成 {f.percent_complete}% · {verdict} · {_short(f.progress, 80)}")
            )
        for e in self._rows(ExtensionRequest, assignment):
            history.append(
                (e.requested_at, "延期申请", f"申请延至 {e.requested_deadline}（{e.status.label}）：{e.reason}")
            )
        for c in self._rows(DeadlineChange, assignment):
            history.append((c.changed_at, "时限调整", f"{c.old_deadline} → {c.new_deadline}：{c.reason}"))
        history.sort(key=lambda row: _utc_key(row[0]))
        # the output of an autoescaping template
        return Markup(  # nosec B704
            render_template(
                "admin/_review_context.html",
                feedback=feedback,
                assignment=assignment,
                history=history,
                completes=feedback.period is None and feedback.percent_complete >= 100,
                last_share=all(a.status == AssignmentStatus.ACCEPTED for a in others),
                current_rung=ESCALATION_LABELS[level],
            )
        )

    @staticmethod
    def _rows(model, assignment):
        return db.session.scalars(select(model).where(model.assignment_id == assignment.id).order_by(model.id)).all()

    step_pages = (
        StepPage(
            "review",
            "feedback.review",
            run=lambda s, feedback, form, **who: review_feedback(
                s,
                feedback,
                ReviewStatus(form.verdict.data),
                form.comment.data,
                progress_unsatisfactory=_marked_slow(form),
                **who,
            ),
            done=lambda form: f"审核完成：{ReviewStatus(form.verdict.data).label}。"
            + ("已标记进度不理想，督查通知单已进入发件箱。" if _marked_slow(form) else ""),
            title="审核反馈",
            form=ReviewForm,
            form_for=lambda feedback: PeriodReviewForm if feedback.period else ReviewForm,
            submit="提交审核结论",
            shown=lambda feedback: feedback.assignment,
            intro=lambda feedback: f"工作进展：{feedback.progress}\n完成比例：{feedback.percent_complete}%\n采取措施："
            f"{feedback.measures or '—'}\n存在问题：{feedback.problems or '—'}\n下步打算："
            f"{feedback.next_steps or '—'}",
            extra=lambda view, feedback: view.review_context(feedback),
            back=lambda view, feedback: view.get_url(".index_view", flt0_0="pending")
            if request.args.get("next") == "queue"
            else view.get_url(".details_view", id=feedback.id),
            doc="审核: accept, return with a reason, or judge 不合格 (which climbs the ladder).",
        ),
    )

    @expose("/attachment/")
    def attachment_view(self):
        """Download an attachment, for whoever may read its feedback."""
        key = bounded_id(request.args.get("id", ""))
        attachment = db.session.get(Attachment, key) if key else None
        if attachment is None or self.get_one(str(attachment.feedback_id)) is None:
            abort(404)
        response = attachment_response(
            db.engine, db.session, attachment, Path(current_app.config["UPLOAD_FOLDER"])
        )  # streamed from the database in chunks; a file of an older release not yet moved in, from disk
        if response is None:
            abort(404)
        return response
