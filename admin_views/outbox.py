"""The outbox screen (发件箱): every e-mail and how its delivery went, with a resend action; nothing is edited."""

from flask import abort, current_app, flash
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_views.base import ChinaDateBetweenFilter, QueryOptions, SecureModelView, bounded_id, enum_filters
from clock import utcnow
from extensions import db
from models.outbox import OutboxMessage, OutboxStatus, mail_kind_label
from models.user import Role
from outbox.delivery import requeue_messages, stuck_claims, stuck_cutoff

RESEND_ROLES = (Role.ADMIN, Role.SUPERVISOR)
STATUS_BADGES = {
    OutboxStatus.QUEUED: "badge-info",
    OutboxStatus.SENDING: "badge-warning",
    OutboxStatus.SENT: "badge-success",
    OutboxStatus.FAILED: "badge-danger",
}


def kind_options() -> list[tuple[str, str]]:
    """The kinds of mail in the outbox, labelled in Chinese."""
    kinds = db.session.scalars(select(OutboxMessage.kind).distinct().order_by(OutboxMessage.kind))
    return [(kind, mail_kind_label(kind)) for kind in kinds]


STUCK_LABEL = "发送中（可能中断）"


def claim_age(claimed_at, now) -> str:
    """How long a message has been SENDING, in Chinese ("3 分钟", "2 小时 5 分钟")."""
    minutes = max(int((now - claimed_at).total_seconds() // 60), 0)
    if minutes < 1:
        return "不到 1 分钟"
    if minutes < 60:
        return f"{minutes} 分钟"
    return f"{minutes // 60} 小时 {minutes % 60} 分钟"


def _status_badge(view, context, model, name):
    if model.status == OutboxStatus.SENDING and model.claimed_at is not None:
        now = utcnow()
        age = escape(claim_age(model.claimed_at, now))
        if model.claimed_at <= stuck_cutoff(now):
            return Markup('<span class="badge badge-danger">{}</span> <small>已 {}</small>').format(STUCK_LABEL, age)
        return Markup('<span class="badge badge-warning">{}</span> <small>{}</small>').format(model.status.label, age)
    return Markup('<span class="badge {}">{}</span>').format(STATUS_BADGES[model.status], model.status.label)


class StuckClaimFilter(BaseSQLAFilter):
    """发送中（可能中断）: messages SENDING since before the stuck cutoff (their deliverer probably died)."""

    def __init__(self):
        super().__init__(OutboxMessage.claimed_at, STUCK_LABEL, options=[("1", "是")])

    def apply(self, query, value, alias=None):
        return query.filter(OutboxMessage.status == OutboxStatus.SENDING, self.column <= stuck_cutoff(utcnow()))

    def operation(self):
        return "为"


def _recipient(view, context, model, name):
    if model.recipient_name:
        return f"{model.recipient_name} <{model.recipient_email}>"
    return model.recipient_email


def _shortened(limit: int):
    def formatter(view, context, model, name):
        text = getattr(model, name) or ""
        return text if len(text) <= limit else text[: limit - 1] + "…"

    return formatter


def _text_body(view, context, model, name):
    return Markup('<pre class="mb-0" style="white-space: pre-wrap">{}</pre>').format(model.body_text or "")


def _html_body(view, context, model, name):
    if not model.body_html:
        return "（无）"
    # An empty `sandbox` runs no script and gives the mail its own origin: it cannot touch this page or session.
    return Markup(
        '<iframe sandbox referrerpolicy="no-referrer" title="HTML 正文" srcdoc="{}" '
        'style="width: 100%; height: 28rem; border: 1px solid #dee2e6"></iframe>'
    ).format(model.body_html)


def _kind(view, context, model, name):
    return mail_kind_label(model.kind)


class OutboxView(SecureModelView):
    """发件箱."""

    endpoint_name = "outbox"
    count_cap = 2000
    column_list = ["created_at", "recipient_name", "subject", "kind", "status", "attempts", "last_error", "sent_at"]
    column_details_list = [
        "created_at",
        "kind",
        "recipient_name",
        "recipient_email",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "message_id",
        "body_text",
        "body_html",
    ]
    column_export_list = [
        "created_at",
        "recipient_name",
        "recipient_email",
        "subject",
        "kind",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "message_id",
    ]
    column_labels = {"body_text": "正文（文本）", "body_html": "正文（HTML）"}
    column_default_sort = ("created_at", True)
    column_sortable_list = ["created_at", "status", "attempts", "sent_at"]
    column_searchable_list = ["recipient_email", "recipient_name", "subject"]
    search_hint = "收件人邮箱、姓名或主题"
    column_filters = [
        *enum_filters(OutboxMessage.status, OutboxStatus),
        FilterEqual(OutboxMessage.kind, "类别", options=QueryOptions(kind_options)),
        ChinaDateBetweenFilter(OutboxMessage.created_at, "创建时间"),
        StuckClaimFilter(),
    ]
    column_formatters = {
        "recipient_name": _recipient,
        "status": _status_badge,
        "kind": _kind,
        "last_error": _shortened(60),
        "subject": _shortened(60),
    }
    column_formatters_detail = {
        "status": lambda v, c, m, n: m.status.label,
        "kind": _kind,
        "body_text": _text_body,
        "body_html": _html_body,
    }
    column_formatters_export = {"kind": _kind, "message_id": lambda v, c, m, n: (m.message_id or "").strip("<>")}
    column_auto_select_related = False
    list_template = "admin/outbox_list.html"

    def render(self, template, **kwargs):
        """The list page also says how many messages look stuck in SENDING, and when they will go again."""
        if template == self.list_template:
            kwargs["stuck"] = stuck_claims(db.session, now=utcnow())
            kwargs["stuck_filter_url"] = self._stuck_filter_url()
            kwargs["claim_timeout_minutes"] = current_app.config["MAIL_CLAIM_TIMEOUT_MINUTES"]
            kwargs["stuck_minutes"] = current_app.config["MAIL_STUCK_MINUTES"]
        return super().render(template, **kwargs)

    def _stuck_filter_url(self) -> str:
        index, stuck = next((i, f) for i, f in enumerate(self._filters) if isinstance(f, StuckClaimFilter))
        return self.get_url(".index_view", **{f"flt0_{self.get_filter_arg(index, stuck)}": "1"})

    def is_action_allowed(self, name: str) -> bool:
        if name == "resend":
            return self._may_resend()
        return super().is_action_allowed(name)

    def _may_resend(self) -> bool:
        return bool(current_user.is_authenticated and current_user.is_active and current_user.role in RESEND_ROLES)

    @action(
        "resend",
        "重新发送",
        "确定重新发送所选邮件吗？发送失败的邮件将重新排队并从头计算尝试次数；"
        "已发送的邮件将作为一封新邮件（新的邮件标识 Message-ID）再发一次，收件人会再收到一封。"
        "待发送和发送中的邮件不受影响。",
    )
    def action_resend(self, ids):
        if not self._may_resend():
            abort(403)
        wanted = [key for key in map(bounded_id, ids) if key is not None]  # a forged row id must not be a 500
        result = requeue_messages(db.session, wanted, now=utcnow())
        db.session.commit()
        parts = []
        if result.requeued:
            parts.append(f"{result.requeued} 封发送失败的邮件已重新排队")
        if result.copied:
            parts.append(f"{result.copied} 封已发送的邮件已作为新邮件排队")
        if result.skipped:
            parts.append(f"{result.skipped} 封仍在发送队列中或已不存在，未作处理")
        message = "；".join(parts) or "没有可重新发送的邮件"
        if result.requeued or result.copied:
            message += "，将在办公时间内发出"
        flash(message + "。", "success" if result.requeued or result.copied else "warning")
