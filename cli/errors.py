"""Database trouble at the command boundary: one clear Chinese line on stderr and exit status 1, no traceback."""

import functools
import sqlite3

import click
from flask import current_app, has_app_context
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, ProgrammingError

CAUSE_CHARS = 200
LOCK_STATES = {"55P03", "40P01", "57014"}  # lock not available, deadlock, statement cancelled (lock_timeout)
MISSING_TABLE_STATES = {"42P01", "3F000"}  # undefined table, invalid schema name
DATABASE_ERRORS = (OperationalError, InterfaceError, ProgrammingError)


def _cause(error: DBAPIError) -> str:
    """The driver's own message, on one line, without psycopg's "connection failed:" or hints."""
    text = str(error.orig if error.orig is not None else error)
    first = text.strip().splitlines()[0] if text.strip() else type(error.orig).__name__
    first = first.removeprefix("connection failed: ").strip()
    return first if len(first) <= CAUSE_CHARS else first[: CAUSE_CHARS - 1] + "…"


def _database_name() -> str:
    """The configured database, password hidden (the SQLite file's path, or user@host:port/name)."""
    if not has_app_context():
        return "数据库"
    try:
        url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except Exception:  # a malformed URL: say nothing more than "the database"
        return "数据库"
    if url.get_backend_name() == "sqlite":
        return f"数据库文件 {url.database or '（内存）'}"
    host = f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}"
    return f"数据库 {url.get_backend_name()}://{host}/{url.database or ''}"


def describe_database_error(error: DBAPIError) -> str:
    """One Chinese line naming what is wrong with the database: locked, unreachable, not initialised, or other."""
    cause = _cause(error)
    lowered = cause.lower()
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    name = _database_name()
    if state in LOCK_STATES or "database is locked" in lowered or "lock timeout" in lowered or "deadlock" in lowered:
        return f"{name}正被其他进程占用（等待锁超时），本次未做任何更改，请稍后重试：{cause}"
    if (
        state in MISSING_TABLE_STATES
        or "no such table" in lowered
        or ("relation" in lowered and "does not exist" in lowered)
    ):
        return f"{name}尚未初始化或不是最新结构，请先运行 flask --app app init-db：{cause}"
    if "unable to open database file" in lowered:
        return f"无法打开{name}（所在目录不存在或没有读写权限）"
    if "readonly database" in lowered or "read-only" in lowered:
        return f"{name}是只读的，无法写入：{cause}"
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"{name}已损坏或不是 SQLite 数据库：{cause}"
    if isinstance(error, OperationalError | InterfaceError) or isinstance(error.orig, sqlite3.OperationalError):
        return f"无法连接{name}：{cause}"
    return f"{name}出错：{cause}"


def fail(line: str) -> None:
    """Print one line to stderr and end the command with exit status 1."""
    click.echo(f"错误：{line}", err=True)
    raise click.exceptions.Exit(1)


def with_database_errors(command: click.Command) -> click.Command:
    """Make a command end with one Chinese line (and status 1) instead of a traceback when the database fails."""
    callback = command.callback
    if callback is None or getattr(callback, "_database_errors", False):
        return command

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DATABASE_ERRORS as error:
            fail(describe_database_error(error))

    guarded._database_errors = True
    command.callback = guarded
    return command
