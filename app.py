"""Duban (督查督办): the application factory."""

from flask import Flask

from admin_views import register_admin
from cli import register_commands
from database import register_database
from extensions import babel, csrf, mail
from settings import load_config
from web.auth import register_auth
from web.errors import register_error_pages
from web.health import register_health
from web.proposal_portal import register_proposal_portal
from web.roster_portal import register_roster_portal
from web.security import register_security
from web.templating import register_template_helpers
from web.unit_portal import register_unit_portal
from workflows.rules import install_rules


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Duban application; `test_config` overrides every other setting."""
    instance_path = (test_config or {}).get("INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    load_config(app, test_config)
    install_rules(app)
    register_security(app)
    register_database(app)
    register_extensions(app)
    register_health(app)
    register_auth(app)
    register_unit_portal(app)
    register_roster_portal(app)
    register_proposal_portal(app)
    register_admin(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Mail, CSRF protection on every form, and the Chinese locale (required by Flask-Admin)."""
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "zh_Hans_CN", timezone_selector=lambda: "Asia/Shanghai")
