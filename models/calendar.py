"""Calendar corrections (节假日调整): days an admin marks as holiday or make-up working day."""

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, label


class CalendarDay(Timestamped, Base):
    """One day whose working status overrides the built-in Chinese holiday calendar."""

    __tablename__ = "calendar_day"
    __audit__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True, info=label("日期"))
    is_workday: Mapped[bool] = mapped_column(Boolean, info=label("是否上班"))
    note: Mapped[str | None] = mapped_column(String(50), info=label("说明"))

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_workday else '放假'}"
