"""The accounts screen (admin only): create users, set roles, reset passwords, unlock and deactivate."""

from flask import flash, request, session
from flask_admin.actions import action
from flask_login import current_user
from sqlalchemy import select
from wtforms import PasswordField, validators

from admin_views.base import SecureModelView, enum_filters
from admin_views.lookups import leader_loader, unit_loader
from clock import utcnow
from extensions import db
from models.user import Role, User
from web.auth import SESSION_TOKEN
from workflows.accounts import MIN_PASSWORD_LENGTH, password_problem, reset_password, unlock_account


class UserView(SecureModelView):
    """用户管理."""

    endpoint_name = "user"
    column_list = ["username", "display_name", "role", "unit", "email", "active", "last_login_at", "locked_until"]
    column_details_list = [
        "username",
        "display_name",
        "role",
        "unit",
        "leader",
        "email",
        "active",
        "last_login_at",
        "locked_until",
        "created_at",
    ]
    column_default_sort = ("username", False)
    column_searchable_list = ["username", "display_name", "email"]
    column_filters = [*enum_filters(User.role, Role), "active"]
    column_labels = {"new_password": "密码"}  # nosec B105
    form_columns = ["username", "display_name", "role", "unit", "leader", "email", "active", "new_password"]
    form_extra_fields = {
        "new_password": PasswordField(
            "密码",
            description=f"新建用户时必填；编辑时留空表示不修改，填写即重置密码、解除锁定并使该用户已登录的会话失效。至"
            f"少 {MIN_PASSWORD_LENGTH} 个字符，不能是常见密码或包含用户名。",
        )
    }
    form_ajax_refs = {"unit": unit_loader("unit"), "leader": leader_loader("leader")}
    form_args = {
        "username": {
            "validators": [
                validators.InputRequired("请填写用户名。"),
                validators.Length(max=50, message="用户名不能超过 50 个字符。"),
                validators.Regexp(r"^[A-Za-z0-9_.@-]+$", message="用户名只能包含字母、数字和 _ . @ -。"),
            ]
        },
        "display_name": {"validators": [validators.InputRequired("请填写姓名。")]},
        "email": {"validators": [validators.Optional(), validators.Email("电子邮箱格式不正确。")]},
    }

    def validate_form(self, form):
        valid = super().validate_form(form)
        if not hasattr(form, "new_password"):
            return valid
        creating = request.endpoint and request.endpoint.endswith("create_view")
        password = form.new_password.data or ""
        if creating and not password:
            form.new_password.errors = [*form.new_password.errors, "新建用户必须设置密码。"]
            valid = False
        elif password:
            problem = password_problem(
                password, username=form.username.data or "", names=(form.display_name.data or "",)
            )
            if problem:
                form.new_password.errors = [*form.new_password.errors, problem]
                valid = False
        if form.role.data == Role.LIAISON and not form.unit.data:
            form.unit.errors = [*form.unit.errors, "联络员必须指定所在单位。"]
            valid = False
        return valid

    def on_model_change(self, form, model, is_created):
        password = form.new_password.data
        if is_created:
            model.set_password(password)
        elif password:
            keep = session.get(SESSION_TOKEN) if model.id == current_user.id else None
            reset_password(db.session, model, password, now=utcnow(), keep_session=keep)

    def on_model_delete(self, model):
        if model.id == current_user.id:
            raise ValueError("不能删除当前登录的账户。")

    @action("deactivate", "停用", "确定停用所选账户吗？停用后将无法登录。")
    def action_deactivate(self, ids):
        self._set_active(ids, False)

    @action("activate", "启用", "确定启用所选账户吗？")
    def action_activate(self, ids):
        self._set_active(ids, True)

    @action("unlock", "解除登录锁定")
    def action_unlock(self, ids):
        now = utcnow()
        for user in db.session.scalars(select(User).where(User.id.in_([int(i) for i in ids]))):
            unlock_account(db.session, user, now=now)
        db.session.commit()
        flash("已解除所选账户的登录锁定。", "success")

    def _set_active(self, ids, active: bool):
        users = db.session.scalars(select(User).where(User.id.in_([int(i) for i in ids]))).all()
        if not active and any(u.id == current_user.id for u in users):
            flash("不能停用当前登录的账户。", "error")
            return
        for user in users:
            user.active = active
        db.session.commit()
        flash(f"已{'启用' if active else '停用'} {len(users)} 个账户。", "success")
