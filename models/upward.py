"""Instructions from above (上级转来的领导批示件): who issued them and the report back upward by its deadline."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, UTCDateTime, label
from models.item import Item


class SourceFile(Timestamped, Base):
    """A file the office attached to a source's step (an upward report, a proposal's answer), kept in the database
    (the same transaction as its row, so every app server sees it)."""

    __tablename__ = "source_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), info=label("文件名"))
    content_type: Mapped[str] = mapped_column(String(100), info=label("类型"))
    size: Mapped[int] = mapped_column(Integer, info=label("大小（字节）"))
    sha256: Mapped[str] = mapped_column(String(64), info=label("校验值"))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, info=label("存储名"))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    def __str__(self) -> str:
        return self.filename


class HigherInstruction(Timestamped, Base):
    """The upward side of an item from above (1:1): issuing body, leader, document, deadline and the report sent."""

    __tablename__ = "higher_instruction"
    __audit__ = True
    __audit_exclude__ = ("last_reminded_on",)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), unique=True, info=label("督查事项"))
    issuing_body: Mapped[str] = mapped_column(String(100), info=label("来文单位"))
    issuing_leader: Mapped[str | None] = mapped_column(String(50), info=label("批示领导"))
    document_number: Mapped[str | None] = mapped_column(String(60), info=label("来文文号"))
    received_on: Mapped[date] = mapped_column(Date, info=label("收文日期"))
    report_due: Mapped[date] = mapped_column(Date, index=True, info=label("上报时限"))
    reported_on: Mapped[date | None] = mapped_column(Date, index=True, info=label("上报日期"))
    report_text: Mapped[str | None] = mapped_column(Text, info=label("上报内容"))
    report_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_file.id", ondelete="SET NULL"), info=label("上报附件")
    )
    reported_by_name: Mapped[str | None] = mapped_column(String(50), info=label("上报人"))
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("登记上报时间"))
    last_reminded_on: Mapped[date | None] = mapped_column(Date, info=label("最近提醒日"))

    item: Mapped[Item] = relationship()
    report_file: Mapped[SourceFile | None] = relationship()

    @property
    def reported_late(self) -> bool:
        """Reported after the deadline (上报逾期)."""
        return self.reported_on is not None and self.reported_on > self.report_due

    def is_late(self, today: date) -> bool:
        """Late now: reported after its deadline, or not reported and the deadline has passed."""
        return self.reported_late or (self.reported_on is None and today > self.report_due)

    def __str__(self) -> str:
        return f"{self.issuing_body}{self.document_number or ''}"
