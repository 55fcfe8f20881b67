"""Feedback (落实情况反馈表): a unit's report on its assignment and the supervisor's review of it."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.assignment import Assignment
from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label


class ReviewStatus(LabeledEnum):
    """The supervisor's verdict on one feedback."""

    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "通过"
    RETURNED = "returned", "退回"
    UNSATISFACTORY = "unsatisfactory", "不合格"


class Feedback(Timestamped, Base):
    """One 落实情况反馈表 submitted for an assignment."""

    __tablename__ = "feedback"
    __audit__ = True
    __table_args__ = (
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_range"),
        Index("ix_feedback_review_status_submitted_at", "review_status", "submitted_at"),
        # At most one report awaiting review per share and period (the final report has no period): the last
        # line of defence behind the row lock of workflows.feedback.submit_feedback.
        Index(
            "uq_feedback_pending_final",
            "assignment_id",
            unique=True,
            sqlite_where=text("review_status = 'pending' AND period IS NULL"),
            postgresql_where=text("review_status = 'pending' AND period IS NULL"),
        ),
        Index(
            "uq_feedback_pending_period",
            "assignment_id",
            "period",
            unique=True,
            sqlite_where=text("review_status = 'pending' AND period IS NOT NULL"),
            postgresql_where=text("review_status = 'pending' AND period IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    progress: Mapped[str] = mapped_column(Text, info=label("工作进展"))
    measures: Mapped[str | None] = mapped_column(Text, info=label("采取措施"))
    problems: Mapped[str | None] = mapped_column(Text, info=label("存在问题"))
    next_steps: Mapped[str | None] = mapped_column(Text, info=label("下步打算"))
    percent_complete: Mapped[int] = mapped_column(SmallInteger, default=0, info=label("完成比例（%）"))
    contact_name: Mapped[str | None] = mapped_column(String(50), info=label("联系人"))
    contact_phone: Mapped[str | None] = mapped_column(String(30), info=label("联系电话"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("提交时间"))
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), info=label("提交人")
    )
    submitted_by_name: Mapped[str | None] = mapped_column(String(50), info=label("填报人"))
    period: Mapped[str | None] = mapped_column(String(7), index=True, info=label("期次"))
    review_status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus), default=ReviewStatus.PENDING, info=label("审核状态")
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("审核人"))
    review_comment: Mapped[str | None] = mapped_column(Text, info=label("审核意见"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("审核时间"))
    check_round: Mapped[int | None] = mapped_column(SmallInteger, info=label("对应督查"))
    progress_unsatisfactory: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0", info=label("进度不理想")
    )

    assignment: Mapped[Assignment] = relationship(back_populates="feedbacks")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    attachments = relationship("Attachment", cascade="all, delete-orphan", order_by="Attachment.id")

    def __str__(self) -> str:
        return f"反馈 #{self.id}"
