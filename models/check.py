"""The three checks (三次督查): each share's three planned checks, the record of each, and the grounds for failing one.

A check is planned (计划) when the share is assigned, opened (待裁定) by the sweep on its day with a proposed
verdict, and decided (已裁定) by a supervisor; a check that no longer needs holding (the share was finished,
cancelled or its checks stopped) is set aside (不再督查).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label


@dataclass(frozen=True)
class CheckStage:
    """One of the three checks: its number, its name and the question it asks (the report's words)."""

    number: int
    name: str
    question: str
    default_ground: str  # the ground proposed when nothing was reported for this check


CHECK_STAGES = (
    CheckStage(1, "第一次督查", "贯彻情况、工作措施和进度", "未按时报送"),
    CheckStage(2, "第二次督查", "整改情况和工作效果", "未按时报送"),
    CheckStage(3, "第三次督查", "按时保质保量完成", "未按时保质保量完成"),
)
STAGES = {stage.number: stage for stage in CHECK_STAGES}
CHECK_ROUNDS = tuple(STAGES)

# The grounds an office writes on a failed check (the report's own words); the editable list starts with these.
DEFAULT_GROUNDS = (
    "未按时报送",
    "不按时传达贯彻",
    "没有切实可行的措施",
    "行动迟缓",
    "任务完成不好",
    "整改不到位",
    "未按时保质保量完成",
    "有令不行、有禁不止",
)


def stage_name(number: int | None) -> str:
    """第一次督查, 第二次督查, 第三次督查."""
    return STAGES[number].name if number in STAGES else ""


class CheckState(LabeledEnum):
    """Where a check stands."""

    PLANNED = "planned", "计划"
    DUE = "due", "待裁定"
    DECIDED = "decided", "已裁定"
    MOOT = "moot", "不再督查"


class Verdict(LabeledEnum):
    """A check's verdict (proposed by the system or given by a supervisor); 待定 only ever proposed."""

    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    PENDING = "pending", "待定"


class SupervisionCheck(Base):
    """Check `round` (1, 2, 3) of one share: its date, what the system proposes, and what a supervisor decided."""

    __tablename__ = "supervision_check"
    __audit__ = True
    __audit_exclude__ = ("proposed", "proposed_ground", "requested_at")  # the sweep's bookkeeping
    __table_args__ = (
        UniqueConstraint("assignment_id", "round", name="uq_supervision_check_assignment_round"),
        CheckConstraint("round BETWEEN 1 AND 3", name="round_range"),
        CheckConstraint("verdict IS NULL OR verdict <> 'pending'", name="verdict_decided"),
        Index("ix_supervision_check_state_planned_on", "state", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    round: Mapped[int] = mapped_column(SmallInteger, info=label("督查轮次"))
    planned_on: Mapped[date] = mapped_column(Date, info=label("督查日期"))
    planned_by_hand: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0", info=label("人工调整日期")
    )
    state: Mapped[CheckState] = mapped_column(enum_column(CheckState), default=CheckState.PLANNED, info=label("状态"))
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("报送提醒时间"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("生成记录时间"))
    proposed: Mapped[Verdict | None] = mapped_column(
        enum_column(Verdict, name="proposedverdict"), info=label("建议结论")
    )
    proposed_ground: Mapped[str | None] = mapped_column(String(100), info=label("建议依据"))
    verdict: Mapped[Verdict | None] = mapped_column(enum_column(Verdict), info=label("督查结论"))
    grounds: Mapped[str | None] = mapped_column(String(300), info=label("不合格情形"))
    comment: Mapped[str | None] = mapped_column(Text, info=label("督查意见"))
    in_person_on: Mapped[date | None] = mapped_column(Date, info=label("现场督查日期"))
    in_person_note: Mapped[str | None] = mapped_column(Text, info=label("现场督查情况"))
    decided_by_name: Mapped[str | None] = mapped_column(String(50), info=label("裁定人"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("裁定时间"))
    moot_reason: Mapped[str | None] = mapped_column(String(200), info=label("不再督查原因"))

    assignment = relationship("Assignment", back_populates="checks")

    @property
    def stage(self) -> CheckStage:
        """The check's name and question."""
        return STAGES[self.round]

    @property
    def name(self) -> str:
        """第一次督查 …"""
        return self.stage.name

    def __str__(self) -> str:
        return f"{self.stage.name}（{self.planned_on}）"


class CheckGround(Base):
    """One ground for failing a check (不按时传达贯彻 …): the editable list supervisors choose from."""

    __tablename__ = "check_ground"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True, info=label("不合格情形"))
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0, info=label("排序"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("启用"))

    def __str__(self) -> str:
        return self.name
