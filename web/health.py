"""GET /healthz for a load balancer: 200 while the database answers, 503 when it does not; no session, no login."""

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from extensions import db

ENDPOINT = "healthz"


def healthz():
    """Ask the database one trivial question on a connection of its own; never touches the visitor's session."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        body, status = {"status": "unavailable", "database": "无法连接数据库"}, 503
    else:
        body, status = {"status": "ok", "database": "ok"}, 200
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def register_health(app: Flask) -> None:
    """Add /healthz (a GET: no CSRF; no login; no throttle)."""
    app.add_url_rule("/healthz", ENDPOINT, healthz, methods=["GET"])
