"""`flask init-db`: upgrade the database to the newest schema and make sure an admin account exists."""

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from clock import utcnow
from extensions import db
from file_store import files_on_disk
from workflows.accounts import ensure_admin


def write_secret_file(path: Path, text: str) -> None:
    """Write a file only its owner can read (mode 600)."""
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def init_database(*, now, admin_password: str | None) -> str | None:
    """Upgrade to head and create the admin; returns the admin password when one was generated."""
    upgrade()
    _, generated = ensure_admin(db.session, admin_password, now=now)
    db.session.commit()
    return generated


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Upgrade the database to the newest schema and create the admin account (safe to run again)."""
    password_file = Path(current_app.instance_path) / "admin_password.txt"
    try:
        generated = init_database(now=utcnow(), admin_password=os.environ.get("DUBAN_ADMIN_PASSWORD"))
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(f"DUBAN_ADMIN_PASSWORD 不能使用：{error}") from error
    click.echo("数据库已升级到最新结构。")
    waiting = files_on_disk(db.session)
    if waiting:
        click.echo(
            f"注意：还有 {waiting} 个反馈附件保存在本机磁盘上，其他服务器无法读取；"
            f"请运行 flask --app app move-files-into-db 把它们移入数据库。"
        )
    if generated:
        write_secret_file(password_file, f"用户名: admin\n密码: {generated}\n")
        click.echo("已创建管理员账户：")
        click.echo("  用户名: admin")
        click.echo(f"  密码:   {generated}")
        click.echo(f"  （密码仅显示这一次，已保存到 {password_file}，权限 600；首次登录后会提示修改。）")
