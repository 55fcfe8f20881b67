"""Accounts: who may sign in, with which role, and the state of their login throttle."""

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label
from models.leader import BureauLeader
from models.unit import Unit


class Role(LabeledEnum):
    """The four roles of Duban."""

    ADMIN = "admin", "系统管理员"
    SUPERVISOR = "supervisor", "督查员"
    LEADER = "leader", "局领导"
    LIAISON = "liaison", "联络员"


class User(UserMixin, Timestamped, Base):
    """A person who signs in; liaisons are tied to their unit, leaders to their bureau leader record."""

    __tablename__ = "user"
    __audit__ = True
    __audit_exclude__ = (
        "password_hash",
        "failed_login_count",
        "locked_until",
        "last_login_at",
        "last_login_address",
        "must_change_password",
    )
    __table_args__ = (CheckConstraint("role <> 'liaison' OR unit_id IS NOT NULL", name="liaison_has_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True, info=label("用户名"))
    display_name: Mapped[str] = mapped_column(String(50), info=label("姓名"))
    role: Mapped[Role] = mapped_column(enum_column(Role), info=label("角色"))
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit.id", ondelete="SET NULL"), index=True, info=label("所在单位")
    )
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="SET NULL"), info=label("对应局领导")
    )
    email: Mapped[str | None] = mapped_column(String(120), info=label("电子邮箱"))
    password_hash: Mapped[str] = mapped_column(String(255), info=label("密码"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=label("启用"))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("最近登录"))
    failed_login_count: Mapped[int] = mapped_column(SmallInteger, default=0, info=label("连续登录失败次数"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("锁定至"))
    last_login_address: Mapped[str | None] = mapped_column(String(45), info=label("最近登录地址"))
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0", info=label("须修改初始密码")
    )

    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    leader: Mapped[BureauLeader | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Flask-Login: deactivated accounts cannot sign in or keep a session."""
        return bool(self.active)

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password (method from PASSWORD_HASH_METHOD, default scrypt)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        """True when the user holds one of the roles."""
        return self.role in roles

    def __str__(self) -> str:
        return self.display_name or self.username
