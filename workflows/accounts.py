"""Accounts: signing in with a failed-login throttle, creating users, the first admin's password."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.unit import Unit
from models.user import Role, User
from workflows.audit import record_step

GENERIC_LOGIN_ERROR = "用户名或密码错误。"
MIN_PASSWORD_LENGTH = 8


@dataclass
class LoginResult:
    """The outcome of a sign-in attempt: the user on success, else a Chinese message."""

    user: User | None
    error: str | None = None


def find_user(session: Session, username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    return session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))


def authenticate(
    session: Session, username: str, password: str, *, now: datetime, max_failures: int, lock_minutes: int
) -> LoginResult:
    """Check a password; after `max_failures` failures in a row the account is locked for `lock_minutes`."""
    user = find_user(session, username)
    if user is None:
        return LoginResult(None, GENERIC_LOGIN_ERROR)
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        return LoginResult(None, f"登录失败次数过多，该账户已被锁定，请在 {minutes} 分钟后再试，或联系系统管理员。")
    if not user.check_password(password):
        user.failed_login_count = (user.failed_login_count or 0) + 1
        if user.failed_login_count >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_login_count = 0
            record_step(session, "登录锁定", user, f"连续 {max_failures} 次密码错误，锁定 {lock_minutes} 分钟", now=now)
            return LoginResult(
                None, f"登录失败次数过多，该账户已被锁定 {lock_minutes} 分钟，请稍后再试，或联系系统管理员。"
            )
        return LoginResult(None, GENERIC_LOGIN_ERROR)
    if not user.active:
        return LoginResult(None, "该账户已停用，请联系系统管理员。")
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    return LoginResult(user)


def password_problem(password: str) -> str | None:
    """A Chinese explanation of why a password is too weak, or None when it is acceptable."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。"
    return None


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    role: Role,
    display_name: str | None = None,
    unit_code: str | None = None,
    now: datetime,
) -> User:
    """Create an account; liaisons must name their unit. Raises ValueError with a Chinese message."""
    if find_user(session, username) is not None:
        raise ValueError(f"用户名“{username}”已存在。")
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    unit = None
    if unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise ValueError(f"找不到单位编码“{unit_code}”。")
    if role == Role.LIAISON and unit is None:
        raise ValueError("联络员账户必须指定所在单位（--unit 单位编码）。")
    user = User(username=username.strip(), display_name=display_name or username, role=role, unit=unit, active=True)
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def reset_password(session: Session, user: User, password: str, *, now: datetime) -> None:
    """Set a new password and lift any login lock. Raises ValueError when the password is too weak."""
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    user.set_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    record_step(session, "重置密码", user, "", now=now)


def generate_password() -> str:
    """A random password that is easy to read aloud and type (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def ensure_admin(session: Session, password: str | None, *, now: datetime) -> tuple[User, str | None]:
    """Create the `admin` account unless one exists; returns it and the password when one was generated."""
    existing = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    if existing is not None:
        return existing, None
    generated = None
    if not password:
        password = generated = generate_password()
    user = create_user(session, "admin", password, role=Role.ADMIN, display_name="系统管理员", now=now)
    return user, generated
