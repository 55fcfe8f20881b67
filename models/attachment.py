"""Files attached to a feedback form; their bytes live in the database (files of older releases on disk until
`move-files-into-db` takes them in)."""

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamped, label


class Attachment(Timestamped, Base):
    """One uploaded file of a feedback: original name, type, size, checksum, and its bytes.

    `content` (bytea / BLOB) is written in the same transaction as the row and loaded only when asked for; it is
    NULL only for a file of an older release still on disk as UPLOAD_FOLDER/`stored_name`.
    """

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True, info=label("反馈")
    )
    filename: Mapped[str] = mapped_column(String(200), info=label("文件名"))
    content_type: Mapped[str] = mapped_column(String(100), info=label("类型"))
    size: Mapped[int] = mapped_column(Integer, info=label("大小（字节）"))
    sha256: Mapped[str] = mapped_column(String(64), info=label("校验值"))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True, info=label("存储名"))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    def __str__(self) -> str:
        return self.filename
