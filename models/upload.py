"""An uploaded import file kept in the database between its preview and its confirmation (any app server may
serve either)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class ImportUpload(Base):
    """One uploaded .xlsx: a random token, what kind of import, who uploaded it, its sha256 and its bytes."""

    __tablename__ = "import_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
