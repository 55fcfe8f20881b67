"""`flask send-mail`: deliver the outbox (run it every few minutes from cron or a systemd timer)."""

import click
from flask.cli import with_appcontext

from cli.options import now_option
from clock import china_time
from extensions import db
from outbox.delivery import DeliveryReport, deliver_outbox
from workflows.locking import alone

DELIVERY_LOCK = "delivery"  # one deliverer at a time, whichever machine runs it (cron, timer)


@click.command("send-mail")
@now_option("按此时间发送（默认当前时间，不带时区按北京时间）")
@click.option("--limit", type=click.IntRange(min=1), help="本次最多发送的邮件数（默认发完所有到期邮件）")
@with_appcontext
def send_mail_command(now, limit):
    """Send the queued e-mails that are due, in office hours only, over one SMTP connection; one delivery
    at a time on every server (another running, this one says so and ends)."""
    with alone(db.engine, DELIVERY_LOCK, now=now) as holder:
        if holder is not None:
            click.echo(f"另一个发信进程（{holder}）正在运行，本次未发送；到期邮件由它或下一次运行发送。")
            return
        report = deliver_outbox(db.session, now=now, limit=limit)
    click.echo(summary(report, now))


def summary(report: DeliveryReport, now) -> str:
    """The run's result in Chinese, for the operator and the cron log."""
    lines = []
    if report.requeued_stale:
        lines.append(f"已处理 {report.requeued_stale} 封发送中断的邮件（重新排队或停止重试）。")
    if report.office_opens_at is not None:
        waiting = f"{report.waiting_for_office_hours} 封到期邮件等待发送" if report.waiting_for_office_hours else "无"
        lines.append(
            f"北京时间 {china_time(now):%Y-%m-%d %H:%M} 不在办公时间（工作日办公时段内才发送邮件），本次未发送；"
            f"{waiting}，将于 {report.office_opens_at:%Y-%m-%d %H:%M} 起发送。"
        )
        return "\n".join(lines)
    if not report.attempted:
        lines.append("没有到期的待发送邮件。")
        return "\n".join(lines)
    lines.append(
        f"邮件发送（北京时间 {china_time(now):%Y-%m-%d %H:%M}）：已发送 {report.sent} 封，"
        f"稍后重试 {report.retried} 封，发送失败 {report.failed} 封。"
    )
    if report.connection_error:
        lines.append(f"{report.connection_error}；未发出的邮件已退回队列，稍后自动重试。")
    if report.failed:
        lines.append("发送失败的邮件可在「系统 → 发件箱」查看原因并重新发送。")
    return "\n".join(lines)
