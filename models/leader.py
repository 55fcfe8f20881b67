"""Bureau leaders (局领导): the people who order items, lead them, and receive escalations."""

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, label


class BureauLeader(Timestamped, Base):
    """A bureau leader: orders items, is in charge of units, is told of the last escalation rung."""

    __tablename__ = "bureau_leader"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True, info=label("姓名"))
    title: Mapped[str] = mapped_column(String(50), info=label("职务"))
    email: Mapped[str | None] = mapped_column(String(120), info=label("电子邮箱"))
    receives_escalations: Mapped[bool] = mapped_column(Boolean, default=False, info=label("接收提请追责"))
    sort_order: Mapped[int] = mapped_column(Integer, default=100, info=label("排序"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("在任"))

    def __str__(self) -> str:
        return leader_label(self.name, self.title)


def leader_label(name: str, title: str | None) -> str:
    """How a leader is named on the screens: 姓名（职务）, or the name alone."""
    return f"{name}（{title}）" if title else name
