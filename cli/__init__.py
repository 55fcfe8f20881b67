"""Command-line commands (`flask --app app <command>`), each a thin wrapper around a workflow."""

from flask import Flask

from cli.database import init_db_command
from cli.demo import seed_demo_command
from cli.errors import with_database_errors
from cli.holidays import import_holidays_command
from cli.imports import IMPORT_COMMANDS
from cli.mail import send_mail_command
from cli.server import serve_command
from cli.sweep import sweep_command
from cli.users import create_user_command


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
    ):
        app.cli.add_command(with_database_errors(command))
