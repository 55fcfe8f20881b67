"""Leaders' instructions (批示) added to an item after it was registered."""

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, label
from models.item import Item
from models.leader import BureauLeader


class Instruction(Timestamped, Base):
    """A leader's written instruction on an item, kept in order with who wrote it."""

    __tablename__ = "instruction"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True, info=label("督查事项"))
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="SET NULL"), info=label("批示领导")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("录入人"))
    text: Mapped[str] = mapped_column(Text, info=label("批示内容"))

    item: Mapped[Item] = relationship()
    leader: Mapped[BureauLeader | None] = relationship()
    author = relationship("User")

    def __str__(self) -> str:
        return self.text[:30]
