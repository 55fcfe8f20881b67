"""Options shared by the commands: `--now`, the business time a command runs at."""

from datetime import datetime

import click

from clock import parse_now


class BusinessTime(click.ParamType):
    """An ISO date-time (China time when it has no offset), as an aware UTC datetime."""

    name = "ISO-DATETIME"

    def convert(self, value, param, ctx) -> datetime:
        """Parse the text, or refuse it with one Chinese line."""
        if isinstance(value, datetime):
            return value
        try:
            return parse_now(value)
        except ValueError as error:
            raise click.BadParameter(
                f"无法识别的时间“{value}”，应形如 2026-11-26T10:00。",
                ctx=ctx,
                param_hint=param.opts[0] if param is not None else None,
            ) from error


def now_option(help_text: str):
    """The `--now` option: the command's business time, the clock when not given; passed as `now`."""
    return click.option(
        "--now",
        "now",
        type=BusinessTime(),
        metavar="ISO-DATETIME",
        help=help_text,
        callback=lambda ctx, param, value: value if value is not None else parse_now(None),
    )
