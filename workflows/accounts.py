"""Accounts: signing in with throttles kept in the database, server-side sessions, creating users, passwords.

Throttles (every app process shares them through the database):
- per address: after `address_max_failures` failed attempts within `address_window_minutes` the address is
  refused outright (no password is checked) until its oldest failure in the window ages out;
- per account: every `max_failures` wrong passwords lock the name for a lock that doubles each time
  (`lock_minutes`, 2×, 4× … up to `max_lock_minutes`); a success or an admin's unlock starts over. The owner
  can still sign in from the address they last signed in from, so a stranger cannot keep them out;
- unknown names behave exactly like real ones: same messages, same locks, the same hashing cost.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from audit import record_step
from clock import china_time
from models.security import LoginSession, ThrottleEvent
from models.unit import Unit
from models.user import Role, User
from workflows.in_charge import IN_CHARGE_LOADED, in_charge_column
from workflows.passwords import MIN_PASSWORD_LENGTH, password_problem

__all__ = ["MIN_PASSWORD_LENGTH", "password_problem"]

GENERIC_LOGIN_ERROR = "用户名或密码错误。"
FAILURE_MEMORY = timedelta(hours=24)


@dataclass
class LoginPolicy:
    """The sign-in throttle's settings (LOGIN_* in the configuration)."""

    max_failures: int = 5
    lock_minutes: float = 1
    max_lock_minutes: float = 60
    address_max_failures: int = 20
    address_window_minutes: float = 15
    password_hash_method: str = "scrypt"

    @classmethod
    def from_config(cls, config) -> "LoginPolicy":
        """The policy the app is configured with."""
        return cls(
            max_failures=int(config["LOGIN_MAX_FAILURES"]),
            lock_minutes=float(config["LOGIN_LOCK_MINUTES"]),
            max_lock_minutes=float(config["LOGIN_MAX_LOCK_MINUTES"]),
            address_max_failures=int(config["LOGIN_ADDRESS_MAX_FAILURES"]),
            address_window_minutes=float(config["LOGIN_ADDRESS_WINDOW_MINUTES"]),
            password_hash_method=config.get("PASSWORD_HASH_METHOD", "scrypt"),
        )


@dataclass
class LoginResult:
    """The outcome of a sign-in attempt: the user on success, else a Chinese message and an HTTP status."""

    user: User | None
    error: str | None = None
    status: int = 200


def normal_name(username: str | None) -> str:
    """The form of a username the throttle counts by: trimmed, lower-case, at most 50 characters."""
    return (username or "").strip().lower()[:50]


def find_user(session: Session, username: str) -> User | None:
    """The account with this username (case-insensitive), or None."""
    return session.scalar(select(User).where(func.lower(User.username) == normal_name(username)))


_DUMMY_HASHES: dict[str, str] = {}


def dummy_check(password: str, method: str) -> None:
    """Spend the same hashing time as a real check, for a name that has no account."""
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_DUMMY_HASHES[method], password or "")


def address_blocked_until(
    session: Session, scope: str, address: str, *, now: datetime, limit: int, window_minutes: float
) -> datetime | None:
    """When the address may try again, if it has `limit` failures in the window; else None."""
    window = timedelta(minutes=window_minutes)
    times = session.scalars(
        select(ThrottleEvent.at)
        .where(ThrottleEvent.scope == scope, ThrottleEvent.address == address, ThrottleEvent.at > now - window)
        .order_by(ThrottleEvent.at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit:
        return None
    return times[-1] + window


def record_failure(session: Session, scope: str, address: str, *, now: datetime, username: str | None = None) -> None:
    """Count a failed attempt against the address (and the name, for a wrong password); forget old ones."""
    session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < now - FAILURE_MEMORY))
    session.add(ThrottleEvent(scope=scope, address=address[:45], username=username, at=now))
    session.flush()


def minutes_text(until: datetime, now: datetime) -> int:
    """Whole minutes left until `until`, at least 1."""
    return max(1, int((until - now).total_seconds() // 60) + (1 if (until - now).total_seconds() % 60 else 0))


def account_locked_until(session: Session, name: str, *, now: datetime, policy: LoginPolicy) -> datetime | None:
    """The end of the name's current lock, or None: every `max_failures` failures start a lock twice as long."""
    times = session.scalars(
        select(ThrottleEvent.at)
        .where(ThrottleEvent.scope == "login", ThrottleEvent.username == name, ThrottleEvent.at > now - FAILURE_MEMORY)
        .order_by(ThrottleEvent.at)
    ).all()
    locks = len(times) // policy.max_failures
    if not locks:
        return None
    started = times[locks * policy.max_failures - 1]
    length = min(policy.lock_minutes * 2 ** (locks - 1), policy.max_lock_minutes)
    until = started + timedelta(minutes=length)
    return until if until > now else None


def authenticate(
    session: Session, username: str, password: str, *, now: datetime, address: str = "", policy: LoginPolicy
) -> LoginResult:
    """Check a password under the per-address and per-account throttles (see the module's docstring)."""
    address = (address or "unknown")[:45]
    blocked = address_blocked_until(
        session,
        "login",
        address,
        now=now,
        limit=policy.address_max_failures,
        window_minutes=policy.address_window_minutes,
    )
    if blocked:
        return LoginResult(
            None, f"此网络地址登录失败次数过多，请在 {minutes_text(blocked, now)} 分钟后再试。", status=429
        )
    name = normal_name(username)
    user = find_user(session, name)
    locked = account_locked_until(session, name, now=now, policy=policy)
    trusted = user is not None and user.last_login_address is not None and user.last_login_address == address
    if locked and not trusted:
        record_failure(session, "login", address, now=now)
        return LoginResult(
            None,
            f"登录失败次数过多，该账户已被暂时锁定，"
            f"请在 {minutes_text(locked, now)} 分钟后再试，或联系系统管理员解锁。",
            status=401,
        )
    if user is None:
        dummy_check(password, policy.password_hash_method)
        right = False
    else:
        right = user.check_password(password)
    if not right:
        record_failure(session, "login", address, now=now, username=name)
        locked = account_locked_until(session, name, now=now, policy=policy)
        if user is not None:
            user.failed_login_count = min((user.failed_login_count or 0) + 1, 10000)
        if locked and not trusted:
            if user is not None:
                user.locked_until = locked
                record_step(session, "登录锁定", user, f"密码错误次数过多，锁定至 {china_time(locked):%H:%M}", now=now)
            return LoginResult(
                None,
                f"登录失败次数过多，该账户已被暂时锁定 {minutes_text(locked, now)} 分钟，"
                "请稍后再试，或联系系统管理员解锁。",
                status=401,
            )
        return LoginResult(None, GENERIC_LOGIN_ERROR, status=401)
    if not user.active:
        return LoginResult(None, "该账户已停用，请联系系统管理员。", status=401)
    clear_account_failures(session, user)
    user.last_login_at = now
    user.last_login_address = address
    return LoginResult(user)


def clear_account_failures(session: Session, user: User) -> None:
    """Forget the account's wrong passwords and lift its lock (after a success, a reset or an admin's unlock)."""
    session.execute(
        delete(ThrottleEvent).where(
            ThrottleEvent.scope == "login", ThrottleEvent.username == normal_name(user.username)
        )
    )
    user.failed_login_count = 0
    user.locked_until = None


def unlock_account(session: Session, user: User, *, now: datetime) -> None:
    """An admin lifts the account's login lock."""
    clear_account_failures(session, user)
    record_step(session, "解除锁定", user, "", now=now)


def token_hash(token: str) -> str:
    """The SHA-256 under which a session token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, *, now: datetime, lifetime: timedelta, address: str = "") -> str:
    """Open a server-side session for the user and return its token (for the cookie); drop their expired ones."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
            address=address[:45],
        )
    )
    session.flush()
    return token


def session_user(session: Session, user_id: int, token: str | None, *, now: datetime) -> User | None:
    """The user of a live server-side session with this token, or None (ended, expired or someone else's)."""
    if not token:
        return None
    # with whether they have anything in their charge (their lists ask on every page): one statement, not three
    row = session.execute(
        select(User, in_charge_column())
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, LoginSession.token_hash == token_hash(token), LoginSession.expires_at > now)
    ).first()
    if row is None:
        return None
    user, in_charge = row
    setattr(user, IN_CHARGE_LOADED, bool(in_charge))
    return user


def end_session(session: Session, token: str | None) -> None:
    """End one server-side session (sign-out): its cookie is refused from now on."""
    if token:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def end_other_sessions(session: Session, user: User, *, keep: str | None = None) -> None:
    """End every session of the user except the one with token `keep` (after a password change or reset)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        query = query.where(LoginSession.token_hash != token_hash(keep))
    session.execute(query)


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
    problem = password_problem(password, username=username, names=(display_name or "",))
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


def reset_password(
    session: Session, user: User, password: str, *, now: datetime, keep_session: str | None = None
) -> None:
    """Set a new password, lift any login lock and end the user's other sessions. Raises ValueError when weak."""
    problem = password_problem(password, username=user.username, names=(user.display_name or "",))
    if problem:
        raise ValueError(problem)
    user.set_password(password)
    user.must_change_password = False
    clear_account_failures(session, user)
    end_other_sessions(session, user, keep=keep_session)
    record_step(session, "重置密码", user, "", now=now)


def generate_password() -> str:
    """A random password that is easy to read aloud and type (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(14))
        if password_problem(password) is None:
            return password


def ensure_admin(session: Session, password: str | None, *, now: datetime) -> tuple[User, str | None]:
    """Create the `admin` account unless one exists; returns it and the password when one was generated.

    A generated password must be changed: the admin is sent to the change-password page after signing in.
    """
    existing = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))
    if existing is not None:
        return existing, None
    generated = None
    if not password:
        password = generated = generate_password()
    user = create_user(session, "admin", password, role=Role.ADMIN, display_name="系统管理员", now=now)
    user.must_change_password = generated is not None
    return user, generated
