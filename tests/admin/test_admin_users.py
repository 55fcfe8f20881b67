"""Accounts (admin only): create with a password, roles, reset a password, unlock, deactivate."""

from datetime import timedelta

import pytest

from clock import utcnow
from extensions import db
from models import Role, User
from tests.factories import PASSWORD, login, make_unit, make_user

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect


@pytest.fixture
def admin(client):
    """A client signed in as an admin."""
    make_user("root", Role.ADMIN, display_name="管理员")
    db.session.commit()
    login(client, "root")
    return client


def test_should_create_a_liaison_account_tied_to_a_unit_that_can_sign_in(admin, client):
    unit = make_unit("东方红林场")
    db.session.commit()
    form = {
        "username": "wang",
        "display_name": "王联络",
        "role": "liaison",
        "unit": unit.id,
        "active": "y",
        "new_password": "a-long-secret",
    }
    assert admin.post("/admin/user/new/", data=form).status_code == 302
    user = db.session.scalar(db.select(User).filter_by(username="wang"))
    assert user.role == Role.LIAISON and user.unit_id == unit.id and user.check_password("a-long-secret")
    admin.post("/logout")
    assert login(client, "wang", "a-long-secret").status_code == 302


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"new_password": ""}, "新建用户必须设置密码"),
        ({"new_password": "short"}, "密码至少需要 10 个字符"),
        ({"new_password": "password123"}, "常见密码"),
        ({"new_password": "zhao-the-inspector"}, "不能包含用户名"),
        ({"new_password": "1234567890abc"}, "太容易被猜到"),
        ({"role": "liaison"}, "联络员必须指定所在单位"),
        ({"username": "有 空格"}, "用户名只能包含"),
        ({"username": "root"}, "已存在"),
        ({"email": "bad@"}, "电子邮箱格式不正确"),
    ],
)
def test_should_reject_bad_account_input_in_chinese_and_keep_the_typed_values(admin, overrides, message):
    form = {
        "username": "zhao",
        "display_name": "赵督查",
        "role": "supervisor",
        "active": "y",
        "new_password": "a-long-secret",
    }
    response = admin.post("/admin/user/new/", data={**form, **overrides})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "赵督查" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_should_reset_a_password_and_lift_the_lock(admin, client):
    user = make_user("zhao", Role.SUPERVISOR, display_name="赵督查")
    user.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    form = {
        "username": "zhao",
        "display_name": "赵督查",
        "role": "supervisor",
        "active": "y",
        "new_password": "brand-new-secret",
    }
    assert admin.post(f"/admin/user/edit/?id={user.id}", data=form).status_code == 302
    admin.post("/logout")
    assert login(client, "zhao", PASSWORD).status_code == 401
    assert login(client, "zhao", "brand-new-secret").status_code == 302


def test_should_keep_the_password_when_the_field_is_left_blank_on_edit(admin, client):
    user = make_user("zhao", Role.SUPERVISOR)
    db.session.commit()
    form = {"username": "zhao", "display_name": "新名字", "role": "supervisor", "active": "y", "new_password": ""}
    assert admin.post(f"/admin/user/edit/?id={user.id}", data=form).status_code == 302
    admin.post("/logout")
    assert login(client, "zhao", PASSWORD).status_code == 302


def test_should_deactivate_and_unlock_accounts_with_list_actions(admin, client):
    zhao = make_user("zhao", Role.SUPERVISOR)
    qian = make_user("qian", Role.LEADER)
    qian.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    admin.post("/admin/user/action/", data={"action": "deactivate", "rowid": [zhao.id]})
    admin.post("/admin/user/action/", data={"action": "unlock", "rowid": [qian.id]})
    admin.post("/logout")
    assert "停用" in login(client, "zhao").get_data(as_text=True)
    assert login(client, "qian").status_code == 302


def test_should_not_let_an_admin_deactivate_or_delete_themself(admin):
    me = db.session.scalar(db.select(User).filter_by(username="root"))
    page = admin.post("/admin/user/action/", data={"action": "deactivate", "rowid": [me.id]}, follow_redirects=True)
    assert "不能停用当前登录的账户" in page.get_data(as_text=True)
    page = admin.post("/admin/user/delete/", data={"id": me.id}, follow_redirects=True)
    assert "不能删除当前登录的账户" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).active


def test_should_never_show_password_hashes(admin):
    user = make_user("zhao", Role.SUPERVISOR)
    db.session.commit()
    for url in ("/admin/user/", f"/admin/user/details/?id={user.id}", f"/admin/user/edit/?id={user.id}"):
        page = admin.get(url).get_data(as_text=True)
        assert "pbkdf2" not in page and "scrypt" not in page
