"""Command-line commands (`flask --app app <command>`), each a thin wrapper around a workflow."""

import functools

import click
from flask import Flask
from flask.cli import with_appcontext

from audit import act_as
from cli.backup import backup_command, restore_command
from cli.database import init_db_command
from cli.demo import seed_demo_command
from cli.errors import with_database_errors
from cli.files import move_files_into_db_command
from cli.holidays import import_holidays_command
from cli.imports import IMPORT_COMMANDS
from cli.mail import send_mail_command
from cli.server import serve_command
from cli.sweep import sweep_command
from cli.users import create_user_command
from clock import utcnow
from extensions import db


def acting_as_system(command: click.Command) -> click.Command:
    """The command-line edge of the audit trail: a command acts for the system, at its `--now` (else the clock)."""
    callback = command.callback
    if callback is None or getattr(callback, "_acting_as_system", False):
        return command  # commands are module-level: every app after the first finds them wrapped already

    @functools.wraps(callback)
    def edge(*args, **kwargs):
        act_as(db.session, None, now=kwargs.get("now") or utcnow())
        return callback(*args, **kwargs)

    edge._acting_as_system = True
    command.callback = with_appcontext(edge)
    return command


def register_commands(app: Flask) -> None:
    """Add Duban's commands to the app's CLI; a database failure ends each with one Chinese line, not a traceback."""
    for command in (
        init_db_command,
        seed_demo_command,
        create_user_command,
        serve_command,
        send_mail_command,
        sweep_command,
        *IMPORT_COMMANDS,
        import_holidays_command,
        move_files_into_db_command,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(with_database_errors(acting_as_system(command)))
