"""Leaders supervise in person (领导督查, 现场办公): the visit, the units and items it concerned, what was found."""

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, label
from models.item import Item
from models.leader import BureauLeader
from models.unit import Unit

inspection_unit = Table(
    "leader_inspection_unit",
    Base.metadata,
    Column("inspection_id", ForeignKey("leader_inspection.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)

inspection_item = Table(
    "leader_inspection_item",
    Base.metadata,
    Column("inspection_id", ForeignKey("leader_inspection.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class LeaderInspection(Timestamped, Base):
    """A bureau leader's on-site supervision: when, who, where, the units visited, the items concerned, findings."""

    __tablename__ = "leader_inspection"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True, info=label("督查日期"))
    leader_id: Mapped[int] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="RESTRICT"), index=True, info=label("督查领导")
    )
    companions: Mapped[str | None] = mapped_column(String(200), info=label("陪同人员"))
    place: Mapped[str | None] = mapped_column(String(200), info=label("地点"))
    findings: Mapped[str] = mapped_column(Text, info=label("督查情况和要求"))

    leader: Mapped[BureauLeader] = relationship(info=label("督查领导"))
    units: Mapped[list[Unit]] = relationship(secondary=inspection_unit, order_by=Unit.code, info=label("督查单位"))
    items: Mapped[list[Item]] = relationship(secondary=inspection_item, order_by=Item.id, info=label("涉及事项"))

    def __str__(self) -> str:
        return f"{self.held_on} {self.leader.name if self.leader else ''}领导督查"
