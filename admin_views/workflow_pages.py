"""Pages that run one workflow step from a screen: a small form (a reason, a verdict), CSRF-checked, in Chinese.

Each step page is declared once as a `StepPage` in its screen's `step_pages`; `WorkflowPagesMixin` turns every
declaration into the exposed view `<name>_view` at `/<name>/`, guarded by `may(user, step)`, the same answer the
buttons read.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from admin_views.base import safe_return_url
from admin_views.permissions import may
from clock import utcnow
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


class PeriodReviewForm(ReviewForm):
    """The review of a period report (月度、季度进展): the verdict, and whether progress is unsatisfactory."""

    progress_unsatisfactory = BooleanField(
        "进度不理想",
        description="勾选后向该单位发出《督查通知单》（进度不理想），下次督查时系统据此建议“不合格”（行动迟缓）。",
    )


class DraftForm(FlaskForm):
    """A drafted notice's title and text, edited before it is issued."""

    title = StringField(
        "标题", validators=[DataRequired("请填写标题。"), Length(max=300, message="标题不能超过 300 字。")]
    )
    body = TextAreaField(
        "正文",
        validators=[DataRequired("正文不能为空。"), Length(max=20000, message="正文不能超过 20000 字。")],
        render_kw={"rows": 20},
    )


class NoticeTextForm(FlaskForm):
    """A supervisor's own words to a unit (发督查通知单, 立即催办)."""

    text = TextAreaField(
        "通知内容",
        validators=[DataRequired("请填写通知内容。"), Length(max=5000, message="通知内容不能超过 5000 字。")],
        render_kw={"rows": 8},
    )


class AccountabilityDecisionForm(FlaskForm):
    """The leadership's decision on a 提请追责."""

    decision = RadioField(
        "决定", choices=[("agree", "同意追责"), ("decline", "不予追责")], validators=[InputRequired("请选择决定。")]
    )
    comment = TextAreaField(
        "意见（不予追责时必填）", validators=[Length(max=2000, message="意见不能超过 2000 字。")], render_kw={"rows": 4}
    )


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


@dataclass(frozen=True)
class StepPage:
    """One workflow step taken from a page of its own (GET shows the form, POST runs it) or from a button (POST only).

    `run(session, record, form, actor=..., now=...)` calls the workflow; `done` is the Chinese success message (or
    a function of the valid form; `said(record)` instead writes it once the step ran, e.g. with the number); `title`
    and `submit` may be functions of the record; `form_for(record)` picks the form class for a record (default:
    `form`); `outcome(view, record, result)` may add a message about what the step produced (the notice it
    drafted …); `intro`, `shown` and `extra` take the loaded record; `back(view, record)` is where a taken step
    leads (default: the record's page); `prefill(record)` fills the form on GET.
    """

    name: str  # the URL /<name>/ and the endpoint <screen>.<name>_view
    step: str  # the step's name for may(): the one place that says who may take it
    run: Callable
    done: str | Callable = ""
    title: str | Callable = ""
    form: type = ConfirmForm
    submit: str | Callable = ""  # the button's label; the title when left blank
    form_for: Callable | None = None
    said: Callable | None = None
    danger: bool = False
    intro: Callable | None = None
    prefill: Callable | None = None
    shown: Callable | None = None  # the record named on the page, when it is not the loaded one
    extra: Callable | None = None  # (view, record) -> Markup beside the form
    back: Callable | None = None
    outcome: Callable | None = None  # (view, record, what run returned) -> a further message, or None
    button: bool = False  # POST only, from a button on the record's page: a stale token or a refusal goes back there
    doc: str = ""


def _step_view(page: StepPage):
    """The exposed view of a declared step page."""

    def view(self):
        return self.take_step(page)

    view.__name__ = view.__qualname__ = f"{page.name}_view"
    view.__doc__ = page.doc or page.title
    view.step_page = page
    return expose(f"/{page.name}/", methods=("POST",) if page.button else ("GET", "POST"))(view)


class WorkflowPagesMixin:
    """For a SecureModelView: load the record of ?id=, check the role, render the step's form, run the step."""

    step_pages: tuple[StepPage, ...] = ()

    def __init_subclass__(cls, **kwargs):
        # Runs before Flask-Admin's metaclass gathers the exposed views, so the generated ones are among them.
        super().__init_subclass__(**kwargs)
        for page in cls.__dict__.get("step_pages", ()):
            setattr(cls, f"{page.name}_view", _step_view(page))

    def take_step(self, page: StepPage):
        """The whole step page: may() guards, the record loads or 404s, the form shows, a valid POST runs the step.

        The role decides here (403); the record's state is the workflow's to refuse, with its Chinese message.
        """
        if not may(current_user, page.step):
            abort(403)
        record = self.record_or_404()
        form_class = page.form_for(record) if page.form_for else page.form
        if page.button:
            form = form_class()
            if not form.validate_on_submit():
                return self.bad_confirm(record)
            return self._run_page(page, record, form) or self.redirect_details(record)
        form = form_class(data=page.prefill(record) if page.prefill and request.method == "GET" else None)
        if form.validate_on_submit():
            result = self._run_page(page, record, form)
            if result:
                return result
        title = page.title(record) if callable(page.title) else page.title
        submit = page.submit(record) if callable(page.submit) else page.submit
        return self.step_page(
            title=title,
            form=form,
            record=page.shown(record) if page.shown else record,
            intro=page.intro(record) if page.intro else "",
            submit=submit or title,
            danger=page.danger,
            extra=page.extra(self, record) if page.extra else None,
            back_to=self.get_url(".details_view", id=record.id),  # the step's own record, not the one shown
        )

    def _run_page(self, page: StepPage, record, form):
        if page.said is not None:
            done = lambda: page.said(record)  # noqa: E731  (written once the step ran: it may name the number given)
        else:
            done = page.done(form) if callable(page.done) else page.done
        back = page.back(self, record) if page.back else self.get_url(".details_view", id=record.id)
        results = []

        def step():
            results.append(page.run(db.session, record, form, actor=self.actor(), now=utcnow()))

        response = self.run_step(step, done, back)
        if response is not None and page.outcome is not None:
            message = page.outcome(self, record, results[0])
            if message:
                flash(message, "info")
        return response

    def record_or_404(self):
        """The record named by ?id=, within the user's scope."""
        record = self.get_one(request.args.get("id", ""))
        if record is None:
            abort(404)
        return record

    def step_page(
        self,
        *,
        title: str,
        form,
        record,
        intro: str = "",
        submit: str = "确定",
        danger: bool = False,
        extra=None,
        back_to: str | None = None,
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
            back=safe_return_url(back_to or self.get_url(".details_view", id=record.id)),
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

    def run_step(self, step, success, back: str):
        """Run a workflow step and commit; a refused step rolls back and says why (in Chinese). `success` is the
        message, or a function that writes it once the step ran."""
        try:
            step()
            message = success() if callable(success) else success
            db.session.commit()
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return None
        flash(message, "success")
        return redirect(back)
