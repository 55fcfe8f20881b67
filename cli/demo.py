"""`flask seed-demo`: load a realistic demo office for trying Duban out (safe to run again)."""

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from audit import act_as
from cli.options import now_option
from clock import china_time
from demo.office import office_is_empty, seed_demo
from extensions import db
from models import (
    CheckState,
    Circular,
    CircularKind,
    CircularStatus,
    Escalation,
    Notice,
    NoticeStatus,
    SupervisionCheck,
)
from models.escalation import TOP_RUNG


@click.command("seed-demo")
@now_option("演示数据的时间基准（默认当前时间，不带时区按北京时间）")
@click.option("--if-empty", is_flag=True, help="仅当数据库中还没有任何单位和督查事项时才载入（供 make run 使用）")
@with_appcontext
def seed_demo_command(now, if_empty):
    """Load a realistic demo office: 54 units, their liaisons, bureau leaders and about 60 items."""
    if if_empty and not office_is_empty(db.session):
        click.echo("数据库中已有单位或督查事项，未载入演示数据。")
        return
    act_as(db.session, "演示数据", now=now)
    result = seed_demo(db.session, now=now)
    db.session.commit()
    click.echo(f"演示数据（时间基准 {china_time(now):%Y-%m-%d %H:%M}）：")
    click.echo(
        f"  新增局领导 {result['leaders']} 名、单位 {result['units']} 个、联络员 {result['liaisons']} 名；"
        f"督查事项 {result['items']} 件、承办任务 {result['assignments']} 项、"
        f"反馈 {result['feedbacks']} 份、批示 {result['instructions']} 条、通知文书 {result['notices']} 份。"
    )
    if result["sweeps"]:
        click.echo(
            f"  已按每日督办扫描重演 {result['sweeps']} 天的办理经过（催办、三次督查、阶段报送、月通报），"
            "这些历史邮件已标记为已发送。"
        )
    if result["sweeps"]:
        click.echo(demo_waiting(db.session))
    if not any(result[key] for key in ("leaders", "units", "liaisons", "users", "items")):
        click.echo("  演示数据已齐全，未新增任何记录。")
    if result["accounts"]:
        password_file = Path(current_app.instance_path) / "demo_passwords.txt"
        lines = [
            f"  {account['role']} {account['display_name']}  用户名: {account['username']}  密码: {account['password']}"
            for account in result["accounts"]
        ]
        save_private_lines(password_file, lines)
        click.echo("已创建演示账户（密码仅显示这一次，首次登录后会提示修改）：")
        for line in lines:
            click.echo(line)
        click.echo(f"  （已保存到 {password_file}，权限 600。）")


def demo_waiting(session) -> str:
    """What the demo leaves for its users to do: the week's checks, the drafts, the 提请追责 awaiting a leader."""
    due = session.scalar(select(func.count()).where(SupervisionCheck.state == CheckState.DUE))
    drafts = session.scalar(select(func.count()).where(Notice.status == NoticeStatus.DRAFT))
    circulars = session.scalar(
        select(func.count()).where(Circular.kind == CircularKind.CRITICISM, Circular.status == CircularStatus.DRAFT)
    )
    awaiting = session.scalar(
        select(func.count())
        .select_from(Escalation)
        .join(Notice, Notice.id == Escalation.notice_id)
        .where(Escalation.level == TOP_RUNG, Notice.status == NoticeStatus.ISSUED, Escalation.decision.is_(None))
    )
    return (
        f"  督查员待办：待裁定督查 {due} 项，待签发的整改通知书、黄牌警告、提请追责 {drafts} 份，"
        f"待发送的通报批评 {circulars} 份；局领导待决定的提请追责 {awaiting} 份。"
    )


def save_private_lines(path: Path, lines: list[str]) -> None:
    """Append lines to a file only its owner can read (created mode 600, tightened if it was not)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write("\n".join(lines) + "\n")
