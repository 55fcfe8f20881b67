"""Sign-in and sign-out pages at /login and /logout, and the session's user loader."""

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from admin_views.base import safe_return_url
from audit import act_as
from clock import utcnow
from extensions import db, login_manager
from models.user import User
from workflows.accounts import (
    LoginPolicy,
    authenticate,
    end_session,
    reset_password,
    session_user,
    start_session,
)

bp = Blueprint("auth", __name__)
# the key of the server-side session's token in the signed cookie (a name, not a secret)
SESSION_TOKEN = "duban_sid"  # nosec B105


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


def safe_next() -> str:
    """Follow ?next= only to a path on this site (not "//host", "/\\host" or "javascript:")."""
    return safe_return_url(url_for("admin.index"), "next")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        now = utcnow()
        address = request.remote_addr or ""
        result = authenticate(
            db.session,
            form.username.data,
            form.password.data,
            now=now,
            address=address,
            policy=LoginPolicy.from_config(current_app.config),
        )
        if result.user is not None:
            user = result.user
            token = start_session(
                db.session, user, now=now, lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"], address=address
            )
            ask_for_new_password = user.must_change_password
            user.must_change_password = False  # ask once: the user may still keep it
            db.session.commit()
            session.clear()
            login_user(user)
            session[SESSION_TOKEN] = token
            if ask_for_new_password:
                flash("您正在使用系统生成的初始密码，请设置一个只有您自己知道的新密码。", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next())
        db.session.commit()
        error, status = result.error, result.status
    else:
        status = 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with a CSRF token, so a link elsewhere cannot sign anyone out); the server forgets the session."""
    end_session(db.session, session.get(SESSION_TOKEN))
    db.session.commit()
    logout_user()
    session.pop(SESSION_TOKEN, None)
    flash("您已安全退出。", "success")
    return redirect(url_for("auth.login"))


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), Length(max=200)])
    repeat = PasswordField(
        "再次输入新密码", validators=[DataRequired("请再次输入新密码。"), EqualTo("new", "两次输入的新密码不一致。")]
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let the signed-in user change their own password (the first admin's generated one, above all)."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors = [*form.current.errors, "当前密码不正确。"]
        else:
            try:
                reset_password(
                    db.session, current_user, form.new.data, now=utcnow(), keep_session=session.get(SESSION_TOKEN)
                )
            except ValueError as problem:
                form.new.errors = [*form.new.errors, str(problem)]
            else:
                db.session.commit()
                flash("密码已修改。", "success")
                return redirect(url_for("admin.index"))
    return render_template("auth/password.html", form=form)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Reload the signed-in user, only while the server still holds the cookie's session (not after sign-out)."""
    try:
        return session_user(db.session, int(user_id), session.get(SESSION_TOKEN), now=utcnow())
    except (TypeError, ValueError):
        return None


def act_for_request() -> None:
    """The web edge of the audit trail: this request's work happens now, by the signed-in user (else the system)."""
    if request.endpoint in ("static", "healthz"):
        return  # no signed-in user to load: a load balancer's probe must not need the session
    now = utcnow()
    act_as(db.session, None, now=now)  # loading the signed-in user below may already touch their session row
    if current_user.is_authenticated:
        act_as(db.session, current_user._get_current_object(), now=now)


def register_auth(app: Flask) -> None:
    """Install Flask-Login and the sign-in pages."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    app.before_request(act_for_request)
    app.register_blueprint(bp)
    app.add_url_rule("/", "home", lambda: redirect(url_for("admin.index")))
