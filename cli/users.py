"""`flask create-user`: add an account from the command line."""

import sys

import click
from flask.cli import with_appcontext

from audit import act_as
from clock import utcnow
from extensions import db
from models.user import Role
from workflows.accounts import create_user


@click.command("create-user")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="admin / supervisor / leader / liaison"
)
@click.option("--unit", "unit_code", help="联络员所在单位的编码")
@click.option("--name", "display_name", help="姓名（默认同用户名）")
@with_appcontext
def create_user_command(username, role, unit_code, display_name):
    """Create an account; the password is read from stdin when piped, else asked for twice."""
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    else:
        password = sys.stdin.readline().rstrip("\n")
    now = utcnow()
    act_as(db.session, "命令行", now=now)
    try:
        user = create_user(
            db.session, username, password, role=Role(role), display_name=display_name, unit_code=unit_code, now=now
        )
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role.label}）。")
