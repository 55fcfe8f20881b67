"""Sign-in security state kept in the database (shared by every app process): sessions and throttle events."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class LoginSession(Base):
    """One signed-in browser: the cookie carries a random token, the server keeps only its SHA-256."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(45))


class ThrottleEvent(Base):
    """A failed attempt from a network address: a wrong sign-in (with the username tried) or a bad link.

    scope is "login" or "link"; `username` (lower-cased) is set for wrong passwords, which count against the
    account, and empty for attempts refused outright, which count against the address only.
    """

    __tablename__ = "throttle_event"
    __table_args__ = (
        Index("ix_throttle_event_address", "scope", "address", "at"),
        Index("ix_throttle_event_username", "username", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(45))
    username: Mapped[str | None] = mapped_column(String(50))
