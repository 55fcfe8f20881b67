"""The liaison network roster (督查网络): the people in each unit who receive notices and answer them."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label
from models.unit import Unit


class Employment(LabeledEnum):
    """Whether supervision is the liaison's whole job or one of several."""

    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"


class Liaison(Timestamped, Base):
    """A liaison (信息督查联络员) of a unit; at most one active primary contact per unit."""

    __tablename__ = "liaison"
    __audit__ = True
    __table_args__ = (
        Index(
            "uq_liaison_primary_per_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("is_primary AND active"),
            postgresql_where=text("is_primary AND active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True, info=label("所在单位"))
    name: Mapped[str] = mapped_column(String(50), index=True, info=label("姓名"))
    post: Mapped[str | None] = mapped_column(String(50), info=label("职务"))
    employment: Mapped[Employment] = mapped_column(
        enum_column(Employment), default=Employment.PART_TIME, info=label("专兼职")
    )
    office_phone: Mapped[str | None] = mapped_column(String(30), info=label("办公电话"))
    mobile: Mapped[str | None] = mapped_column(String(20), index=True, info=label("手机"))
    email: Mapped[str | None] = mapped_column(String(120), index=True, info=label("电子邮箱"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("在岗"))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False, info=label("主要联络人"))
    since: Mapped[date | None] = mapped_column(Date, info=label("任职日期"))
    note: Mapped[str | None] = mapped_column(Text, info=label("备注"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("最近确认"))

    unit: Mapped[Unit] = relationship(info=label("所在单位"))

    def __str__(self) -> str:
        return self.name
