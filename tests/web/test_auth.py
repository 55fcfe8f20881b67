"""Signing in and out: hashed passwords, the failed-login throttle, deactivated accounts, cookies, CSRF."""

from datetime import timedelta

import pytest
import time_machine

from clock import utcnow
from extensions import db
from models import Role, User
from tests.conftest import csrf_token_from, make_config
from tests.factories import PASSWORD, login, make_user
from workflows.accounts import LoginPolicy, authenticate


def test_should_sign_in_with_the_right_password_and_land_on_the_dashboard(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    response = login(client, "zhang")
    assert response.status_code == 302 and response.location.endswith("/admin/")
    page = client.get("/admin/").get_data(as_text=True)
    assert "工作台" in page and "zhang" in page


def test_should_store_only_a_salted_scrypt_hash_of_the_password_by_default(app):
    app.config.pop("PASSWORD_HASH_METHOD")
    user = make_user("zhang", Role.SUPERVISOR)
    twin = make_user("li", Role.SUPERVISOR)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert user.password_hash != twin.password_hash
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_should_refuse_a_wrong_password_with_one_chinese_message_for_unknown_and_known_users(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    wrong = login(client, "zhang", "wrong-password")
    unknown = login(client, "nobody", "wrong-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_should_lock_the_account_for_a_minute_after_5_failures_even_for_the_right_password(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    for _ in range(4):
        assert "用户名或密码错误" in login(client, "zhang", "bad").get_data(as_text=True)
    fifth = login(client, "zhang", "bad").get_data(as_text=True)
    assert "锁定 1 分钟" in fifth
    refused = login(client, "zhang")
    assert refused.status_code == 401 and "锁定" in refused.get_data(as_text=True)
    user = db.session.scalar(db.select(User).filter_by(username="zhang"))
    assert user.locked_until is not None
    with time_machine.travel(utcnow() + timedelta(minutes=1, seconds=1)):
        assert login(client, "zhang").status_code == 302


POLICY = LoginPolicy(max_failures=5, lock_minutes=1, max_lock_minutes=60, password_hash_method="pbkdf2:sha256:1000")


def test_should_unlock_exactly_at_the_end_of_the_lock(app, now):
    user = make_user("zhang", Role.SUPERVISOR)
    for _ in range(5):
        authenticate(db.session, "zhang", "bad", now=now, address="10.0.0.1", policy=POLICY)
    assert user.locked_until == now + timedelta(minutes=1)
    early = now + timedelta(minutes=1, seconds=-1)
    assert authenticate(db.session, "zhang", PASSWORD, now=early, address="10.0.0.1", policy=POLICY).user is None
    on_time = now + timedelta(minutes=1)
    assert authenticate(db.session, "zhang", PASSWORD, now=on_time, address="10.0.0.1", policy=POLICY).user is user


def test_should_double_the_lock_each_time_up_to_the_maximum(app, now):
    user = make_user("zhang", Role.SUPERVISOR)
    moment = now
    lengths = []
    for _ in range(8):
        for _ in range(5):
            authenticate(db.session, "zhang", "bad", now=moment, address="10.0.0.1", policy=POLICY)
        lengths.append(user.locked_until - moment)
        moment = user.locked_until
    assert [int(length.total_seconds() // 60) for length in lengths] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_should_reset_the_failure_count_after_a_successful_sign_in(app, now):
    user = make_user("zhang", Role.SUPERVISOR)
    for _ in range(4):
        authenticate(db.session, "zhang", "bad", now=now, address="10.0.0.1", policy=POLICY)
    assert authenticate(db.session, "zhang", PASSWORD, now=now, address="10.0.0.1", policy=POLICY).user is user
    for _ in range(4):
        authenticate(db.session, "zhang", "bad", now=now, address="10.0.0.1", policy=POLICY)
    assert user.locked_until is None


def test_should_refuse_a_deactivated_account(client):
    make_user("zhang", Role.SUPERVISOR, active=False)
    db.session.commit()
    response = login(client, "zhang")
    assert response.status_code == 401 and "停用" in response.get_data(as_text=True)


def test_should_sign_out_a_deactivated_user_on_the_next_request(client):
    user = make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    login(client, "zhang")
    user.active = False
    db.session.commit()
    response = client.get("/admin/item/")
    assert response.status_code == 302 and "/login" in response.location


def test_should_send_anonymous_visitors_to_the_login_page(client):
    for url in ("/", "/admin/", "/admin/item/", "/admin/user/"):
        response = client.get(url, follow_redirects=True)
        assert "登录" in response.get_data(as_text=True)
        assert response.request.path == "/login"


def test_should_not_follow_a_next_parameter_to_another_site(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    response = client.post("/login?next=https://evil.example.com/", data={"username": "zhang", "password": PASSWORD})
    assert response.location.endswith("/admin/")


def test_should_sign_out_with_a_post(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    login(client, "zhang")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", follow_redirects=True)
    assert "已安全退出" in response.get_data(as_text=True)
    assert client.get("/admin/item/").status_code == 302


def test_should_mark_the_session_cookie_httponly_and_samesite(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    cookie = login(client, "zhang").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_app_config(migrated_database):
    """The app's configuration with CSRF protection on."""
    return make_config(migrated_database, WTF_CSRF_ENABLED=True)


class TestWithCsrf:
    """The same app with CSRF protection on, as in production."""

    @pytest.fixture
    def app_config(self, csrf_app_config):
        return csrf_app_config

    def test_should_refuse_a_login_post_without_token(self, client):
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        response = login(client, "zhang")
        assert response.status_code == 400
        assert "安全令牌" in response.get_data(as_text=True)

    def test_should_accept_a_login_post_with_the_token_from_the_form(self, client):
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": "zhang", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_should_refuse_admin_creates_deletes_and_actions_without_token(self, client):
        from tests.factories import make_unit

        make_user("zhang", Role.ADMIN)
        unit = make_unit("第一林场")
        db.session.commit()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "zhang", "password": PASSWORD, "csrf_token": token})
        form = {"code": "X1", "name": "新单位", "kind": "affiliated", "active": "y"}
        assert client.post("/admin/unit/new/", data=form).status_code == 400
        assert client.post("/admin/unit/delete/", data={"id": unit.id}).status_code == 400
        assert client.post("/admin/unit/action/", data={"action": "delete", "rowid": unit.id}).status_code == 400
        assert client.post("/logout").status_code == 400
        assert db.session.scalar(db.select(db.func.count()).select_from(type(unit))) == 1

    def test_should_accept_an_admin_create_and_delete_with_the_token_from_the_page(self, client):
        from models import Unit

        make_user("zhang", Role.ADMIN)
        db.session.commit()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "zhang", "password": PASSWORD, "csrf_token": token})
        page = client.get("/admin/unit/new/").get_data(as_text=True)
        form = {
            "code": "X1",
            "name": "新单位",
            "kind": "affiliated",
            "active": "y",
            "csrf_token": csrf_token_from(page),
        }
        assert client.post("/admin/unit/new/", data=form).status_code == 302
        unit_id = db.session.scalar(db.select(Unit.id).filter_by(code="X1"))
        listing = client.get("/admin/unit/").get_data(as_text=True)
        response = client.post("/admin/unit/delete/", data={"id": unit_id, "csrf_token": csrf_token_from(listing)})
        assert response.status_code == 302
        assert db.session.get(Unit, unit_id) is None


def test_should_let_a_user_change_their_own_password(client):
    make_user("zhang", Role.SUPERVISOR)
    db.session.commit()
    login(client, "zhang")
    wrong = client.post("/account/password", data={"current": "nope", "new": "a-new-secret", "repeat": "a-new-secret"})
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={"current": PASSWORD, "new": "short", "repeat": "short"})
    assert "密码至少需要" in short.get_data(as_text=True)
    mismatch = client.post("/account/password", data={"current": PASSWORD, "new": "a-new-secret", "repeat": "another"})
    assert "两次输入的新密码不一致" in mismatch.get_data(as_text=True)
    assert (
        client.post(
            "/account/password", data={"current": PASSWORD, "new": "a-new-secret", "repeat": "a-new-secret"}
        ).status_code
        == 302
    )
    client.post("/logout")
    assert login(client, "zhang").status_code == 401
    assert login(client, "zhang", "a-new-secret").status_code == 302


def test_should_send_an_anonymous_visitor_of_the_password_page_to_the_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.location
