"""Sessions end on the server, security headers and CSP, private instance files, favicon, first-login password."""

import stat

import pytest

from app import create_app
from extensions import db
from models import LoginSession, Role, User
from tests.conftest import make_config
from tests.factories import PASSWORD, login, make_user

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect


def copied_cookie(client) -> str:
    """The session cookie's value, as a thief would copy it."""
    return client.get_cookie("session").value


class TestSessions:
    """Signing out and changing a password end sessions on the server, not only in the browser."""

    def test_should_refuse_a_replayed_cookie_after_sign_out(self, app, client):
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        login(client, "zhang")
        stolen = copied_cookie(client)
        assert client.get("/admin/item/").status_code == 200
        client.post("/logout")
        thief = app.test_client()
        thief.set_cookie("session", stolen)
        response = thief.get("/admin/item/")
        assert response.status_code == 302 and "/login" in response.location

    def test_should_end_the_other_sessions_on_a_password_change_and_keep_this_one(self, app, client):
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        other = app.test_client()
        login(other, "zhang")
        login(client, "zhang")
        new = "pine-forest-lookout-7"
        response = client.post("/account/password", data={"current": PASSWORD, "new": new, "repeat": new})
        assert response.status_code == 302
        assert client.get("/admin/item/").status_code == 200
        assert other.get("/admin/item/").status_code == 302

    def test_should_end_every_session_of_a_user_whose_password_an_admin_resets(self, app, client):
        make_user("root", Role.ADMIN)
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        victim = app.test_client()
        login(victim, "zhang")
        login(client, "root")
        zhang = db.session.scalar(db.select(User).filter_by(username="zhang"))
        form = {"username": "zhang", "display_name": "zhang", "role": "supervisor", "active": "y"}
        response = client.post(
            f"/admin/user/edit/?id={zhang.id}", data={**form, "new_password": "pine-forest-lookout-7"}
        )
        assert response.status_code == 302
        assert victim.get("/admin/item/").status_code == 302
        assert client.get("/admin/item/").status_code == 200

    def test_should_keep_only_a_hash_of_the_session_token(self, client):
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        login(client, "zhang")
        row = db.session.scalar(db.select(LoginSession))
        assert len(row.token_hash) == 64 and row.token_hash not in copied_cookie(client)


class TestHeaders:
    """Every response says how it may be framed, sniffed, referred and which scripts may run."""

    @pytest.mark.parametrize("url", ["/login", "/admin/", "/admin/item/", "/unit/bad-token", "/favicon.ico", "/nope"])
    def test_should_send_the_security_headers_on_every_response(self, client, url):
        make_user("zhang", Role.SUPERVISOR)
        db.session.commit()
        login(client, "zhang")
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        script_src = csp.split("script-src", 1)[1].split(";", 1)[0]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"

    def test_should_give_every_inline_script_the_nonce_of_its_response(self, client):
        make_user("zhang", Role.ADMIN)
        db.session.commit()
        login(client, "zhang")
        for url in ("/admin/item/new/", "/admin/user/", "/admin/item/"):
            response = client.get(url)
            nonce = response.headers["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
            page = response.get_data(as_text=True)
            assert " on" + "click=" not in page and " on" + "submit=" not in page
            for tag in page.split("<script")[1:]:
                assert f'nonce="{nonce}"' in tag.split(">", 1)[0] or "src=" in tag.split(">", 1)[0]

    def test_should_serve_a_favicon(self, client):
        response = client.get("/favicon.ico")
        assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"


class TestInstanceFiles:
    """The instance folder and the SQLite database are private to the account that runs Duban."""

    def test_should_create_the_database_600_and_tighten_the_instance_folder_to_700(self, tmp_path):
        instance = tmp_path / "instance"
        instance.mkdir(mode=0o755)
        instance.chmod(0o755)
        application = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
        assert application.config["SQLALCHEMY_DATABASE_URI"].endswith("duban.sqlite")
        assert stat.S_IMODE(instance.stat().st_mode) == 0o700
        assert stat.S_IMODE((instance / "duban.sqlite").stat().st_mode) == 0o600
        assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600


class TestFirstSignIn:
    """A generated password is to be changed: the user is asked once, on first sign-in."""

    @pytest.fixture
    def app_config(self, migrated_database, tmp_path):
        return make_config(migrated_database, INSTANCE_PATH=str(tmp_path))

    def test_should_ask_the_admin_to_change_the_generated_password_once(self, client, runner, tmp_path, monkeypatch):
        monkeypatch.delenv("DUBAN_ADMIN_PASSWORD", raising=False)
        assert runner.invoke(args=["init-db"]).exit_code == 0
        password = (tmp_path / "admin_password.txt").read_text().split("密码: ")[1].strip()
        first = login(client, "admin", password)
        assert first.status_code == 302 and first.location.endswith("/account/password")
        assert "初始密码" in client.get("/account/password").get_data(as_text=True)
        client.post("/logout")
        second = login(client, "admin", password)
        assert second.status_code == 302 and second.location.endswith("/admin/")

    def test_should_save_the_demo_passwords_beside_the_admins_mode_600(self, tmp_path):
        from cli.demo import save_private_lines

        path = tmp_path / "demo_passwords.txt"
        save_private_lines(path, ["a"])
        save_private_lines(path, ["b"])
        assert path.read_text() == "a\nb\n" and stat.S_IMODE(path.stat().st_mode) == 0o600


class TestPasswords:
    """Common and trivially guessable passwords are refused in Chinese; generated ones pass."""

    @pytest.mark.parametrize(
        "password, message",
        [
            ("12345678", "至少需要 10 个字符"),
            ("password", "至少需要 10 个字符"),
            ("1234567890", "常见密码"),
            ("qwertyuiop", "常见密码"),
            ("zzzzzzzzzzzz", "重复或连续"),
            ("abcdefghijklm", "重复或连续"),
            ("zhang-is-my-name", "用户名"),
            ("linyeju@2026", "太容易被猜到"),
            ("woaini1314520", "太容易被猜到"),
        ],
    )
    def test_should_refuse_weak_passwords_in_chinese(self, password, message):
        from workflows.accounts import password_problem

        assert message in (password_problem(password, username="zhang") or "")

    def test_should_accept_the_generated_passwords(self):
        from workflows.accounts import generate_password, password_problem

        assert all(password_problem(generate_password(), username="admin") is None for _ in range(200))
