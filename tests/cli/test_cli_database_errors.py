"""Commands against a database that is not there: one Chinese line on stderr, exit status 1, never a traceback."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError, ProgrammingError

from cli.errors import describe_database_error

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_URL = "postgresql+psycopg://postgres:secret@127.0.0.1:1/test"
COMMANDS = {
    "sweep": ["sweep", "--now", "2026-11-26T10:00"],
    "send-mail": ["send-mail", "--now", "2026-11-26T10:00"],
    "init-db": ["init-db"],
    "seed-demo": ["seed-demo", "--if-empty"],
    "import-units": ["import-units", str(ROOT / "tests" / "data" / "units.xlsx"), "--dry-run"],
    "create-user": ["create-user", "zhang", "--role", "supervisor"],
}


def run_command(database_url: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`flask --app app <args>` as a real process on `database_url` (a password on stdin for create-user)."""
    env = {**os.environ, "DUBAN_SQLALCHEMY_DATABASE_URI": database_url, "DUBAN_SECRET_KEY": "x"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        input="Secret-123-password\nSecret-123-password\n",
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_chinese_line(result: subprocess.CompletedProcess, *expected: str) -> None:
    """Exit status 1, and stderr is exactly one line, in Chinese, naming the problem, with no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout and lines[0].startswith("错误：")
    for text in expected:
        assert text in lines[0], lines[0]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_should_say_in_one_line_that_the_database_server_cannot_be_reached(command, tmp_path):
    result = run_command(CLOSED_PORT_URL, COMMANDS[command], tmp_path)
    assert_one_chinese_line(result, "无法连接数据库 postgresql://127.0.0.1:1/test", "Connection refused")
    assert "secret" not in result.stderr and "忙" not in result.stderr


@pytest.mark.parametrize("command", ["sweep", "send-mail", "init-db"])
def test_should_say_in_one_line_that_the_sqlite_file_cannot_be_opened(command, tmp_path):
    missing = tmp_path / "no-such-folder" / "duban.sqlite"
    result = run_command(f"sqlite:///{missing}", COMMANDS[command], tmp_path)
    assert_one_chinese_line(result, f"无法打开数据库文件 {missing}", "目录不存在或没有读写权限")


def test_should_ask_for_init_db_when_the_database_is_empty(tmp_path):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    result = run_command(f"sqlite:///{empty}", COMMANDS["send-mail"], tmp_path)
    assert_one_chinese_line(result, "尚未初始化", "init-db", "no such table")


class FakePostgresError(Exception):
    """A driver error carrying a PostgreSQL SQLSTATE, like psycopg's."""

    def __init__(self, text: str, sqlstate: str):
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked")),
        OperationalError("UPDATE x", {}, FakePostgresError("canceling statement due to lock timeout", "55P03")),
    ],
)
def test_should_tell_a_locked_database_from_an_unreachable_one(app, error):
    line = describe_database_error(error)
    assert "正被其他进程占用" in line and "稍后重试" in line and "无法连接" not in line


def test_should_tell_a_missing_table_on_postgresql(app):
    error = ProgrammingError("SELECT", {}, FakePostgresError('relation "outbox_message" does not exist', "42P01"))
    assert "尚未初始化" in describe_database_error(error)
