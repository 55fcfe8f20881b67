"""目标考核: the scoring rules of each year (data, not code) and the frozen (定稿) results of a period.

A year's rules are rows (one per kind of rule); the computation (workflows/assessment.py) knows what each kind
measures, the rows say how many points it is worth, its cap and whether it counts. A frozen period keeps its table
and the rules it was computed with as JSON, so later edits never rewrite a published result; while a period of a
year is frozen, that year's rules cannot be changed.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label
from models.item import Item


class RuleKind(LabeledEnum):
    """What a rule measures; its points are added (credit) or taken off (deduction) per occurrence."""

    BASE = "base", "基础分"
    OVERDUE_SHARE = "overdue_share", "承办任务逾期（未按时办结）"
    RETURNED_REPORT = "returned_report", "反馈被退回"
    UNSATISFACTORY_REPORT = "unsatisfactory_report", "反馈经审核不合格"
    FAILED_CHECK = "failed_check", "督查不合格"
    RECTIFICATION = "rectification", "整改通知书"
    YELLOW_CARD = "yellow_card", "黄牌警告"
    ACCOUNTABILITY = "accountability", "提请追责（决定追责）"
    DISSATISFIED_ANSWER = "dissatisfied_answer", "答复不满意"
    EARLY_COMPLETION = "early_completion", "提前办结"
    RESEARCH_INSTRUCTED = "research_instructed", "调研文章获领导批示"
    RESEARCH_ADOPTED = "research_adopted", "调研文章被采用"
    RESEARCH_PUBLISHED = "research_published", "调研文章刊发"


@dataclass(frozen=True)
class RuleDefault:
    """A kind of rule: whether it credits or deducts, and the points, cap and unit a new year starts with."""

    kind: RuleKind
    sign: int  # +1 credit, -1 deduction, 0 the base score
    points: float
    cap: float | None = None
    active: bool = True
    per: str = "项"


RULE_DEFAULTS = {
    rule.kind: rule
    for rule in (
        RuleDefault(RuleKind.BASE, 0, 100, per="分"),
        RuleDefault(RuleKind.OVERDUE_SHARE, -1, 2, per="项"),
        RuleDefault(RuleKind.RETURNED_REPORT, -1, 0.5, per="份"),
        RuleDefault(RuleKind.UNSATISFACTORY_REPORT, -1, 1, per="份"),
        RuleDefault(RuleKind.FAILED_CHECK, -1, 0, active=False, per="次"),
        RuleDefault(RuleKind.RECTIFICATION, -1, 2, per="份"),
        RuleDefault(RuleKind.YELLOW_CARD, -1, 3, per="份"),
        RuleDefault(RuleKind.ACCOUNTABILITY, -1, 5, per="项"),
        RuleDefault(RuleKind.DISSATISFIED_ANSWER, -1, 1, per="件"),
        RuleDefault(RuleKind.EARLY_COMPLETION, 1, 0.2, cap=2, per="项"),
        RuleDefault(RuleKind.RESEARCH_INSTRUCTED, 1, 1, cap=3, per="篇"),
        RuleDefault(RuleKind.RESEARCH_ADOPTED, 1, 1, cap=3, per="篇"),
        RuleDefault(RuleKind.RESEARCH_PUBLISHED, 1, 0.5, cap=2, per="篇"),
    )
}


# 目标考核 counts the answers of a period (satisfaction): without an index that reads every item.
Index("ix_item_answered_at", Item.answered_at)


class AssessmentRule(Base):
    """One rule of a year's rule set: points per occurrence (or the base score), an optional cap, on or off."""

    __tablename__ = "assessment_rule"
    __audit__ = True
    __table_args__ = (UniqueConstraint("year", "kind", name="uq_assessment_rule_year_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True, info=label("年度"))
    kind: Mapped[RuleKind] = mapped_column(enum_column(RuleKind), info=label("规则"))
    points: Mapped[float] = mapped_column(Numeric(7, 2, asdecimal=False), info=label("分值"))
    cap: Mapped[float | None] = mapped_column(Numeric(7, 2, asdecimal=False), info=label("上限（分）"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("计分"))
    note: Mapped[str | None] = mapped_column(Text, info=label("说明"))

    @property
    def sign(self) -> int:
        """+1 for a credit, -1 for a deduction, 0 for the base score."""
        return RULE_DEFAULTS[RuleKind(self.kind)].sign

    def __str__(self) -> str:
        return f"{self.year}年 {RuleKind(self.kind).label}"


class AssessmentFreeze(Base):
    """A period's result as it was frozen (定稿): the table and the rules as JSON, who froze it and when; unfreezing
    (撤销定稿) keeps the row, with who, when and why, so the history of a published result stays."""

    __tablename__ = "assessment_freeze"
    __audit__ = True
    __audit_exclude__ = ("result",)
    __table_args__ = (
        Index(
            "uq_assessment_freeze_period_current",
            "period",
            unique=True,
            sqlite_where=text("unfrozen_at IS NULL"),
            postgresql_where=text("unfrozen_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True, info=label("考核期"))
    year: Mapped[int] = mapped_column(Integer, index=True, info=label("年度"))
    result: Mapped[dict] = mapped_column(JSON, info=label("定稿结果"))
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("定稿时间"))
    frozen_by_name: Mapped[str] = mapped_column(String(50), info=label("定稿人"))
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("定稿账户"))
    unfrozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("撤销定稿时间"))
    unfrozen_by_name: Mapped[str | None] = mapped_column(String(50), info=label("撤销人"))
    unfreeze_reason: Mapped[str | None] = mapped_column(Text, info=label("撤销原因"))

    frozen_by = relationship("User")

    def __str__(self) -> str:
        return f"{self.period} 定稿"
