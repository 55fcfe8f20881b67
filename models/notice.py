"""Numbered notices (督查通知单, 催办通知单, 整改通知书, 黄牌警告, 提请追责, 通报 …): drafted, issued, mailed."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label


class NoticeKind(LabeledEnum):
    """The office's kinds of notice (see NOTICE_KINDS for each one's number prefix)."""

    ASSIGNMENT = "assignment", "督查通知单"
    DECISION = "decision", "决定事项办理督查通知单"
    INSTRUCTION = "instruction", "领导批示件督查通知单"
    REMINDER = "reminder", "催办通知单"
    RECTIFICATION = "rectification", "整改通知书"
    YELLOW_CARD = "yellow_card", "黄牌警告"
    ACCOUNTABILITY = "accountability", "提请追责"
    MONTHLY_CIRCULAR = "monthly_circular", "月通报"
    CRITICISM = "criticism", "通报批评"
    PROGRESS = "progress", "进展通报"
    PRAISE = "praise", "通报表扬"


@dataclass(frozen=True)
class NoticeKindRule:
    """How one kind of notice is numbered and where it goes."""

    kind: NoticeKind
    prefix: str  # starts the document number: 督整〔2026〕3号
    to_leadership: bool = False  # addressed to 局党委、林业局, not to a unit


# The notice kinds' one table: number series (distinct per kind) and addressees.
NOTICE_KINDS = {
    rule.kind: rule
    for rule in (
        NoticeKindRule(NoticeKind.ASSIGNMENT, "督通"),
        NoticeKindRule(NoticeKind.DECISION, "督决"),
        NoticeKindRule(NoticeKind.INSTRUCTION, "督批"),
        NoticeKindRule(NoticeKind.REMINDER, "督催"),
        NoticeKindRule(NoticeKind.RECTIFICATION, "督整"),
        NoticeKindRule(NoticeKind.YELLOW_CARD, "督警"),
        NoticeKindRule(NoticeKind.ACCOUNTABILITY, "督责", to_leadership=True),
        NoticeKindRule(NoticeKind.MONTHLY_CIRCULAR, "督报"),
        NoticeKindRule(NoticeKind.CRITICISM, "督评"),
        NoticeKindRule(NoticeKind.PROGRESS, "督进"),
        NoticeKindRule(NoticeKind.PRAISE, "督表"),
    )
}
NUMBER_PREFIXES = {kind: rule.prefix for kind, rule in NOTICE_KINDS.items()}
LEADERSHIP = "局党委、林业局"  # the addressee (主送) of a 提请追责


class NoticeStatus(LabeledEnum):
    """A notice is drafted (待签发: no number yet, editable) and then issued with its number."""

    DRAFT = "draft", "待签发"
    ISSUED = "issued", "已签发"


class Notice(Base):
    """One notice document: a draft (text only) or issued with its own number, addressees and text as sent."""

    __tablename__ = "notice"
    __audit__ = True
    __table_args__ = (Index("ix_notice_year_kind_seq", "year", "kind", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind), index=True, info=label("类别"))
    status: Mapped[NoticeStatus] = mapped_column(
        enum_column(NoticeStatus), default=NoticeStatus.ISSUED, server_default="issued", index=True, info=label("状态")
    )
    number: Mapped[str | None] = mapped_column(String(40), unique=True, info=label("文号"))
    year: Mapped[int | None] = mapped_column(Integer, info=label("年度"))
    seq: Mapped[int | None] = mapped_column(Integer, info=label("序号"))
    title: Mapped[str] = mapped_column(String(300), info=label("标题"))
    addressee: Mapped[str] = mapped_column(String(300), info=label("主送"))
    copy_to: Mapped[str | None] = mapped_column(String(500), info=label("抄送"))
    body: Mapped[str] = mapped_column(Text, info=label("正文"))
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("起草时间"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True, info=label("发出时间"))
    issued_by_name: Mapped[str | None] = mapped_column(String(50), info=label("签发"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("签发人"))
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
    issued_by = relationship("User")

    @property
    def is_draft(self) -> bool:
        """Not issued yet: no number, text still editable."""
        return self.status == NoticeStatus.DRAFT

    def __str__(self) -> str:
        return f"{self.number or '（待签发）'} {self.kind.label}"
