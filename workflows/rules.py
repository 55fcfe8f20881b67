"""The office's timings and tables, built once from configuration into one frozen object the workflows read.

The configuration keys and their defaults stay in settings.py; `install_rules` turns them into `OfficeRules` when
the app is created, and `rules()` is the one accessor the workflows use instead of reading app.config.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "duban.office_rules"


@dataclass(frozen=True)
class OfficeRules:
    """The office's rules as configured (days are working days unless said otherwise)."""

    office_name: str
    organisation_name: str
    reminder_days_before: tuple[int, ...]
    ack_reminder_after_days: int
    overdue_reminder_every_days: int
    check_request_days_before: int
    first_check_min_days: int
    monthly_report_day: int
    link_valid_days_after_deadline: int
    escalation_extra_recipients: tuple[str, ...]
    confirmation_dates: tuple[str, ...]
    confirmation_link_days: int
    confirmation_remind_after_days: int
    confirmation_max_age_days: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "OfficeRules":
        """Read the rules from the configuration keys (REMINDER_DAYS_BEFORE, CHECK_REQUEST_DAYS_BEFORE, …)."""
        extra = config.get("ESCALATION_EXTRA_RECIPIENTS") or ""
        return cls(
            office_name=config["OFFICE_NAME"],
            organisation_name=config["ORGANISATION_NAME"],
            reminder_days_before=tuple(config["REMINDER_DAYS_BEFORE"]),
            ack_reminder_after_days=config["ACK_REMINDER_AFTER_DAYS"],
            overdue_reminder_every_days=config["OVERDUE_REMINDER_EVERY_DAYS"],
            check_request_days_before=config["CHECK_REQUEST_DAYS_BEFORE"],
            first_check_min_days=config["FIRST_CHECK_MIN_DAYS"],
            monthly_report_day=config["MONTHLY_REPORT_DAY"],
            link_valid_days_after_deadline=config["LINK_VALID_DAYS_AFTER_DEADLINE"],
            escalation_extra_recipients=tuple(a.strip() for a in extra.split(",") if a.strip()),
            confirmation_dates=tuple(config["CONFIRMATION_DATES"]),
            confirmation_link_days=config["CONFIRMATION_LINK_DAYS"],
            confirmation_remind_after_days=config["CONFIRMATION_REMIND_AFTER_DAYS"],
            confirmation_max_age_days=config["CONFIRMATION_MAX_AGE_DAYS"],
        )


def install_rules(app: Flask) -> OfficeRules:
    """Build the app's rules from its configuration (again, after a test changed the configuration)."""
    office_rules = OfficeRules.from_config(app.config)
    app.extensions[EXTENSION_KEY] = office_rules
    return office_rules


def rules() -> OfficeRules:
    """The current app's office rules."""
    app = current_app._get_current_object()
    return app.extensions.get(EXTENSION_KEY) or install_rules(app)
