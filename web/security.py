"""Security headers on every response (CSP with a per-request nonce), the real client address behind proxies,
and /favicon.ico."""

import secrets

from flask import Flask, g, send_from_directory
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts: only our own files and inline blocks that carry this request's nonce (Flask-Admin's few inline
# scripts do, through Admin(csp_nonce_generator=...)). Inline on* handlers are forbidden: static/duban.js
# does their work. Styles keep 'unsafe-inline': Bootstrap widgets, select2 and our templates set style=""
# attributes, and a style cannot run code; everything else is same-origin only, and no one may frame us.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """This request's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def csp_nonce_attribute() -> Markup:
    """` nonce="…"` for an inline <script> in our templates."""
    return Markup('nonce="{}"').format(csp_nonce())


def add_security_headers(response):
    """CSP, no framing, no MIME sniffing, and referrers only within the site (links carry tokens)."""
    response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def register_security(app: Flask) -> None:
    """Trust TRUSTED_PROXIES reverse proxies for the client address, add the headers, serve the favicon."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce_attribute"] = csp_nonce_attribute
    app.add_url_rule(
        "/favicon.ico",
        "favicon",
        lambda: send_from_directory(
            app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
        ),
    )
