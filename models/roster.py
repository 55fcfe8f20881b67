"""The roster's memory: who held the liaison role for which unit and when, stand-ins, and self-confirmations."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label


class Tenure(Timestamped, Base):
    """A liaison's time in the role for one unit: from `start` until `end` (open while they hold it)."""

    __tablename__ = "tenure"
    __audit__ = True
    __table_args__ = (Index("ix_tenure_unit_start", "unit_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    liaison_id: Mapped[int] = mapped_column(
        ForeignKey("liaison.id", ondelete="CASCADE"), index=True, info=label("联络员")
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), info=label("单位"))
    start: Mapped[date] = mapped_column(Date, info=label("起始日期"))
    end: Mapped[date | None] = mapped_column(Date, info=label("结束日期"))
    note: Mapped[str | None] = mapped_column(String(200), info=label("说明"))

    liaison = relationship("Liaison")
    unit = relationship("Unit")

    def __str__(self) -> str:
        return f"{self.start}–{self.end or '至今'}"


class StandIn(Timestamped, Base):
    """A stand-in (代理) who receives a liaison's notices between two dates, both included."""

    __tablename__ = "stand_in"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    liaison_id: Mapped[int] = mapped_column(
        ForeignKey("liaison.id", ondelete="CASCADE"), index=True, info=label("被代理的联络员")
    )
    name: Mapped[str] = mapped_column(String(50), info=label("代理人"))
    email: Mapped[str] = mapped_column(String(120), info=label("代理人邮箱"))
    mobile: Mapped[str | None] = mapped_column(String(20), info=label("代理人手机"))
    start: Mapped[date] = mapped_column(Date, info=label("代理开始"))
    end: Mapped[date] = mapped_column(Date, info=label("代理结束"))
    reason: Mapped[str | None] = mapped_column(String(200), info=label("原因"))

    liaison = relationship("Liaison")

    def covers(self, day: date) -> bool:
        """True when the stand-in acts on `day` (start and end included)."""
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.name}（{self.start}至{self.end}）"


class ConfirmationAnswer(LabeledEnum):
    """What a liaison said of their entry."""

    CONFIRMED = "confirmed", "信息无误"
    CORRECTED = "corrected", "申请更正"
    LEFT = "left", "已离任"


class CorrectionStatus(LabeledEnum):
    """A supervisor's decision on a proposed correction."""

    PENDING = "pending", "待审核"
    APPROVED = "approved", "已采纳"
    REJECTED = "rejected", "未采纳"


class Confirmation(Timestamped, Base):
    """One request to a liaison to confirm their entry (a campaign such as 2026-H2), and their answer."""

    __tablename__ = "confirmation"
    __audit__ = True
    __table_args__ = (Index("ix_confirmation_campaign_liaison", "campaign", "liaison_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    liaison_id: Mapped[int] = mapped_column(
        ForeignKey("liaison.id", ondelete="CASCADE"), index=True, info=label("联络员")
    )
    campaign: Mapped[str] = mapped_column(String(20), info=label("核对批次"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("发出时间"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("提醒时间"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("答复时间"))
    answer: Mapped[ConfirmationAnswer | None] = mapped_column(enum_column(ConfirmationAnswer), info=label("答复"))
    # a proposed correction or a successor, waiting for a supervisor
    proposed_post: Mapped[str | None] = mapped_column(String(50), info=label("更正：职务"))
    proposed_office_phone: Mapped[str | None] = mapped_column(String(30), info=label("更正：办公电话"))
    proposed_mobile: Mapped[str | None] = mapped_column(String(20), info=label("更正：手机"))
    proposed_email: Mapped[str | None] = mapped_column(String(120), info=label("更正：邮箱"))
    successor_name: Mapped[str | None] = mapped_column(String(50), info=label("接任人"))
    successor_email: Mapped[str | None] = mapped_column(String(120), info=label("接任人邮箱"))
    successor_mobile: Mapped[str | None] = mapped_column(String(20), info=label("接任人手机"))
    comment: Mapped[str | None] = mapped_column(Text, info=label("说明"))
    correction_status: Mapped[CorrectionStatus | None] = mapped_column(
        enum_column(CorrectionStatus), index=True, info=label("审核状态")
    )
    decided_by_name: Mapped[str | None] = mapped_column(String(50), info=label("审核人"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("审核时间"))
    token_version: Mapped[int] = mapped_column(default=1, server_default="1", info=label("链接版本"))
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=label("已结束"))

    liaison = relationship("Liaison")

    def __str__(self) -> str:
        return f"{self.campaign} 核对"
