"""`flask import-units|import-roster|import-items|import-proposals FILE`: import an .xlsx, all or nothing.

--dry-run only checks.
"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from cli.options import now_option
from clock import china_time
from extensions import db
from importing.reader import ReadLimits
from importing.report import CREATE, UPDATE
from importing.runner import CLI_ACTOR, IMPORTERS, ImportFailed, plan_import, run_import

SHOWN_ROWS = 50  # the changed rows listed; every problem is always listed


def _read(path_text: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise click.ClickException(f"找不到文件“{path_text}”。")
    try:
        return path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"无法读取文件“{path_text}”：{error.strerror}") from error


def _report(plan, verbose: bool) -> None:
    changed = [r for r in plan.rows if r.status in (CREATE, UPDATE)]
    for row in changed if verbose else changed[:SHOWN_ROWS]:
        details = "；".join(str(c) if row.status == UPDATE else f"{c.label}：{c.new}" for c in row.changes)
        click.echo(f"  第{row.row}行 {row.action_label} {row.label}" + (f"：{details}" if details else ""))
    if not verbose and len(changed) > SHOWN_ROWS:
        click.echo(f"  ……另有 {len(changed) - SHOWN_ROWS} 行新建或修改未列出（加 --verbose 列出全部）。")
    for note in plan.notes:
        click.echo(f"注意：{note}")


def make_import_command(kind: str, name: str) -> click.Command:
    """A command that imports one kind of file (units, roster, items, proposals) through the screens' checks."""
    importer = IMPORTERS[kind]

    @click.command(name, help=f"从 .xlsx 导入{importer.title}：先逐行检查，有任何错误则不写入任何数据。")
    @click.argument("file", metavar="FILE")
    @click.option("--dry-run", is_flag=True, help="只检查并列出将要新建和修改的内容，不写入数据库")
    @now_option("业务时间（默认当前时间；无时区时按北京时间）")
    @click.option("--verbose", is_flag=True, help="列出全部新建和修改的行")
    @with_appcontext
    def command(file, dry_run, now, verbose):
        """Import FILE: check every row, then write all of it or nothing."""
        data = _read(file)
        limits = ReadLimits.from_config(current_app.config)
        click.echo(f"导入{importer.title}：{Path(file).name}（时间基准 {china_time(now):%Y-%m-%d %H:%M}）")
        try:
            if dry_run:
                plan = plan_import(db.session, kind, data, filename=Path(file).name, now=now, limits=limits)
                db.session.rollback()
            else:
                plan = run_import(
                    db.session, kind, data, filename=Path(file).name, actor=CLI_ACTOR, now=now, limits=limits
                )
                if plan.applied:
                    db.session.commit()
                else:
                    db.session.rollback()
        except ImportFailed as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        _report(plan, verbose)
        click.echo(plan.summary() + "。")
        if not plan.ok:
            click.echo(f"发现 {len(plan.problems)} 处错误，未写入任何数据：", err=True)
            for problem in plan.problems:
                click.echo(f"  {problem}", err=True)
            raise SystemExit(1)
        if dry_run:
            click.echo("试运行（--dry-run）：检查通过，未写入数据库。")
        elif plan.applied:
            c = plan.counts
            click.echo(f"已导入：新建 {c[CREATE]} 条，修改 {c[UPDATE]} 条（操作留痕记为“{CLI_ACTOR}”）。")
        else:
            click.echo("数据与系统一致，没有需要导入的变化。")

    return command


import_units_command = make_import_command("units", "import-units")
import_roster_command = make_import_command("roster", "import-roster")
import_items_command = make_import_command("items", "import-items")
import_proposals_command = make_import_command("proposals", "import-proposals")
IMPORT_COMMANDS = (import_units_command, import_roster_command, import_items_command, import_proposals_command)
