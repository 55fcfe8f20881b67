"""The outbox (发件箱): every e-mail, written in the same transaction as the change that caused it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label
from models.notice import NoticeKind


class OutboxStatus(LabeledEnum):
    """Where a message is on its way out."""

    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


# The kinds of mail that are not a numbered notice (those take NoticeKind's labels).
OTHER_MAIL_KINDS = {
    "feedback_returned": "反馈退回",
    "feedback_accepted": "反馈通过",
    "extension_decision": "延期审批",
    "period_reminder": "进展报送提醒",
    "check_request": "督查报送提醒",
    "accountability_decision": "追责决定",
    "roster_confirmation": "名录核对",
    "roster_reminder": "名录核对提醒",
    "upward_reminder": "上报提醒",
    "proposal_judgement": "提案评价",
}


def mail_kind_label(kind: str) -> str:
    """The Chinese name of a kind of mail."""
    return OTHER_MAIL_KINDS.get(kind) or NoticeKind.label_of(kind)


class OutboxMessage(Base):
    """One e-mail to one recipient, with a stable Message-ID; delivered by `send-mail`."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True, info=label("邮件标识"))
    dedupe_key: Mapped[str | None] = mapped_column(String(250), unique=True, info=label("去重键"))
    kind: Mapped[str] = mapped_column(String(30), index=True, info=label("类别"))
    recipient_email: Mapped[str] = mapped_column(String(120), index=True, info=label("收件人邮箱"))
    recipient_name: Mapped[str | None] = mapped_column(String(100), info=label("收件人"))
    subject: Mapped[str] = mapped_column(String(300), info=label("主题"))
    body_text: Mapped[str] = mapped_column(Text, info=label("正文"))
    body_html: Mapped[str | None] = mapped_column(Text, info=label("HTML 正文"))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus), default=OutboxStatus.QUEUED, info=label("状态")
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, info=label("尝试次数"))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("下次尝试"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("领取时间"))
    # "host:pid:run" of the deliverer holding the claim: a dead process's claims are requeued at once.
    claimed_by: Mapped[str | None] = mapped_column(String(120), info=label("发送进程"))
    # The public address the message's links were built on (settings.public_url() at queue time).
    public_url: Mapped[str | None] = mapped_column(String(200), info=label("链接地址"))
    last_error: Mapped[str | None] = mapped_column(Text, info=label("最近错误"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, info=label("创建时间"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("发送时间"))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("item.id", ondelete="SET NULL"), index=True, info=label("督查事项")
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL"), index=True, info=label("承办任务")
    )
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), info=label("通知"))

    def __str__(self) -> str:
        return self.subject
