"""`flask backup FILE` and `flask restore FILE`: a consistent copy of the whole database — every row and, since the
files live in the database, every attachment — and its return into an empty database.

SQLite: the online backup API (a consistent copy while the app keeps running). PostgreSQL: `pg_dump` in its custom
format (consistent by its snapshot), `pg_restore` into an empty database in one transaction.
"""

import os
import shutil
import sqlite3
import subprocess  # nosec B404: pg_dump / pg_restore with fixed arguments, never a shell
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from cli.errors import fail
from extensions import db
from file_store import files_on_disk

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
NO_CLIENT = (
    "未找到 {tool}：PostgreSQL 数据库的备份和恢复需要 PostgreSQL 客户端程序（版本不低于数据库服务器），"
    "请安装后重试（Debian/Ubuntu：apt-get install postgresql-client），或在数据库服务器上运行本命令。"
)


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or "mode=memory" in str(url):
        fail("内存数据库无法备份或恢复。")
    return Path(url.database)


def _libpq(url: URL) -> tuple[str, dict, str | None]:
    """The libpq address of a SQLAlchemy PostgreSQL URL (password in the environment, never on the command line),
    and the schema named by its search_path option, if any."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    options = url.query.get("options") or ""
    options = options if isinstance(options, str) else " ".join(options)
    schema = None
    for word in options.replace("-c", " ").split():
        if word.startswith("search_path="):
            schema = word.split("=", 1)[1].split(",")[0].strip() or None
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env, schema


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        fail(NO_CLIENT.format(tool=name))
    return found


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        fail(f"{what}失败：{detail[0] if detail else f'退出状态 {result.returncode}'}")


def _private_target(target: Path) -> Path:
    """A new private (600) temporary file beside `target`, renamed onto it once complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".duban-backup-", dir=target.parent)
    os.close(handle)
    os.chmod(name, 0o600)
    return Path(name)


def _counts() -> str:
    from models import Attachment, Item

    items = db.session.scalar(db.select(db.func.count()).select_from(Item))
    files = db.session.scalar(db.select(db.func.count()).select_from(Attachment))
    return f"督查事项 {items} 项，反馈附件 {files} 个"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path):
    """Write a consistent backup of the whole database (rows and files) to FILE (SQLite: the database file;
    PostgreSQL: pg_dump custom format)."""
    url = _url()
    waiting = files_on_disk(db.session)
    summary = _counts()
    db.session.rollback()
    partial = _private_target(file)
    try:
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(_sqlite_path(url))
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        else:
            address, env, schema = _libpq(url)
            command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)]
            command += [f"--schema={schema}"] if schema else []
            _run([*command, address], env, "pg_dump 备份")
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"已备份到 {file}（{file.stat().st_size / 1024 / 1024:.1f} MB；{summary}，文件均在数据库中）。")
    if waiting:
        click.echo(f"注意：另有 {waiting} 个附件仍在本机磁盘上，不在备份中；请先运行 move-files-into-db 再备份。")


def _kind_of(file: Path) -> str:
    try:
        with file.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        fail(f"无法读取备份文件 {file}：{error.strerror}")
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    fail(f"{file} 不是 Duban 的备份文件（既不是 SQLite 数据库，也不是 pg_dump 自定义格式）。")
    return ""


def _tables_in_target() -> list[str]:
    with db.engine.connect() as connection:
        return inspect(connection).get_table_names()


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path):
    """Bring a backup (from `backup`) back into the configured database, which must be empty."""
    url = _url()
    kind, backend = _kind_of(file), url.get_backend_name()
    if kind != backend:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        fail(f"备份来自 {names[kind]} 数据库，当前配置的是 {names.get(backend, backend)} 数据库，不能直接恢复。")
    tables = _tables_in_target()
    if tables:
        fail(
            f"目标数据库不是空的（已有 {len(tables)} 张表），为免覆盖数据，未恢复。请新建一个空数据库并把 "
            f"DUBAN_SQLALCHEMY_DATABASE_URI 指向它后重试。"
        )
    db.engine.dispose()
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        target_path = _sqlite_path(url)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        os.chmod(target_path, 0o600)
    else:
        address, env, schema = _libpq(url)
        if schema:
            _drop_empty_schema(schema)  # the backup creates it
        command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([*command, "--dbname", address, str(file)], env, "pg_restore 恢复")
    with db.engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    click.echo(f"已从 {file} 恢复（{_counts()}；数据库结构版本 {revision}）。")
    click.echo("请运行 flask --app app init-db，把数据库升级到本版本的结构（已是最新时不做任何更改）。")


def _drop_empty_schema(schema: str) -> None:
    """An empty schema named like the backup's is in the way of pg_restore's CREATE SCHEMA: drop it (never one
    holding anything)."""
    with db.engine.begin() as connection:
        exists = connection.execute(
            text("SELECT count(*) FROM information_schema.schemata WHERE schema_name = :s"), {"s": schema}
        ).scalar()
        used = connection.execute(
            text("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s"),
            {"s": schema},
        ).scalar()
        if exists and not used and schema != "public":
            connection.execute(text(f'DROP SCHEMA "{schema}"'))
    db.engine.dispose()
