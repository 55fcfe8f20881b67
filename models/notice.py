"""Numbered notices (督查通知单, 催办通知单, 整改通知书, 黄牌警告, 提请追责, 月通报): stored, printable, e-mailed."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label


class NoticeKind(LabeledEnum):
    """The office's kinds of notice; `prefix` starts the document number (督整〔2026〕3号)."""

    ASSIGNMENT = "assignment", "督查通知单"
    REMINDER = "reminder", "催办通知单"
    RECTIFICATION = "rectification", "整改通知书"
    YELLOW_CARD = "yellow_card", "黄牌警告"
    ACCOUNTABILITY = "accountability", "提请追责"
    MONTHLY_CIRCULAR = "monthly_circular", "月通报"


NUMBER_PREFIXES = {
    NoticeKind.ASSIGNMENT: "督通",
    NoticeKind.REMINDER: "督催",
    NoticeKind.RECTIFICATION: "督整",
    NoticeKind.YELLOW_CARD: "督警",
    NoticeKind.ACCOUNTABILITY: "督责",
    NoticeKind.MONTHLY_CIRCULAR: "督报",
}


class Notice(Base):
    """One issued notice document, with its own number, addressees and text as sent."""

    __tablename__ = "notice"
    __audit__ = True
    __table_args__ = (Index("ix_notice_year_kind_seq", "year", "kind", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind), index=True, info=label("类别"))
    number: Mapped[str] = mapped_column(String(40), unique=True, info=label("文号"))
    year: Mapped[int] = mapped_column(Integer, info=label("年度"))
    seq: Mapped[int] = mapped_column(Integer, info=label("序号"))
    title: Mapped[str] = mapped_column(String(300), info=label("标题"))
    addressee: Mapped[str] = mapped_column(String(300), info=label("主送"))
    copy_to: Mapped[str | None] = mapped_column(String(500), info=label("抄送"))
    body: Mapped[str] = mapped_column(Text, info=label("正文"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, info=label("发出时间"))
    issued_by_name: Mapped[str] = mapped_column(String(50), info=label("签发"))
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("item.id", ondelete="CASCADE"), index=True, info=label("督查事项")
    )
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL"), index=True, info=label("承办单位")
    )

    item = relationship("Item")
    assignment = relationship("Assignment")
    unit = relationship("Unit")

    def __str__(self) -> str:
        return f"{self.number} {self.kind.label}"
