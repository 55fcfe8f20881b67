"""The representative's page, opened from the e-mailed link: read the answer to their proposal and judge it, once."""

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from audit import act_as
from clock import utcnow
from extensions import db
from models.item import Satisfaction
from models.proposal import JudgedVia
from web.throttle import count_bad_link, link_limit_page
from workflows.lifecycle import TransitionError
from workflows.proposals import JudgementLinkError, check_link, judge

bp = Blueprint("proposal_portal", __name__, url_prefix="/proposal")


class RepresentativeForm(FlaskForm):
    """满意 / 基本满意 / 不满意, and a comment."""

    satisfaction = RadioField(
        "您对答复的评价", choices=Satisfaction.choices(), validators=[InputRequired("请选择评价。")]
    )
    comment = TextAreaField("意见或建议（可选）", validators=[Length(max=2000, message="意见不能超过 2000 字。")])


def _proposal_or_error(token: str):
    limited = link_limit_page()
    if limited:
        return None, limited
    try:
        return check_link(db.session, token, now=utcnow()), None
    except JudgementLinkError as error:
        count_bad_link()
        return None, (render_template("unit/invalid.html", message=str(error)), 403)


@bp.route("/<token>", methods=["GET", "POST"])
def judge_answer(token):
    """The answer and the judgement form; a valid POST records the judgement (不满意 reopens the proposal)."""
    proposal, error = _proposal_or_error(token)
    if error:
        return error
    form = RepresentativeForm()
    if form.validate_on_submit():
        now = utcnow()
        name = proposal.representatives.split("、")[0]
        act_as(db.session, f"{name}（提案人）", now=now)
        try:
            judge(
                db.session,
                proposal,
                form.satisfaction.data,
                form.comment.data or "",
                via=JudgedVia.LINK,
                by_name=name,
                now=now,
            )
            db.session.commit()
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            return redirect(url_for("proposal_portal.thanks"))
    return render_template("proposal/judge.html", proposal=proposal, item=proposal.item, form=form)


@bp.route("/thanks")
def thanks():
    """After the judgement: thanks, and what happens next."""
    return render_template("proposal/thanks.html")


def register_proposal_portal(app: Flask) -> None:
    """Install the representatives' pages."""
    app.register_blueprint(bp)
