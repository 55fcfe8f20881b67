"""`flask sweep`: run everything that is due — reminders, the three checks' requests and records, periodic cycles."""

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError

from cli.errors import describe_database_error, fail
from cli.options import now_option
from extensions import db
from workflows.sweep import run_sweep

# What an admin at the command line can do about a year without holiday data.
HOLIDAY_REMEDY = "可用 import-holidays 导入国务院放假通知，或在「系统 → 节假日调整」中补录。"


@click.command("sweep")
@now_option("业务时间（默认当前时间；无时区时按北京时间）")
@with_appcontext
def sweep_command(now):
    """Send due reminders and check requests, open due check records, run periodic cycles (safe to run again)."""
    try:
        report = run_sweep(db.session, now=now)
        db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        fail(f"督办扫描未完成，未做任何更改。{describe_database_error(error)}")
    click.echo(
        f"督办扫描完成：检查承办任务 {report.examined} 项，催办 {report.reminders} 项（催办通知单 "
        f"{report.reminder_notices} 份），"
        f"督查报送提醒 {report.check_requests} 项，生成待裁定督查记录 {report.checks_opened} 份，"
        f"阶段报送处理 {report.period_events} 项，月通报草稿 {report.circulars} 份，"
        f"名录核对发出 {report.confirmations} 份、提醒 {report.confirmation_reminders} 份，"
        f"上级批示件上报提醒 {report.upward_reminders} 份，用时 {report.seconds} 秒。"
    )
    for warning in report.warnings:
        click.echo(f"注意：{warning}{HOLIDAY_REMEDY}")
