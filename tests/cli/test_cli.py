"""The command line: init-db (idempotent, no default password) and create-user."""

import stat

import pytest

from extensions import db
from models import Role, User
from tests.conftest import make_config
from tests.factories import make_unit


@pytest.fixture
def app_config(migrated_database, tmp_path):
    """An instance folder of the test's own."""
    return make_config(migrated_database, INSTANCE_PATH=str(tmp_path))


def test_should_create_the_admin_with_a_generated_password_printed_once_and_saved_mode_600(
    app, runner, tmp_path, monkeypatch
):
    monkeypatch.delenv("DUBAN_ADMIN_PASSWORD", raising=False)
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    password_file = tmp_path / "admin_password.txt"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = password_file.read_text().split("密码: ")[1].strip()
    assert password in first.output and len(password) >= 12
    admin = db.session.scalar(db.select(User).filter_by(username="admin"))
    assert admin.role == Role.ADMIN and admin.check_password(password)

    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and password not in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_should_take_the_admin_password_from_the_environment(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_ADMIN_PASSWORD", "from-the-environment")
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "from-the-environment" not in result.output
    assert not (tmp_path / "admin_password.txt").exists()
    assert db.session.scalar(db.select(User).filter_by(username="admin")).check_password("from-the-environment")


def test_should_generate_a_different_password_on_every_installation(app, runner, tmp_path, monkeypatch):
    from workflows.accounts import generate_password

    assert len({generate_password() for _ in range(20)}) == 20


def test_should_create_a_user_with_the_password_from_stdin(app, runner):
    make_unit("东方红林场", code="LC01")
    db.session.commit()
    result = runner.invoke(
        args=["create-user", "wang", "--role", "liaison", "--unit", "LC01", "--name", "王联络"], input="a-long-secret\n"
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.scalar(db.select(User).filter_by(username="wang"))
    assert user.display_name == "王联络" and user.unit.code == "LC01" and user.check_password("a-long-secret")


@pytest.mark.parametrize(
    "args, message",
    [
        (["create-user", "wang", "--role", "liaison"], "必须指定所在单位"),
        (["create-user", "wang", "--role", "liaison", "--unit", "NOPE"], "找不到单位编码"),
        (["create-user", "wang", "--role", "supervisor"], "密码至少需要"),
    ],
)
def test_should_refuse_a_bad_create_user_in_chinese(app, runner, args, message):
    password = "short\n" if "supervisor" in args else "a-long-secret\n"
    result = runner.invoke(args=args, input=password)
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_should_give_every_command_a_help_text(runner):
    for command in ("init-db", "seed-demo", "create-user", "serve"):
        result = runner.invoke(args=[command, "--help"])
        assert result.exit_code == 0 and len(result.output.splitlines()) > 2


def test_should_tell_the_sweeps_reader_how_to_supply_a_year_without_holiday_data(app, runner):
    # late November 2026: chinese_calendar knows nothing of 2027 yet, so the sweep warns and says what to do
    result = runner.invoke(args=["sweep", "--now", "2026-11-26T10:00"])
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if line.startswith("注意：2027年"))
    assert "import-holidays" in warning and "节假日调整" in warning
