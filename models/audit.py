"""The audit trail (留痕): who did what, when, to which record, with a short before/after summary."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, label

ENTITY_LABELS = {
    "item": "督查事项",
    "assignment": "承办任务",
    "feedback": "反馈",
    "instruction": "批示",
    "unit": "单位",
    "liaison": "联络员",
    "bureau_leader": "局领导",
    "user": "用户",
    "notice": "通知文书",
    "escalation": "督查等级",
    "extension_request": "延期申请",
    "calendar_day": "节假日调整",
    "circular": "月通报",
    "quarter_target": "季度目标",
    "tenure": "任职记录",
    "stand_in": "代理",
    "confirmation": "信息核对",
    "outbox_message": "邮件",
    "supervision_check": "督查记录",
    "check_ground": "不合格情形",
    "circular_entry": "通报名单",
    "hotline_call": "来电",
    "higher_instruction": "上级批示件",
    "proposal": "提案",
    "proposal_judgement": "提案评价",
    "research_article": "督查调研文章",
    "assessment_rule": "考核评分规则",
    "assessment_freeze": "目标考核定稿",
    "leader_inspection": "领导督查",
    "reception_visit": "领导接访",
}


class AuditEvent(Base):
    """One recorded step: a create, change or delete of a record, or a workflow action."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        Index("ix_audit_event_item_at", "item_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, info=label("时间"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("操作人"))
    actor_name: Mapped[str] = mapped_column(String(50), info=label("操作人"))
    action: Mapped[str] = mapped_column(String(30), info=label("操作"))
    entity: Mapped[str] = mapped_column(String(30), info=label("对象类型"))
    entity_id: Mapped[int | None] = mapped_column(Integer, info=label("对象编号"))
    item_id: Mapped[int | None] = mapped_column(Integer, info=label("所属事项"))
    summary: Mapped[str] = mapped_column(Text, default="", info=label("内容摘要"))

    actor = relationship("User")

    def __str__(self) -> str:
        return f"{self.action} {self.entity}#{self.entity_id}"
