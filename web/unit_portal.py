"""The unit's page, opened from the link in a notice: 签收, 落实情况反馈表, 延期申请, and the item's history."""

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import DateField, IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from admin_views.checks import unit_check_state
from admin_views.permissions import may
from audit import act_as
from clock import china_date, utcnow
from extensions import db
from formatting import period_text
from models.assignment import Assignment, AssignmentStatus
from models.check import STAGES
from models.extension import DeadlineChange, ExtensionRequest, ExtensionStatus
from models.item import Rhythm
from models.notice import Notice
from models.periodic import QuarterTarget
from phone_numbers import PHONE_PATTERN
from web.throttle import count_bad_link, link_limit_page
from workdays import WorkCalendar
from workflows.checks import next_check_round
from workflows.feedback import (
    FeedbackInput,
    Upload,
    acknowledge,
    request_extension,
    submit_feedback,
    upload_problem,
)
from workflows.lifecycle import WORKING, TransitionError
from workflows.periodic import period_events
from workflows.tokens import LinkError, check_token, make_token
from workflows.visibility import notice_told_to_unit, told_level

bp = Blueprint("portal", __name__, url_prefix="/unit")
LONG_TEXT = 5000
PHONE = Regexp(PHONE_PATTERN, message="联系电话格式不正确，应为数字，可含区号和“-”。")


class AcknowledgeForm(FlaskForm):
    """签收: who received the notice."""

    name = StringField(
        "签收人", validators=[DataRequired("请填写签收人姓名。"), Length(max=50, message="姓名不能超过 50 个字。")]
    )


class FeedbackForm(FlaskForm):
    """落实情况反馈表."""

    period = SelectField("报送期次", validators=[Optional()], validate_choice=False)
    progress = TextAreaField(
        "工作进展",
        validators=[
            DataRequired("请填写工作进展。"),
            Length(max=LONG_TEXT, message=f"工作进展不能超过 {LONG_TEXT} 字。"),
        ],
    )
    measures = TextAreaField(
        "采取措施", validators=[Length(max=LONG_TEXT, message=f"采取措施不能超过 {LONG_TEXT} 字。")]
    )
    problems = TextAreaField(
        "存在问题", validators=[Length(max=LONG_TEXT, message=f"存在问题不能超过 {LONG_TEXT} 字。")]
    )
    next_steps = TextAreaField(
        "下步打算", validators=[Length(max=LONG_TEXT, message=f"下步打算不能超过 {LONG_TEXT} 字。")]
    )
    percent_complete = IntegerField(
        "完成比例（%）",
        validators=[
            InputRequired("请填写完成比例（0–100 的整数）。"),
            NumberRange(0, 100, "完成比例应为 0 到 100 之间的整数。"),
        ],
    )
    contact_name = StringField(
        "联系人", validators=[DataRequired("请填写联系人。"), Length(max=50, message="联系人不能超过 50 个字。")]
    )
    contact_phone = StringField("联系电话", validators=[DataRequired("请填写联系电话。"), PHONE])
    attachments = MultipleFileField("附件")

    def validate_attachments(self, field):
        """Type, size and number of files, from the configuration."""
        files = [f for f in (field.data or []) if getattr(f, "filename", "")]
        config = current_app.config
        if len(files) > config["ATTACHMENT_MAX_COUNT"]:
            raise ValidationError(f"附件最多 {config['ATTACHMENT_MAX_COUNT']} 个。")
        problems = []
        self.uploads = []
        for storage in files:
            upload = Upload(storage.filename, storage.mimetype or "", storage.read())
            problem = upload_problem(
                upload,
                allowed_extensions=set(config["ATTACHMENT_EXTENSIONS"]),
                max_bytes=config["ATTACHMENT_MAX_BYTES"],
            )
            if problem:
                problems.append(problem)
            self.uploads.append(upload)
        if problems:
            raise ValidationError(" ".join(problems) + " 请重新选择附件（已填写的内容已保留）。")


class ExtensionForm(FlaskForm):
    """延期申请."""

    requested_deadline = DateField("申请延至", validators=[InputRequired("请选择申请延至的日期。")], format="%Y-%m-%d")
    reason = TextAreaField(
        "延期理由",
        validators=[DataRequired("请填写延期理由。"), Length(max=2000, message="延期理由不能超过 2000 字。")],
    )
    requested_by = StringField(
        "申请人", validators=[DataRequired("请填写申请人姓名。"), Length(max=50, message="姓名不能超过 50 个字。")]
    )


def _assignment_or_error(token: str):
    """The assignment the token opens, or the Chinese error page."""
    limited = link_limit_page()
    if limited:
        return None, limited
    try:
        return check_token(db.session, token, now=utcnow()).assignment, None
    except LinkError as error:
        count_bad_link()
        return None, (render_template("unit/invalid.html", message=str(error)), 403)


def _period_choices(assignment) -> list[tuple[str, str]]:
    if assignment.item.rhythm == Rhythm.ONE_OFF:
        return []
    calendar = WorkCalendar.load(db.session)
    periods = []
    for event in period_events(assignment, calendar):
        label = f"{period_text(event.period)}（{event.report_day}前报送）"
        if (event.period, label) not in periods:
            periods.append((event.period, label))
    return [("", "最终办结情况（非阶段报送）"), *periods]


def _page(token, assignment, *, ack=None, feedback=None, extension=None, status=200):
    """Render the unit's page with whichever forms were just submitted (keeping what was typed)."""
    feedback = feedback or FeedbackForm(prefix="fb")
    feedback.period.choices = _period_choices(assignment)
    notices = db.session.scalars(
        select(Notice)
        .where(
            or_(
                Notice.assignment_id == assignment.id,
                (Notice.item_id == assignment.item_id) & (Notice.unit_id == assignment.unit_id),
            ),
            notice_told_to_unit(),
        )
        .order_by(Notice.issued_at, Notice.id)
    ).all()
    extensions = db.session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.assignment_id == assignment.id).order_by(ExtensionRequest.id)
    ).all()
    targets = db.session.scalars(
        select(QuarterTarget).where(QuarterTarget.assignment_id == assignment.id).order_by(QuarterTarget.period)
    ).all()
    changes = db.session.scalars(
        select(DeadlineChange).where(DeadlineChange.assignment_id == assignment.id).order_by(DeadlineChange.id)
    ).all()
    next_round = next_check_round(assignment)
    return (
        render_template(
            "unit/assignment.html",
            token=token,
            assignment=assignment,
            item=assignment.item,
            ack_form=ack or AcknowledgeForm(prefix="ack"),
            feedback_form=feedback,
            extension_form=extension or ExtensionForm(prefix="ext"),
            notices=notices,
            rung=told_level(db.session, assignment),
            extensions=extensions,
            deadline_changes=changes,
            targets=targets,
            open=assignment.status in WORKING,
            pending_extension=any(e.status == ExtensionStatus.PENDING for e in extensions),
            awaiting_review=assignment.status == AssignmentStatus.SUBMITTED,
            today=china_date(utcnow()),
            checks=[(check, unit_check_state(check)) for check in assignment.checks],
            next_check=next((c for c in assignment.checks if c.round == next_round), None),
            next_stage=STAGES.get(next_round),
        ),
        status,
    )


@bp.route("/mine/<int:assignment_id>")
def mine(assignment_id):
    """A signed-in liaison opens their unit's page for one share: the same page, form and rules as the e-mailed link."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not may(current_user, "assignment.handle", assignment):
        abort(404 if assignment is None or current_user.role.value == "liaison" else 403)
    return redirect(url_for("portal.show", token=make_token(assignment)))


@bp.route("/<token>")
def show(token):
    """The unit's page for one assignment."""
    assignment, error = _assignment_or_error(token)
    return error or _page(token, assignment)


@bp.route("/<token>/acknowledge", methods=["POST"])
def acknowledge_notice(token):
    """签收."""
    assignment, error = _assignment_or_error(token)
    if error:
        return error
    form = AcknowledgeForm(prefix="ack")
    if not form.validate_on_submit():
        return _page(token, assignment, ack=form, status=400)
    now = utcnow()
    act_as(db.session, f"{form.name.data}（{assignment.unit.name}）", now=now)
    try:
        done = acknowledge(db.session, assignment, form.name.data, now=now)
    except TransitionError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for("portal.show", token=token))
    db.session.commit()
    flash("已签收。请按时限填报落实情况反馈表。" if done else "该通知此前已签收。", "success")
    return redirect(url_for("portal.show", token=token))


@bp.route("/<token>/feedback", methods=["POST"])
def feedback(token):
    """Submit a 落实情况反馈表 (with optional attachments)."""
    assignment, error = _assignment_or_error(token)
    if error:
        return error
    form = FeedbackForm(prefix="fb")
    form.period.choices = _period_choices(assignment)
    if not form.validate_on_submit():
        return _page(token, assignment, feedback=form, status=400)
    now = utcnow()
    data = FeedbackInput.from_form(form)
    act_as(db.session, f"{form.contact_name.data}（{assignment.unit.name}）", now=now)
    try:
        submit_feedback(
            db.session,
            assignment,
            data,
            getattr(form, "uploads", []),
            by_name=form.contact_name.data,
            now=now,
        )
    except TransitionError as problem:
        db.session.rollback()
        form.progress.errors = [*form.progress.errors, str(problem)]
        return _page(token, assignment, feedback=form, status=409)
    db.session.commit()
    flash("反馈已提交，等待督查室审核。审核结果将通过邮件通知。", "success")
    return redirect(url_for("portal.show", token=token))


@bp.route("/<token>/extension", methods=["POST"])
def extension(token):
    """延期申请."""
    assignment, error = _assignment_or_error(token)
    if error:
        return error
    form = ExtensionForm(prefix="ext")
    if not form.validate_on_submit():
        return _page(token, assignment, extension=form, status=400)
    now = utcnow()
    act_as(db.session, f"{form.requested_by.data}（{assignment.unit.name}）", now=now)
    try:
        request_extension(
            db.session,
            assignment,
            form.requested_deadline.data,
            form.reason.data,
            by_name=form.requested_by.data,
            now=now,
        )
    except TransitionError as problem:
        db.session.rollback()
        form.requested_deadline.errors = [*form.requested_deadline.errors, str(problem)]
        return _page(token, assignment, extension=form, status=409)
    db.session.commit()
    flash("延期申请已提交，等待督查室审批。", "success")
    return redirect(url_for("portal.show", token=token))


def register_unit_portal(app: Flask) -> None:
    """Install the units' pages."""
    app.register_blueprint(bp)
