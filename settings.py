"""Configuration: defaults, then instance/config.py, then DUBAN_* environment variables, then test overrides."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


def defaults(app: Flask) -> dict:
    """The built-in configuration: an embedded SQLite database in instance/ and office defaults."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(app.instance_path) / "duban.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        # Sign-in throttles (kept in the database, shared by every process): see workflows/accounts.py
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 1,
        "LOGIN_MAX_LOCK_MINUTES": 60,
        "LOGIN_ADDRESS_MAX_FAILURES": 30,
        "LOGIN_ADDRESS_WINDOW_MINUTES": 15,
        # Bad or expired links to the public pages (units, roster confirmation) allowed per address and window
        "LINK_ADDRESS_MAX_FAILURES": 20,
        "LINK_ADDRESS_WINDOW_MINUTES": 15,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (1 behind one nginx)
        "TRUSTED_PROXIES": 0,
        "OFFICE_NAME": "督查室",
        "ORGANISATION_NAME": "林业局",
        # Unset: links follow the address `serve` serves on (outbox/public_address.py).
        "PUBLIC_URL": "",
        "MAIL_SERVER": "localhost",
        "MAIL_PORT": 25,
        "MAIL_DEFAULT_SENDER": ("林业局督查室", "duban@localhost"),
        "MAIL_TIMEOUT": 30,
        "MAIL_MAX_ATTEMPTS": 48,
        "MAIL_CLAIM_TIMEOUT_MINUTES": 5,
        "MAIL_BATCH_SIZE": 20,
        "MAIL_STUCK_MINUTES": 2,
        "OFFICE_HOURS_START": "08:00",
        "OFFICE_HOURS_END": "18:00",
        "FLASK_ADMIN_FLUID_LAYOUT": True,
        # The office's rules (working days unless said otherwise); see workflows/reminders.py and checks.py
        "SCHEDULER_INTERVAL_SECONDS": 300,
        "REMINDER_DAYS_BEFORE": [3],
        "ACK_REMINDER_AFTER_DAYS": 2,
        "OVERDUE_REMINDER_EVERY_DAYS": 2,
        "CHECK_REQUEST_DAYS_BEFORE": 3,
        "FIRST_CHECK_MIN_DAYS": 5,
        "MONTHLY_REPORT_DAY": 5,
        "LINK_VALID_DAYS_AFTER_DEADLINE": 30,
        "ESCALATION_EXTRA_RECIPIENTS": "",
        "CONFIRMATION_DATES": ["03-01", "09-01"],
        "CONFIRMATION_LINK_DAYS": 30,
        "CONFIRMATION_REMIND_AFTER_DAYS": 7,
        "CONFIRMATION_MAX_AGE_DAYS": 200,
        # Where releases before the files moved into the database kept them (read by move-files-into-db only)
        "IMPORT_FOLDER": str(Path(app.instance_path) / "imports"),
        "IMPORT_MAX_BYTES": 10 * 1024 * 1024,
        # Bounds on reading one import file (importing/reader.py ReadLimits); beyond them it is refused
        "IMPORT_MAX_ROWS": 20_000,
        "IMPORT_MAX_COLUMNS": 50,
        "IMPORT_MAX_SECONDS": 30,
        "IMPORT_MAX_MEMORY_MB": 512,
        "IMPORT_MAX_MERGED_RANGES": 5_000,
        # Attachments of older releases, served from here until move-files-into-db takes them into the database
        "UPLOAD_FOLDER": str(Path(app.instance_path) / "uploads"),
        "ATTACHMENT_EXTENSIONS": ["pdf", "doc", "docx", "xls", "xlsx", "wps", "ofd", "jpg", "jpeg", "png", "txt"],
        "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
        "ATTACHMENT_MAX_COUNT": 5,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    }


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, DUBAN_* environment, test overrides."""
    private_instance_folder(Path(app.instance_path))
    app.config.from_mapping(defaults(app))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DUBAN")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key(Path(app.instance_path) / "secret_key")
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])


def private_instance_folder(path: Path) -> None:
    """Create instance/ readable by its owner only (700), and tighten it when it is ours and open to others."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        path.chmod(0o700)


def private_sqlite_file(uri: str) -> None:
    """An SQLite database holds password hashes and phone numbers: create it mode 600 before SQLite does.

    SQLite gives its -wal and -shm files the database file's mode, so they stay private too.
    """
    prefix = "sqlite:///"
    if not uri.startswith(prefix) or uri == prefix or ":memory:" in uri or "mode=memory" in uri:
        return
    path = Path(uri[len(prefix) :].split("?", 1)[0])
    if not path.parent.is_dir():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            path.chmod(0o600)
    else:
        os.close(fd)


def persistent_secret_key(path: Path) -> str:
    """Read the session secret from instance/, generating it (mode 600) on first use."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
