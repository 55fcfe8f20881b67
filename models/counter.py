"""Yearly sequence counters behind document numbers such as 督〔2026〕12号."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class SequenceCounter(Base):
    """The last number issued for one series and year (key like `item:2026`)."""

    __tablename__ = "sequence_counter"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
