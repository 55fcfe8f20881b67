"""The three-round ladder (三次督查制度): one row per rung reached; the database forbids skipping or repeating one."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, ForeignKeyConstraint, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label


class FailureReason(LabeledEnum):
    """Why a check failed."""

    NO_FEEDBACK = "no_feedback", "未按时反馈"
    NOT_ACCEPTED = "not_accepted", "反馈未通过审核"
    UNSATISFACTORY = "unsatisfactory", "反馈经审核不合格"
    PERIOD_MISSED = "period_missed", "阶段进展未按时报送"


class Escalation(Base):
    """Rung `level` (1 整改通知书, 2 黄牌警告, 3 提请追责) reached by an assignment, once, after rung level-1."""

    __tablename__ = "escalation"
    __audit__ = True
    __table_args__ = (
        UniqueConstraint("assignment_id", "level", name="uq_escalation_assignment_level"),
        CheckConstraint("level BETWEEN 1 AND 3", name="level_range"),
        CheckConstraint(
            "(level = 1 AND previous_level IS NULL) OR (previous_level IS NOT NULL AND previous_level = level - 1)",
            name="no_skipped_rung",
        ),
        ForeignKeyConstraint(
            ["assignment_id", "previous_level"],
            ["escalation.assignment_id", "escalation.level"],
            name="fk_escalation_previous_rung",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    level: Mapped[int] = mapped_column(SmallInteger, info=label("督查等级"))
    previous_level: Mapped[int | None] = mapped_column(SmallInteger, info=label("上一级"))
    round_date: Mapped[date] = mapped_column(Date, info=label("督查日期"))
    reason: Mapped[FailureReason] = mapped_column(enum_column(FailureReason), info=label("原因"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), info=label("通知"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("时间"))
    created_by_name: Mapped[str] = mapped_column(String(50), info=label("操作人"))

    assignment = relationship("Assignment")
    notice = relationship("Notice")

    def __str__(self) -> str:
        return f"第{self.level}级"
