"""Declarative base, constraint naming, labelled enums and the UTC timestamp type shared by every model."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all Duban models."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def label(text: str, **extra) -> dict:
    """Column `info` carrying the Chinese label shown in screens, exports and the audit trail."""
    return {"label": text, **extra}


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime: timestamptz on PostgreSQL, naive UTC text on SQLite, always aware in Python."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabeledEnum(enum.StrEnum):
    """A string enum whose members carry a Chinese label: `RUNNING = "running", "办理中"`; str() is the value."""

    def __new__(cls, value: str, text: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = text
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for selects and filters."""
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value) -> str:
        """The label of a member or raw value; the value itself when unknown."""
        try:
            return cls(value).label
        except ValueError:
            return str(value or "")


def enum_column(enum_class: type[LabeledEnum], **kwargs) -> sa.Enum:
    """A portable enum column type stored as its string value, guarded by a CHECK constraint."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class) + 8,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=kwargs.pop("name", enum_class.__name__.lower()),
        **kwargs,
    )


class Timestamped:
    """Created/updated timestamps, filled at flush time from the session's `now` (see audit)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("创建时间"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label("更新时间"))
