"""The liaison's own entry, opened from a 名录核对 e-mail: confirm it, propose corrections, or name a successor."""

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Email, Length, Optional, Regexp

from audit import act_as
from clock import utcnow
from extensions import db
from models.roster import ConfirmationAnswer
from phone_numbers import MOBILE_PATTERN, PHONE_PATTERN
from web.throttle import count_bad_link, link_limit_page
from workflows.confirmation import ConfirmationLinkError, Correction, answer, check_confirmation_token
from workflows.lifecycle import TransitionError

bp = Blueprint("roster", __name__, url_prefix="/roster")
MOBILE = Regexp(MOBILE_PATTERN, message="手机号码应为 11 位数字，以 1 开头。")
PHONE = Regexp(PHONE_PATTERN, message="电话号码格式不正确，应为数字，可含区号和“-”。")


class ConfirmForm(FlaskForm):
    """信息无误."""


class CorrectionForm(FlaskForm):
    """The fields a liaison may correct; blank means unchanged."""

    post = StringField("职务", validators=[Optional(), Length(max=50, message="职务不能超过 50 字。")])
    office_phone = StringField("办公电话", validators=[Optional(), PHONE])
    mobile = StringField("手机", validators=[Optional(), MOBILE])
    email = StringField("电子邮箱", validators=[Optional(), Email("电子邮箱格式不正确。"), Length(max=120)])
    comment = TextAreaField("说明", validators=[Optional(), Length(max=500, message="说明不能超过 500 字。")])


class LeftForm(FlaskForm):
    """已离任: who takes over."""

    successor_name = StringField("接任人姓名", validators=[Optional(), Length(max=50, message="姓名不能超过 50 字。")])
    successor_email = StringField("接任人邮箱", validators=[Optional(), Email("电子邮箱格式不正确。"), Length(max=120)])
    successor_mobile = StringField("接任人手机", validators=[Optional(), MOBILE])
    comment = TextAreaField("说明", validators=[Optional(), Length(max=500, message="说明不能超过 500 字。")])


def _confirmation_or_error(token):
    limited = link_limit_page()
    if limited:
        return None, limited
    try:
        return check_confirmation_token(db.session, token, now=utcnow()), None
    except ConfirmationLinkError as error:
        count_bad_link()
        return None, (render_template("unit/invalid.html", message=str(error)), 403)


def _page(token, confirmation, *, correction=None, left=None, status=200):
    return (
        render_template(
            "roster/entry.html",
            token=token,
            confirmation=confirmation,
            liaison=confirmation.liaison,
            confirm_form=ConfirmForm(prefix="ok"),
            correction_form=correction or CorrectionForm(prefix="fix"),
            left_form=left or LeftForm(prefix="left"),
        ),
        status,
    )


@bp.route("/<token>")
def show(token):
    """The liaison's entry and the three answers they can give."""
    confirmation, error = _confirmation_or_error(token)
    return error or _page(token, confirmation)


def _submit(token, confirmation, verdict, proposal, form, failing_field):
    now = utcnow()
    act_as(db.session, f"{confirmation.liaison.name}（名录核对）", now=now)
    try:
        answer(db.session, confirmation, verdict, proposal, now=now)
    except TransitionError as problem:
        db.session.rollback()
        getattr(form, failing_field).errors = [*getattr(form, failing_field).errors, str(problem)]
        return None
    db.session.commit()
    return redirect(url_for("roster.show", token=token))


@bp.route("/<token>/confirm", methods=["POST"])
def confirm(token):
    """信息无误."""
    confirmation, error = _confirmation_or_error(token)
    if error:
        return error
    if not ConfirmForm(prefix="ok").validate_on_submit():
        return _page(token, confirmation, status=400)
    done = _submit(
        token, confirmation, ConfirmationAnswer.CONFIRMED, Correction(), CorrectionForm(prefix="fix"), "comment"
    )
    if done:
        flash("感谢您的确认。", "success")
        return done
    flash("本次核对已结束或正在审核，如需更正请联系督查室。", "error")
    return redirect(url_for("roster.show", token=token))


def _propose(token, verdict: ConfirmationAnswer, form, failing_field: str, success: str, page_key: str):
    """A correction or a departure: the form's fields are the proposal's; it waits for a supervisor."""
    confirmation, error = _confirmation_or_error(token)
    if error:
        return error
    if form.validate_on_submit():
        proposal = Correction(**{f.short_name: f.data or "" for f in form if f.short_name != "csrf_token"})
        done = _submit(token, confirmation, verdict, proposal, form, failing_field)
        if done:
            flash(success, "success")
            return done
    return _page(token, confirmation, status=400, **{page_key: form})


@bp.route("/<token>/correct", methods=["POST"])
def correct(token):
    """申请更正 (waits for a supervisor)."""
    return _propose(
        token,
        ConfirmationAnswer.CORRECTED,
        CorrectionForm(prefix="fix"),
        "comment",
        "更正已提交，督查室审核后将更新名录。",
        "correction",
    )


@bp.route("/<token>/left", methods=["POST"])
def left(token):
    """已离任, naming a successor (waits for a supervisor)."""
    return _propose(
        token,
        ConfirmationAnswer.LEFT,
        LeftForm(prefix="left"),
        "successor_name",
        "已提交离任及接任人信息，督查室审核后将更新名录。",
        "left",
    )


def register_roster_portal(app: Flask) -> None:
    """Install the liaisons' confirmation pages."""
    app.register_blueprint(bp)
