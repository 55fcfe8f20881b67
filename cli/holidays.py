"""`flask import-holidays FILE [--dry-run]`: read the State Council's holiday notice into the calendar rows."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from clock import utcnow
from extensions import db
from workflows.holiday_notice import CHANGED, NEW, apply_holiday_notice, parse_holiday_notice, plan_holiday_notice

CLI_ACTOR = "命令行导入"


def _read_text(path_text: str) -> str:
    path = Path(path_text)
    if not path.is_file():
        raise click.ClickException(f"找不到文件“{path_text}”。")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"文件“{path_text}”不是 UTF-8 编码的文本，请另存为 UTF-8 后重试。") from error
    except OSError as error:
        raise click.ClickException(f"无法读取文件“{path_text}”：{error.strerror}") from error


@click.command("import-holidays", help="读取国务院办公厅部分节假日安排通知的文本（UTF-8），写入「节假日调整」。")
@click.argument("file", metavar="FILE")
@click.option("--dry-run", is_flag=True, help="只读取并列出日期，不写入数据库")
@click.option("--year", type=int, help="通知标题中没有年份时，指定年份")
@with_appcontext
def import_holidays_command(file, dry_run, year):
    """Print each day the notice names (YYYY-MM-DD 放假/上班, in date order), then write them unless --dry-run."""
    notice = parse_holiday_notice(_read_text(file), year)
    if notice.errors:
        for error in notice.errors:
            click.echo(f"无法读取通知：{error}", err=True)
        click.echo("未写入任何日期。", err=True)
        raise SystemExit(1)
    for day in notice.days:
        click.echo(f"{day.day.isoformat()} {day.kind}")
    if dry_run:
        plan = plan_holiday_notice(db.session, notice)
        db.session.rollback()
    else:
        plan = apply_holiday_notice(db.session, notice, actor=CLI_ACTOR, now=utcnow())
        db.session.commit()
    new = sum(p.status == NEW for p in plan)
    changed = sum(p.status == CHANGED for p in plan)
    done = "（--dry-run，未写入）" if dry_run else "，已写入「节假日调整」"
    click.echo(
        f"{notice.year}年：放假 {len(notice.holidays())} 天，上班 {len(notice.workdays())} 天；"
        f"新增 {new} 天，修改 {changed} 天，不变 {len(plan) - new - changed} 天{done}。",
        err=True,
    )
