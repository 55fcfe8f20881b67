"""Units (承办单位): the 40 directly affiliated units and 14 departments that carry out items."""

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, enum_column, label
from models.leader import BureauLeader


class UnitKind(LabeledEnum):
    """The two kinds of unit in the bureau."""

    AFFILIATED = "affiliated", "局直单位"
    DEPARTMENT = "department", "部办"


class Unit(Timestamped, Base):
    """A unit that receives assignments; its liaisons answer for it."""

    __tablename__ = "unit"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, info=label("单位编码"))
    name: Mapped[str] = mapped_column(String(100), unique=True, info=label("单位名称"))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind), index=True, info=label("单位类别"))
    head_name: Mapped[str | None] = mapped_column(String(50), info=label("单位负责人"))
    head_email: Mapped[str | None] = mapped_column(String(120), info=label("负责人邮箱"))
    leader_in_charge_id: Mapped[int | None] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="SET NULL"), index=True, info=label("分管领导")
    )
    office_email: Mapped[str | None] = mapped_column(String(120), info=label("单位邮箱"))
    phone: Mapped[str | None] = mapped_column(String(30), info=label("办公电话"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("启用"))
    aliases: Mapped[str | None] = mapped_column(String(300), info=label("别名（用“、”分隔）"))
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL", use_alter=True), index=True, info=label("分包督查员")
    )

    leader_in_charge: Mapped[BureauLeader | None] = relationship(info=label("分管领导"))
    # post_update: a unit and its supervisor (whose account may name the unit) can be written in one flush
    supervisor = relationship("User", foreign_keys=[supervisor_id], post_update=True, info=label("分包督查员"))

    def __str__(self) -> str:
        return self.name
