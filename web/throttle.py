"""Per-address rate limit of the public link pages (units' pages, roster confirmation): bad links are counted."""

from flask import current_app, render_template, request

from clock import utcnow
from extensions import db
from workflows.accounts import address_blocked_until, minutes_text, record_failure


def _address() -> str:
    """The visitor's address (the real client's, when TRUSTED_PROXIES names the proxies in front)."""
    return request.remote_addr or "unknown"


def link_limit_page():
    """The Chinese 429 page when this address opened too many bad links lately, else None."""
    now = utcnow()
    blocked = address_blocked_until(
        db.session,
        "link",
        _address(),
        now=now,
        limit=int(current_app.config["LINK_ADDRESS_MAX_FAILURES"]),
        window_minutes=float(current_app.config["LINK_ADDRESS_WINDOW_MINUTES"]),
    )
    if blocked is None:
        return None
    message = f"此网络地址打开无效链接的次数过多，请在 {minutes_text(blocked, now)} 分钟后再试。"
    return render_template("unit/invalid.html", message=message), 429


def count_bad_link() -> None:
    """Count a bad, revoked or expired link against the visitor's address (committed at once)."""
    record_failure(db.session, "link", _address(), now=utcnow())
    db.session.commit()
