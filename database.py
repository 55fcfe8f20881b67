"""Database wiring: Flask-SQLAlchemy and Flask-Migrate, SQLite pragmas, and the audit trail listeners."""

import sqlite3
from pathlib import Path

from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event
from sqlalchemy.engine import Engine

from audit import register_audit_listeners
from extensions import db, migrate
from models.base import UTCDateTime

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "migrations")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, allow readers beside a writer (WAL), wait for locks instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def register_database(app: Flask) -> None:
    """Bind the database, migrations and the audit trail to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    register_audit_listeners(FlaskSession)


def alembic_render_item(type_, obj, autogen_context):
    """Alembic: write the UTC timestamp type as a plain aware DateTime, so migrations never import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
