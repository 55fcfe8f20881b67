"""Hotline calls (便民公开电话): who called, about what, and the office's call-back (回访), beside the call's item."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label
from models.item import Item, Satisfaction

DEFAULT_CATEGORIES = ("信访", "城管", "供暖", "物业", "林政", "其他")


class CallbackMethod(LabeledEnum):
    """How the office called the caller back."""

    PHONE = "phone", "电话回访"
    VISIT = "visit", "上门回访"
    MESSAGE = "message", "短信回访"


class HotlineCategory(Base):
    """A kind of call (信访, 城管, 供暖 …): the office keeps the list."""

    __tablename__ = "hotline_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True, info=label("类别"))
    sort_order: Mapped[int] = mapped_column(Integer, default=100, info=label("排序"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("启用"))

    def __str__(self) -> str:
        return self.name


class HotlineCall(Timestamped, Base):
    """One call: its item (1:1) carries the matter, the unit's share and deadline; this row carries the caller."""

    __tablename__ = "hotline_call"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), unique=True, info=label("督查事项"))
    called_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, info=label("来电时间"))
    caller: Mapped[str] = mapped_column(String(50), info=label("来电人"))
    phone: Mapped[str] = mapped_column(String(30), index=True, info=label("来电号码"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("hotline_category.id", ondelete="SET NULL"), index=True, info=label("类别")
    )
    said: Mapped[str] = mapped_column(Text, info=label("来电内容"))
    callback_on: Mapped[date | None] = mapped_column(Date, info=label("回访日期"))
    callback_method: Mapped[CallbackMethod | None] = mapped_column(enum_column(CallbackMethod), info=label("回访方式"))
    callback_note: Mapped[str | None] = mapped_column(Text, info=label("回访情况"))
    callback_by_name: Mapped[str | None] = mapped_column(String(50), info=label("回访人"))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(
        enum_column(Satisfaction), index=True, info=label("来电人满意度")
    )

    item: Mapped[Item] = relationship()
    category: Mapped[HotlineCategory | None] = relationship()

    def __str__(self) -> str:
        return f"{self.caller}（{self.item.number if self.item else ''}）"
