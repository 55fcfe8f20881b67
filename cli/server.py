"""`flask serve`: run Duban on this machine and say how to sign in."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from cli.scheduler import start_scheduler
from outbox.public_address import CONFIGURED, PublicAddress, record_serving_address


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", default=5000, show_default=True, type=int, help="端口（PORT= 可覆盖）")
@click.option("--no-scheduler", is_flag=True, help="不在进程内定时运行督办扫描和发信（已用 cron 时使用）")
@with_appcontext
def serve_command(host, port, no_scheduler):
    """Run the web server for a single-machine install, with the sweep and mail every few minutes
    (use gunicorn and cron for production)."""
    app = current_app._get_current_object()
    password_file = Path(app.instance_path) / "admin_password.txt"
    url = f"http://{host}:{port}/"
    click.echo("")
    click.echo("督查督办系统已启动 / Duban is running")
    click.echo(f"  地址 URL:      {url}")
    click.echo(links_line(record_serving_address(app, host, port)))
    click.echo("  用户名 user:   admin")
    if password_file.exists():
        click.echo(f"  密码 password: 见 {password_file}（首次初始化时生成，仅本机可读）")
    else:
        click.echo("  密码 password: 初始化时设置的 DUBAN_ADMIN_PASSWORD")
    if not no_scheduler:
        interval = int(app.config["SCHEDULER_INTERVAL_SECONDS"])
        start_scheduler(app, interval)
        click.echo(
            f"  督办扫描与发信：每 {interval // 60} 分钟自动运行一次 / sweep and mail every {interval // 60} min"
        )
    click.echo("  按 Ctrl+C 停止 / press Ctrl+C to stop")
    click.echo("")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


def links_line(address: PublicAddress) -> str:
    """The start-up line saying which public address e-mailed links will carry, and why."""
    if address.source == CONFIGURED:
        why = "由 DUBAN_PUBLIC_URL 设置"
    else:
        why = "未设置 DUBAN_PUBLIC_URL，使用本服务的地址；督办扫描和发信命令也使用它"
    line = f"  邮件链接 links: {address.url}/ （{why}）"
    if address.is_loopback:
        line += "\n  注意：此地址只有本机能打开；收件人在其他电脑上时，请设置 DUBAN_PUBLIC_URL 为他们能打开的地址"
    return line
