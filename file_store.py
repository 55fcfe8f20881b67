"""Files kept in the database (feedback attachments, source files, import uploads), so every app server sees
every file.

The bytes are a LargeBinary column (PostgreSQL bytea, SQLite BLOB) written in the transaction of their row. A
download reads them back in chunks (`substr` on a connection of its own) while the response is being sent, so a
10 MB file never sits whole in a worker's memory. Attachments of releases before the files moved into the database
are still on disk (content NULL) until `move-files-into-db` (`move_files_into_db`) takes them in.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Response, send_file
from sqlalchemy import LargeBinary, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from importing.uploads import legacy_uploads
from models.attachment import Attachment
from models.upload import ImportUpload
from models.upward import SourceFile
from models.user import User

CHUNK = 1024 * 1024  # bytes read from the database per query while a download is sent
log = logging.getLogger(__name__)


class DatabaseFile(io.RawIOBase):
    """A read-only file over one LargeBinary cell: each read fetches the next piece with `substr`.

    It uses a connection of its own from the engine (the request's session is gone by the time the body is sent),
    opened at the first read and returned to the pool on close.
    """

    def __init__(self, engine: Engine, column, key: int, size: int):
        super().__init__()
        self.engine, self.column, self.key, self.size = engine, column, key, size
        self.position = 0
        self.connection = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        """Fill `buffer` with the next bytes of the cell (0 at the end)."""
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        if self.connection is None:
            self.connection = self.engine.connect()
        table_id = self.column.class_.id
        piece = self.connection.scalar(
            select(func.substr(self.column, self.position + 1, wanted, type_=LargeBinary)).where(table_id == self.key)
        )
        if not piece:  # the row went away while it was being sent
            return 0
        piece = bytes(piece)
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)

    def close(self) -> None:
        """Give the connection back."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        super().close()


def open_content(engine: Engine, column, key: int, size: int) -> io.BufferedReader:
    """A buffered reader of one file in the database, fetching CHUNK bytes per query."""
    return io.BufferedReader(DatabaseFile(engine, column, key, size), buffer_size=CHUNK)


def attachment_response(
    engine: Engine, session: Session, attachment: Attachment, upload_folder: Path
) -> Response | None:
    """The download of an attachment, streamed from the database (or, not yet moved in, from disk); None when its
    bytes are nowhere."""
    stored = session.scalar(select(Attachment.content.is_not(None)).where(Attachment.id == attachment.id))
    if stored:
        handle = open_content(engine, Attachment.content, attachment.id, attachment.size)
    else:
        path = upload_folder / attachment.stored_name
        if not path.is_file():
            return None
        handle = path.open("rb")
    return download_response(
        handle,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        etag=attachment.sha256,
    )


def source_file_response(engine: Engine, session: Session, source_file: SourceFile) -> Response | None:
    """The download of a file attached to a source's step (an upward report, a proposal's answer), streamed from
    the database; None when its bytes are not there."""
    stored = session.scalar(select(SourceFile.content.is_not(None)).where(SourceFile.id == source_file.id))
    if not stored:
        return None
    handle = open_content(engine, SourceFile.content, source_file.id, source_file.size)
    return download_response(
        handle,
        filename=source_file.filename,
        content_type=source_file.content_type,
        size=source_file.size,
        etag=source_file.sha256,
    )


def download_response(handle, *, filename: str, content_type: str | None, size: int, etag: str | None) -> Response:
    """Send `handle` as the download of a stored file: an attachment, never shown inline, the Chinese name
    RFC 5987-encoded, not cached."""
    response = send_file(
        handle,
        mimetype=content_type or "application/octet-stream",
        as_attachment=True,
        download_name=filename,
        conditional=False,
        etag=etag or False,
        max_age=0,
    )
    response.content_length = size
    response.headers["Cache-Control"] = "private, no-store"
    return response


@dataclass
class MoveReport:
    """What `move_files_into_db` did."""

    attachments: int = 0
    missing: list[str] | None = None
    damaged: list[str] | None = None
    imports: int = 0
    stale_imports: int = 0


def move_files_into_db(session: Session, *, upload_folder: Path, import_folder: Path, now: datetime) -> MoveReport:
    """Take the attachments and import uploads still on disk into the database; each file is checked against its
    sha256, committed, then deleted from disk. Safe to run again (only rows whose content is NULL are looked at)."""
    report = MoveReport(missing=[], damaged=[])
    waiting = session.execute(
        select(Attachment.id, Attachment.stored_name, Attachment.sha256)
        .where(Attachment.content.is_(None))
        .order_by(Attachment.id)
    ).all()
    for key, stored_name, sha256 in waiting:
        path = upload_folder / stored_name
        try:
            data = path.read_bytes()
        except OSError:
            report.missing.append(stored_name)
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            report.damaged.append(stored_name)
            continue
        session.execute(
            update(Attachment)
            .where(Attachment.id == key, Attachment.content.is_(None))
            .values(content=data)
            .execution_options(synchronize_session=False)
        )
        session.commit()  # one file per transaction: the disk copy goes only once its bytes are committed
        path.unlink(missing_ok=True)
        report.attachments += 1
    users = set(session.scalars(select(User.id)))
    for upload, data, paths in legacy_uploads(import_folder, now=now):
        known = upload is not None and session.scalar(select(ImportUpload.id).where(ImportUpload.token == upload.token))
        if upload is not None and not known and (upload.user_id is None or upload.user_id in users):
            session.add(
                ImportUpload(
                    token=upload.token,
                    kind=upload.kind,
                    filename=upload.filename,
                    sha256=upload.sha256,
                    size=upload.size,
                    user_id=upload.user_id,
                    uploaded_at=datetime.fromisoformat(upload.uploaded_at),
                    content=data,
                )
            )
            session.commit()
            report.imports += 1
        else:
            report.stale_imports += 1
        for path in paths:
            path.unlink(missing_ok=True)
    return report


def files_on_disk(session: Session) -> int:
    """How many attachments are still waiting on disk for `move-files-into-db`."""
    return session.scalar(select(func.count()).select_from(Attachment).where(Attachment.content.is_(None))) or 0
