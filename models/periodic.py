"""Periodic work and circulars: quarterly targets (按季度分段), the monthly circular (月通报) and other 通报."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label


class QuarterTarget(Timestamped, Base):
    """What a unit is to achieve on a quarterly item in one quarter (period like 2026Q1)."""

    __tablename__ = "quarter_target"
    __audit__ = True
    __table_args__ = (UniqueConstraint("assignment_id", "period", name="uq_quarter_target_assignment_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    period: Mapped[str] = mapped_column(String(7), info=label("季度"))
    target: Mapped[str] = mapped_column(Text, info=label("季度目标"))

    assignment = relationship("Assignment")

    def __str__(self) -> str:
        return f"{self.period} {self.target[:20]}"


class CircularStatus(LabeledEnum):
    """A circular is drafted by the sweep, edited by a supervisor, then sent."""

    DRAFT = "draft", "草稿"
    SENT = "sent", "已发送"


class CircularKind(LabeledEnum):
    """The office's circulars (通报), each with its own number series (see models.notice.NOTICE_KINDS)."""

    MONTHLY = "monthly", "月通报"
    CRITICISM = "criticism", "通报批评"
    PROGRESS = "progress", "进展通报"
    PRAISE = "praise", "通报表扬"


class Circular(Timestamped, Base):
    """A circular (通报) to every unit and the bureau leaders: the monthly one (period 2026-11), the 通报批评 of a
    check day's failures (check_day), or one a supervisor writes; drafted, edited, then sent."""

    __tablename__ = "circular"
    __audit__ = True
    __table_args__ = (UniqueConstraint("period", name="uq_circular_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CircularKind] = mapped_column(
        enum_column(CircularKind), default=CircularKind.MONTHLY, server_default="monthly", info=label("类别")
    )
    period: Mapped[str | None] = mapped_column(String(7), info=label("月份"))
    check_day: Mapped[date | None] = mapped_column(Date, index=True, info=label("督查日期"))
    title: Mapped[str] = mapped_column(String(200), info=label("标题"))
    body: Mapped[str] = mapped_column(Text, info=label("正文"))
    status: Mapped[CircularStatus] = mapped_column(
        enum_column(CircularStatus), default=CircularStatus.DRAFT, info=label("状态")
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("发送时间"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), info=label("通知"))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("修改时间"))

    notice = relationship("Notice")
    entries = relationship(
        "CircularEntry", back_populates="circular", cascade="all, delete-orphan", order_by="CircularEntry.id"
    )

    def __str__(self) -> str:
        return self.title


class CircularEntry(Base):
    """A unit named in a circular, with the item and the ground (e.g. the failed check behind a 通报批评)."""

    __tablename__ = "circular_entry"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    circular_id: Mapped[int] = mapped_column(
        ForeignKey("circular.id", ondelete="CASCADE"), index=True, info=label("通报")
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True, info=label("单位"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), info=label("督查事项"))
    escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalation.id", ondelete="SET NULL"), index=True, info=label("督查等级记录")
    )
    ground: Mapped[str | None] = mapped_column(String(300), info=label("情形"))

    circular = relationship("Circular", back_populates="entries")
    unit = relationship("Unit")
    item = relationship("Item")

    def __str__(self) -> str:
        return f"{self.unit.name if self.unit else ''} {self.ground or ''}"


class SweepRun(Base):
    """One run of the sweep: when, for which `now`, and what it did (a JSON summary)."""

    __tablename__ = "sweep_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, info=label("开始时间"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("结束时间"))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime, info=label("业务时间"))
    summary: Mapped[str] = mapped_column(Text, default="", info=label("结果"))


class SweepLock(Base):
    """A single row every sweep locks first, so two sweeps never work at the same time."""

    __tablename__ = "sweep_lock"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(100))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
