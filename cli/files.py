"""`flask move-files-into-db`: take the attachments and import uploads an older release kept on disk into the
database, so every app server sees them."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from cli.options import now_option
from extensions import db
from file_store import move_files_into_db


@click.command("move-files-into-db")
@now_option("按此时间判断导入预览文件是否过期（默认当前时间）")
@with_appcontext
def move_files_into_db_command(now):
    """Move the files under UPLOAD_FOLDER and IMPORT_FOLDER into the database (checked, then deleted from disk;
    safe to run again)."""
    config = current_app.config
    report = move_files_into_db(
        db.session,
        upload_folder=Path(config["UPLOAD_FOLDER"]),
        import_folder=Path(config["IMPORT_FOLDER"]),
        now=now,
    )
    click.echo(
        f"已将 {report.attachments} 个反馈附件、{report.imports} 个导入预览文件移入数据库"
        f"（过期或不完整的导入预览文件 {report.stale_imports} 个已删除）。"
    )
    if report.missing:
        click.echo(
            f"注意：{len(report.missing)} 个附件在 {config['UPLOAD_FOLDER']} 中找不到（{'、'.join(report.missing[:5])}"
            f"{' 等' if len(report.missing) > 5 else ''}），无法下载；如有备份，请把文件放回该目录后再次运行本命令。"
        )
    if report.damaged:
        click.echo(
            f"注意：{len(report.damaged)} 个附件与登记的校验值不符，未移入、仍留在磁盘上"
            f"（{'、'.join(report.damaged[:5])}{' 等' if len(report.damaged) > 5 else ''}）。"
        )
