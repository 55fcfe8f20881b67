"""Periodic work: quarterly targets (按季度分段) and monthly circulars (月通报)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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


class Circular(Timestamped, Base):
    """The monthly circular (月通报) of everyone's progress on the monthly items, for one month (period 2026-11)."""

    __tablename__ = "circular"
    __audit__ = True
    __table_args__ = (UniqueConstraint("period", name="uq_circular_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), info=label("月份"))
    title: Mapped[str] = mapped_column(String(200), info=label("标题"))
    body: Mapped[str] = mapped_column(Text, info=label("正文"))
    status: Mapped[CircularStatus] = mapped_column(
        enum_column(CircularStatus), default=CircularStatus.DRAFT, info=label("状态")
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("发送时间"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), info=label("通知"))

    def __str__(self) -> str:
        return self.title


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
