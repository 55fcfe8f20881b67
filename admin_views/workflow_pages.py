"""Pages that run one workflow step from a screen: a small form (a reason, a verdict), CSRF-checked, in Chinese."""

from flask import abort, flash, redirect, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin_views.base import safe_return_url
from admin_views.permissions import WORKFLOW
from extensions import db
from models.feedback import ReviewStatus
from models.item import Satisfaction
from workflows.lifecycle import TransitionError


class ConfirmForm(FlaskForm):
    """A button that does one thing (the CSRF token is the whole form)."""


class ReasonForm(FlaskForm):
    """A step that needs a reason (暂停, 撤销, 停止督办)."""

    reason = TextAreaField(
        "原因", validators=[DataRequired("请填写原因。"), Length(max=1000, message="原因不能超过 1000 字。")]
    )


class AnswerForm(FlaskForm):
    """The answer to a proposer or caller (答复) and their satisfaction."""

    answer = TextAreaField(
        "答复内容",
        validators=[DataRequired("请填写答复内容。"), Length(max=5000, message="答复内容不能超过 5000 字。")],
    )
    satisfaction = SelectField("满意度", choices=[("", "（未评价）"), *Satisfaction.choices()], validators=[Optional()])


class ReviewForm(FlaskForm):
    """The supervisor's verdict on a feedback."""

    verdict = RadioField(
        "审核结论",
        choices=[
            (s.value, s.label) for s in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED, ReviewStatus.UNSATISFACTORY)
        ],
        validators=[InputRequired("请选择审核结论。")],
    )
    comment = TextAreaField("审核意见", validators=[Length(max=2000, message="审核意见不能超过 2000 字。")])


class DecisionForm(FlaskForm):
    """The decision on an extension request."""

    decision = RadioField(
        "审批结果", choices=[("approve", "批准"), ("refuse", "不批准")], validators=[InputRequired("请选择审批结果。")]
    )
    comment = TextAreaField("审批意见", validators=[Length(max=2000, message="审批意见不能超过 2000 字。")])


class DeadlineForm(FlaskForm):
    """A supervisor moves one unit's deadline, saying why (the history keeps it)."""

    deadline = DateField(
        "新的完成时限", format="%Y-%m-%d", validators=[InputRequired("请填写新的完成时限（如 2026-12-31）。")]
    )
    reason = StringField(
        "调整原因", validators=[DataRequired("请填写调整原因。"), Length(max=300, message="调整原因不能超过 300 字。")]
    )


class WorkflowPagesMixin:
    """For a SecureModelView: load the record of ?id=, check the role, render the step's form, run the step."""

    def record_or_404(self):
        """The record named by ?id=, within the user's scope."""
        record = self.get_one(request.args.get("id", ""))
        if record is None:
            abort(404)
        return record

    def require_workflow(self):
        """403 unless the user's role may run workflow steps here."""
        if not self._may(WORKFLOW):
            abort(403)

    def step_page(
        self, *, title: str, form, record, intro: str = "", submit: str = "确定", danger: bool = False, extra=None
    ):
        """Render the form of a step for a record."""
        return self.render(
            "admin/workflow_form.html",
            title=title,
            form=form,
            record=record,
            intro=intro,
            submit=submit,
            danger=danger,
            extra=extra,
            back=safe_return_url(self.get_url(".details_view", id=record.id)),
        )

    def actor(self):
        """The signed-in user, who signs the step."""
        return current_user._get_current_object()

    def bad_confirm(self, record):
        """A POST whose CSRF token is missing or stale: say so and go back to the record."""
        flash("页面已过期，请刷新后重试。", "error")
        return self.redirect_details(record)

    def redirect_details(self, record):
        """Back to the record's page."""
        return redirect(self.get_url(".details_view", id=record.id))

    def run_step(self, step, success: str, back: str):
        """Run a workflow step and commit; a refused step rolls back and says why (in Chinese)."""
        try:
            step()
            db.session.commit()
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return None
        flash(success, "success")
        return redirect(back)
