"""The rungs of the three checks (三次督查制度): one row per failed check, in order; the database forbids skipping one.

A supervisor's 不合格 verdict on a check climbs one rung: 1 整改通知书 (with 通报批评), 2 黄牌警告, 3 提请追责 — a
request to the leadership, who decide it (同意追责 / 不予追责).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label
from models.notice import NoticeKind


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder: its level, the notice it issues and how pages name it."""

    level: int
    kind: NoticeKind
    reached: str  # "已下发整改通知书": the unit's page, after the rung was reached
    badge_css: str  # the colour of the rung's badge in the lists
    template: str  # the notice's text (mail_templates/)

    @property
    def name(self) -> str:
        """The notice's name, also the rung's badge text: 整改通知书, 黄牌警告, 提请追责."""
        return self.kind.label


# The ladder's one table (三次督查制度): level → notice, names, badge colour, notice text.
LADDER = (
    Rung(1, NoticeKind.RECTIFICATION, "已下发整改通知书", "badge-warning", "notice_rectification.txt"),
    Rung(2, NoticeKind.YELLOW_CARD, "已黄牌警告", "badge-danger", "notice_yellow_card.txt"),
    Rung(3, NoticeKind.ACCOUNTABILITY, "已提请追责", "badge-dark", "notice_accountability.txt"),
)
RUNGS = {rung.level: rung for rung in LADDER}
TOP_RUNG = LADDER[-1].level
NOT_CHECKED = "未督查"  # level 0: no rung reached
NOT_CHECKED_CSS = "badge-light"
LADDER_KINDS = {rung.level: rung.kind for rung in LADDER}
ESCALATION_LABELS = {0: NOT_CHECKED, **{rung.level: rung.name for rung in LADDER}}


def rung_name(level: int | None) -> str:
    """The rung's name for a level (0 or None: 未督查)."""
    return RUNGS[level].name if level else NOT_CHECKED


def rung_reached(level: int | None) -> str:
    """The unit-facing phrase for the rung reached (已下发整改通知书, 已黄牌警告, 已提请追责); '' for none."""
    return RUNGS[level].reached if level else ""


def rung_badge_css(level: int | None) -> str:
    """The badge colour of a level in the lists."""
    return RUNGS[level].badge_css if level else NOT_CHECKED_CSS


class FailureReason(LabeledEnum):
    """Why a check failed."""

    CHECK_FAILED = "check_failed", "督查不合格"
    NO_FEEDBACK = "no_feedback", "未按时反馈"
    NOT_ACCEPTED = "not_accepted", "反馈未通过审核"
    UNSATISFACTORY = "unsatisfactory", "反馈经审核不合格"
    PERIOD_MISSED = "period_missed", "阶段进展未按时报送"


class AccountabilityDecision(LabeledEnum):
    """The leadership's decision on a 提请追责."""

    AGREED = "agreed", "同意追责"
    DECLINED = "declined", "不予追责"


class Escalation(Base):
    """Rung `level` (1 整改通知书, 2 黄牌警告, 3 提请追责) reached by a share on a failed check, once, after level-1."""

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
    round_date: Mapped[date] = mapped_column(Date, index=True, info=label("督查日期"))
    reason: Mapped[FailureReason] = mapped_column(enum_column(FailureReason), info=label("原因"))
    grounds: Mapped[str | None] = mapped_column(String(300), info=label("不合格情形"))
    check_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_check.id", ondelete="SET NULL"), index=True, info=label("督查记录")
    )
    remedied_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("整改到位时间"))
    decision: Mapped[AccountabilityDecision | None] = mapped_column(
        enum_column(AccountabilityDecision), info=label("追责决定")
    )
    decision_comment: Mapped[str | None] = mapped_column(Text, info=label("决定意见"))
    decided_by_name: Mapped[str | None] = mapped_column(String(50), info=label("决定人"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("决定时间"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id", ondelete="SET NULL"), info=label("通知"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("时间"))
    created_by_name: Mapped[str] = mapped_column(String(50), info=label("操作人"))

    assignment = relationship("Assignment")
    notice = relationship("Notice")
    check = relationship("SupervisionCheck")

    def __str__(self) -> str:
        return f"第{self.level}级"
