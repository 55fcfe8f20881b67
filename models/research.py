"""督查调研 register: research articles (调研报告, 督查专报, 信息), the units they concern and where they went."""

from datetime import date

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, enum_column, label


class ResearchKind(LabeledEnum):
    """The three kinds of article the office writes."""

    REPORT = "report", "调研报告"
    BRIEF = "brief", "督查专报"
    INFO = "info", "信息"


class ResearchDestination(LabeledEnum):
    """Where an article went; an article may have gone several places or none (one flag column each)."""

    INSTRUCTED = "leader_instructed", "领导批示"
    ADOPTED = "adopted", "采用"
    PUBLISHED = "published", "刊发"


research_article_unit = Table(
    "research_article_unit",
    Base.metadata,
    Column("article_id", ForeignKey("research_article.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)

research_article_item = Table(
    "research_article_item",
    Base.metadata,
    Column("article_id", ForeignKey("research_article.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ResearchArticle(Timestamped, Base):
    """One 督查调研 article: title, authors, date, kind, the units it concerns, where it went, one optional file."""

    __tablename__ = "research_article"
    __audit__ = True
    __audit_exclude__ = ("attachment_stored", "attachment_sha256", "attachment_type")

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True, info=label("标题"))
    authors: Mapped[str] = mapped_column(String(200), info=label("作者"))
    written_on: Mapped[date] = mapped_column(Date, index=True, info=label("日期"))
    kind: Mapped[ResearchKind] = mapped_column(enum_column(ResearchKind), index=True, info=label("类别"))
    leader_instructed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=label("领导批示"))
    adopted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=label("采用"))
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=label("刊发"))
    outlet: Mapped[str | None] = mapped_column(String(200), info=label("批示/采用/刊发情况"))
    summary: Mapped[str | None] = mapped_column(Text, info=label("内容摘要"))
    attachment_name: Mapped[str | None] = mapped_column(String(200), info=label("附件"))
    attachment_type: Mapped[str | None] = mapped_column(String(100), info=label("附件类型"))
    attachment_size: Mapped[int | None] = mapped_column(Integer, info=label("附件大小（字节）"))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64), info=label("附件校验值"))
    attachment_stored: Mapped[str | None] = mapped_column(String(80), unique=True, info=label("附件存储名"))
    # the file's bytes, in the database like every attachment (file_store.py): every app server sees them
    attachment_content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("登记人"))

    units = relationship("Unit", secondary=research_article_unit, order_by="Unit.code", info=label("涉及单位"))
    items = relationship("Item", secondary=research_article_item, order_by="Item.id", info=label("相关事项"))
    created_by = relationship("User")

    @property
    def destinations(self) -> list[ResearchDestination]:
        """Where the article went, in the fixed order 领导批示, 采用, 刊发."""
        return [d for d in ResearchDestination if getattr(self, d.value)]

    def __str__(self) -> str:
        return self.title
