"""Uploaded import files kept in the database between preview and confirm (any app server may serve either): a random
token, the file's sha256 and who uploaded it. Files of older releases kept on disk are read by `legacy_uploads`."""

import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, undefer

from models.upload import ImportUpload

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_FOR = timedelta(days=1)  # a preview left unconfirmed longer than this is stale anyway


@dataclass(frozen=True)
class StoredUpload:
    """What we know of a stored upload (its bytes are the row's content)."""

    token: str
    kind: str
    filename: str
    sha256: str
    size: int
    user_id: int | None
    uploaded_at: str


def _described(row: ImportUpload) -> StoredUpload:
    return StoredUpload(
        token=row.token,
        kind=row.kind,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        user_id=row.user_id,
        uploaded_at=row.uploaded_at.isoformat(),
    )


def store_upload(
    session: Session, kind: str, filename: str, data: bytes, *, user_id: int | None, now: datetime
) -> StoredUpload:
    """Keep an upload under a random token, with its sha256, until it is confirmed or goes stale (flushed; the
    caller commits)."""
    purge_stale_uploads(session, now=now)
    row = ImportUpload(
        token=secrets.token_hex(16),
        kind=kind,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        user_id=user_id,
        uploaded_at=now,
        content=data,
    )
    session.add(row)
    session.flush()
    return _described(row)


def load_upload(session: Session, token: str) -> tuple[StoredUpload, bytes] | None:
    """The stored upload and its bytes; None when the token is malformed, unknown, or the bytes no longer match."""
    if not TOKEN.match(token or ""):
        return None
    row = session.scalar(select(ImportUpload).where(ImportUpload.token == token).options(undefer(ImportUpload.content)))
    if row is None:
        return None
    data = bytes(row.content)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        return None
    return _described(row), data


def discard_upload(session: Session, token: str) -> None:
    """Delete a stored upload (after it was imported; in the import's transaction)."""
    if TOKEN.match(token or ""):
        session.execute(delete(ImportUpload).where(ImportUpload.token == token))


def purge_stale_uploads(session: Session, *, now: datetime) -> int:
    """Delete uploads older than a day; returns how many went."""
    return session.execute(delete(ImportUpload).where(ImportUpload.uploaded_at < now - KEEP_FOR)).rowcount


def legacy_uploads(folder: Path, *, now: datetime) -> Iterator[tuple[StoredUpload | None, bytes, list[Path]]]:
    """The uploads an older release left on disk as <token>.xlsx + <token>.json: each with its bytes and files;
    None instead of the upload when it is stale, incomplete or does not match its sha256."""
    if not folder.is_dir():
        return
    tokens = {path.stem for path in folder.glob("*.*") if path.suffix in (".xlsx", ".json") and TOKEN.match(path.stem)}
    for token in sorted(tokens):
        data_path, meta_path = folder / f"{token}.xlsx", folder / f"{token}.json"
        try:
            upload = StoredUpload(**json.loads(meta_path.read_text(encoding="utf-8")))
            data = data_path.read_bytes()
            fresh = datetime.fromisoformat(upload.uploaded_at) >= now - KEEP_FOR
        except (OSError, ValueError, TypeError):
            yield None, b"", [data_path, meta_path]
            continue
        usable = fresh and upload.token == token and hashlib.sha256(data).hexdigest() == upload.sha256
        yield (upload if usable else None), data, [data_path, meta_path]
