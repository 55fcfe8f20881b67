"""Reminders sent (催办记录): one row per assignment, kind and scheduled day, so none is ever sent twice."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label


class ReminderKind(LabeledEnum):
    """The moments a unit is reminded."""

    BEFORE = "before", "到期前提醒"
    DUE = "due", "到期当日提醒"
    OVERDUE = "overdue", "逾期催办"
    UNACKNOWLEDGED = "unacknowledged", "签收提醒"
    PERIOD = "period", "阶段进展提醒"
    LAGGARD = "laggard", "未按期报送"


class ReminderLog(Base):
    """A reminder that went out for `slot` (the scheduled day), whatever day the sweep actually ran."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("assignment_id", "kind", "slot", name="uq_reminder_log_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind), info=label("类别"))
    slot: Mapped[date] = mapped_column(Date, info=label("计划日期"))
    period: Mapped[str | None] = mapped_column(String(7), info=label("期次"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("时间"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), info=label("通知"))
