"""Cell formatters shared by several screens: links to an item, escalation badges, overdue deadlines."""

from flask_login import current_user
from markupsafe import Markup

from admin_views.base import row_url
from clock import china_date, utcnow
from extensions import db
from formatting import period_text
from models.escalation import rung_badge_css, rung_name
from models.feedback import ReviewStatus
from models.user import Role
from workflows.visibility import told_level


def item_link(view, context, model, name):
    """'督〔2026〕5号 title', the number linking to the item's page."""
    item = model.item
    if item is None:
        return ""
    url = row_url("item.details_view", item.id)
    return Markup('<a href="{}">{}</a> {}').format(url, item.number, item.title)


def text_block(view, context, model, name):
    """A document's text with its paragraphs kept (a notice's or circular's body)."""
    return Markup('<div class="duban-text">{}</div>').format(getattr(model, name) or "")


def period_column(view, context, model, name):
    """A period key as the office writes it: 2026年第三季度, 2026年下半年, 2026年11月."""
    return period_text(getattr(model, name))


def shown_level(assignment) -> int:
    """The rung a share has reached as the signed-in user may know it: a liaison, only what the unit was told (a
    drafted rung or an undecided 提请追责 is the office's)."""
    if current_user.is_authenticated and current_user.role == Role.LIAISON:
        return told_level(db.session, assignment)
    return assignment.escalation_level or 0


def escalation_badge(view, context, model, name):
    """The rung reached, as a coloured badge."""
    level = shown_level(model)
    return Markup('<span class="badge {}">{}</span>').format(rung_badge_css(level), rung_name(level))


def assignment_deadline(view, context, model, name):
    """The deadline, red with 逾期 when passed and still open."""
    if model.is_overdue(china_date(utcnow())):
        return Markup('<span class="text-danger font-weight-bold">{} 逾期</span>').format(model.deadline)
    return str(model.deadline)


def review_badge(view, context, model, name):
    """The review status of a feedback as a badge."""
    css = {
        ReviewStatus.ACCEPTED: "badge-success",
        ReviewStatus.RETURNED: "badge-warning",
        ReviewStatus.UNSATISFACTORY: "badge-danger",
    }.get(model.review_status, "badge-info")
    return Markup('<span class="badge {}">{}</span>').format(css, model.review_status.label)
