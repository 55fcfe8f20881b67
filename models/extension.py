"""Extension requests (延期申请) and the history of every deadline change of an assignment."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, UTCDateTime, enum_column, label


class ExtensionStatus(LabeledEnum):
    """Where an extension request stands."""

    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class ExtensionRequest(Base):
    """A unit's request to move its deadline, and the supervisor's decision."""

    __tablename__ = "extension_request"
    __audit__ = True
    # At most one open request per share (the last line of defence behind workflows.feedback.request_extension).
    __table_args__ = (
        Index(
            "uq_extension_request_pending",
            "assignment_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    current_deadline: Mapped[date] = mapped_column(Date, info=label("原完成时限"))
    requested_deadline: Mapped[date] = mapped_column(Date, info=label("申请延至"))
    reason: Mapped[str] = mapped_column(Text, info=label("延期理由"))
    requested_by_name: Mapped[str] = mapped_column(String(50), info=label("申请人"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("申请时间"))
    status: Mapped[ExtensionStatus] = mapped_column(
        enum_column(ExtensionStatus), default=ExtensionStatus.PENDING, index=True, info=label("审批状态")
    )
    decided_by_name: Mapped[str | None] = mapped_column(String(50), info=label("审批人"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("审批时间"))
    decision_comment: Mapped[str | None] = mapped_column(Text, info=label("审批意见"))

    assignment = relationship("Assignment")

    def __str__(self) -> str:
        return f"延期至 {self.requested_deadline}"


class DeadlineChange(Base):
    """One change of an assignment's deadline: from, to, why, by whom, when."""

    __tablename__ = "deadline_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True, info=label("承办任务")
    )
    old_deadline: Mapped[date] = mapped_column(Date, info=label("原时限"))
    new_deadline: Mapped[date] = mapped_column(Date, info=label("新时限"))
    reason: Mapped[str] = mapped_column(String(300), info=label("原因"))
    changed_by_name: Mapped[str] = mapped_column(String(50), info=label("操作人"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("时间"))
