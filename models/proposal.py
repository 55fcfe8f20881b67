"""Staff representatives' proposals (职工代表建议和提案): number, representatives, and how they judged each answer."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label
from models.item import Item, Satisfaction
from models.upward import SourceFile


class JudgedVia(LabeledEnum):
    """How the representative's judgement reached the office."""

    LINK = "link", "代表通过邮件链接评价"
    OFFICE = "office", "督查员代为登记"


class Proposal(Timestamped, Base):
    """A proposal's own fields (1:1 with its item); `round` is 2 once a 不满意 reopened it (二次办理)."""

    __tablename__ = "proposal"
    __audit__ = True
    __audit_exclude__ = ("link_version",)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), unique=True, info=label("督查事项"))
    number: Mapped[str] = mapped_column(String(30), unique=True, info=label("提案号"))
    representatives: Mapped[str] = mapped_column(String(200), info=label("提案人"))
    delegation: Mapped[str | None] = mapped_column(String(100), info=label("代表团（单位）"))
    seconders: Mapped[str | None] = mapped_column(String(300), info=label("附议人"))
    category: Mapped[str | None] = mapped_column(String(30), index=True, info=label("提案类别"))
    email: Mapped[str | None] = mapped_column(String(120), info=label("提案人邮箱"))
    answer_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_file.id", ondelete="SET NULL"), info=label("答复附件")
    )
    round: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1", info=label("办理轮次"))
    second_deadline: Mapped[date | None] = mapped_column(Date, info=label("二次办理时限"))
    link_version: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1", info=label("链接版本"))
    link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("评价链接发送时间"))

    item: Mapped[Item] = relationship()
    answer_file: Mapped[SourceFile | None] = relationship()
    judgements = relationship(
        "ProposalJudgement", back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalJudgement.id"
    )

    def judgement_of(self, round_: int):
        """The judgement of a round, or None."""
        return next((j for j in self.judgements if j.round == round_), None)

    def __str__(self) -> str:
        return f"{self.number} {self.item.title if self.item else ''}"


class ProposalJudgement(Base):
    """The representative's judgement (满意 / 基本满意 / 不满意) of one round's answer, once per round."""

    __tablename__ = "proposal_judgement"
    __audit__ = True
    __table_args__ = (UniqueConstraint("proposal_id", "round", name="uq_proposal_judgement_round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True, info=label("提案")
    )
    round: Mapped[int] = mapped_column(SmallInteger, info=label("办理轮次"))
    satisfaction: Mapped[Satisfaction] = mapped_column(enum_column(Satisfaction), info=label("评价"))
    comment: Mapped[str | None] = mapped_column(Text, info=label("意见"))
    via: Mapped[JudgedVia] = mapped_column(enum_column(JudgedVia), info=label("评价方式"))
    judged_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("评价时间"))
    judged_by_name: Mapped[str | None] = mapped_column(String(50), info=label("评价人"))

    proposal: Mapped[Proposal] = relationship(back_populates="judgements")

    @property
    def item_id(self) -> int | None:
        """The proposal's item, for the audit trail."""
        return self.proposal.item_id if self.proposal is not None else None
