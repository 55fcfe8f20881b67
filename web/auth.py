"""Sign-in and sign-out pages at /login and /logout, and the session's user loader."""

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from admin_views.base import safe_return_url
from clock import utcnow
from extensions import db, login_manager
from models.user import User
from workflows.accounts import authenticate, reset_password

bp = Blueprint("auth", __name__)


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
        result = authenticate(
            db.session,
            form.username.data,
            form.password.data,
            now=utcnow(),
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        db.session.commit()
        if result.user is not None:
            login_user(result.user)
            return redirect(safe_next())
        error = result.error
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with a CSRF token, so a link elsewhere cannot sign anyone out)."""
    logout_user()
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
                reset_password(db.session, current_user, form.new.data, now=utcnow())
            except ValueError as problem:
                form.new.errors = [*form.new.errors, str(problem)]
            else:
                db.session.commit()
                flash("密码已修改。", "success")
                return redirect(url_for("admin.index"))
    return render_template("auth/password.html", form=form)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Reload the signed-in user from the session cookie."""
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def register_auth(app: Flask) -> None:
    """Install Flask-Login and the sign-in pages."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    app.register_blueprint(bp)
    app.add_url_rule("/", "home", lambda: redirect(url_for("admin.index")))
