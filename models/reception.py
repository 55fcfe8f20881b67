"""Leaders' reception visits (党政领导大接访): who came, to which leader, and what they asked; the item carries the
units' handling and the result given to the visitors (its answer)."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, label
from models.item import Item
from models.leader import BureauLeader


class ReceptionVisit(Timestamped, Base):
    """One visit to a leader's reception day, 1:1 with the item that hands the request to units."""

    __tablename__ = "reception_visit"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), unique=True, info=label("督查事项"))
    received_on: Mapped[date] = mapped_column(Date, index=True, info=label("接访日期"))
    leader_id: Mapped[int] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="RESTRICT"), index=True, info=label("接访领导")
    )
    visitors: Mapped[str] = mapped_column(String(200), info=label("来访人"))
    visitor_count: Mapped[int | None] = mapped_column(info=label("来访人数"))
    request: Mapped[str] = mapped_column(Text, info=label("来访诉求"))

    item: Mapped[Item] = relationship()
    leader: Mapped[BureauLeader] = relationship(info=label("接访领导"))

    def __str__(self) -> str:
        return f"{self.received_on} {self.visitors}"
