"""Assignments (承办任务): one unit's share of an item, with its own deadline, status and escalation level."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label
from models.escalation import ESCALATION_LABELS  # noqa: F401 (the ladder's names, re-exported)
from models.item import Item
from models.overdue import is_overdue, overdue_condition
from models.unit import Unit


class AssignmentRole(LabeledEnum):
    """Whether the unit leads the item or helps."""

    LEAD = "lead", "牵头"
    CO = "co", "协办"


class AssignmentStatus(LabeledEnum):
    """The lifecycle of one unit's share of an item."""

    PENDING = "pending", "待交办"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "办理中"
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "accepted", "已办结"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "撤销"


# The status sets the rules read (one place): a share at work with its unit, and a share not yet finished.
WORKING_ASSIGNMENT_STATUSES = (
    AssignmentStatus.ASSIGNED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.SUBMITTED,
)
OPEN_ASSIGNMENT_STATUSES = (AssignmentStatus.PENDING, *WORKING_ASSIGNMENT_STATUSES)


class Assignment(Timestamped, Base):
    """One unit's share of an item (lead or co-unit), unique per item and unit."""

    __tablename__ = "assignment"
    __audit__ = True
    __audit_exclude__ = ("next_action_on", "checks_done", "token_version")  # bookkeeping of the sweep and links
    __table_args__ = (
        UniqueConstraint("item_id", "unit_id", name="uq_assignment_item_unit"),
        CheckConstraint("escalation_level BETWEEN 0 AND 3", name="escalation_level_range"),
        Index("ix_assignment_status_deadline", "status", "deadline"),
        Index("ix_assignment_unit_status_deadline", "unit_id", "status", "deadline"),  # a unit's light
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True, info=label("督查事项"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), info=label("承办单位"))
    role: Mapped[AssignmentRole] = mapped_column(enum_column(AssignmentRole), info=label("承办类型"))
    deadline: Mapped[date] = mapped_column(Date, info=label("完成时限"))
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column(AssignmentStatus), default=AssignmentStatus.PENDING, info=label("状态")
    )
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0, info=label("督查等级"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("交办时间"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("签收时间"))
    acknowledged_by: Mapped[str | None] = mapped_column(String(50), info=label("签收人"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True, info=label("办结时间"))
    status_reason: Mapped[str | None] = mapped_column(Text, info=label("暂停/撤销原因"))
    escalation_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("停止督办时间"))
    escalation_stop_reason: Mapped[str | None] = mapped_column(Text, info=label("停止督办原因"))
    checks_done: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0", info=label("已督查轮次"))
    token_version: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1", info=label("链接版本"))
    next_action_on: Mapped[date | None] = mapped_column(Date, index=True, info=label("下次检查日期"))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True, info=label("本任务分包督查员")
    )

    item: Mapped[Item] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()
    supervisor = relationship("User", foreign_keys=[supervisor_id], info=label("本任务分包督查员"))
    feedbacks = relationship(
        "Feedback", back_populates="assignment", cascade="all, delete-orphan", order_by="Feedback.id"
    )
    checks = relationship(
        "SupervisionCheck",
        back_populates="assignment",
        cascade="all, delete-orphan",
        order_by="SupervisionCheck.round",
    )

    def __str__(self) -> str:
        return f"{self.item.number if self.item else ''} · {self.unit.name if self.unit else ''}"

    def is_overdue(self, today: date) -> bool:
        """True when the deadline date (China time) has passed and the share is still open."""
        return is_overdue(self.deadline, self.status, OPEN_ASSIGNMENT_STATUSES, today)

    @classmethod
    def overdue_condition(cls, today: date):
        """`is_overdue` as an SQL condition, for queries."""
        return overdue_condition(cls.deadline, cls.status, OPEN_ASSIGNMENT_STATUSES, today)
