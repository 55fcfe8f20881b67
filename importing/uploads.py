"""Uploaded files kept between preview and confirm: a random name, the file's sha256 and who uploaded it."""

import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_FOR = timedelta(days=1)  # a preview left unconfirmed longer than this is stale anyway


@dataclass(frozen=True)
class StoredUpload:
    """What we know of a stored upload; the bytes live next to it as <token>.xlsx."""

    token: str
    kind: str
    filename: str
    sha256: str
    size: int
    user_id: int | None
    uploaded_at: str


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    return folder / f"{token}.xlsx", folder / f"{token}.json"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def store_upload(
    folder: Path, kind: str, filename: str, data: bytes, *, user_id: int | None, now: datetime
) -> StoredUpload:
    """Keep an upload under a random name, with its sha256, until it is confirmed or goes stale."""
    folder.mkdir(parents=True, exist_ok=True)
    purge_stale_uploads(folder, now=now)
    token = secrets.token_hex(16)
    meta = StoredUpload(
        token=token,
        kind=kind,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        user_id=user_id,
        uploaded_at=now.isoformat(),
    )
    data_path, meta_path = _paths(folder, token)
    _write_private(data_path, data)
    _write_private(meta_path, json.dumps(asdict(meta), ensure_ascii=False).encode("utf-8"))
    return meta


def load_upload(folder: Path, token: str) -> tuple[StoredUpload, bytes] | None:
    """The stored upload and its bytes; None when the token is malformed, unknown, or the file no longer matches."""
    if not TOKEN.match(token or ""):
        return None
    data_path, meta_path = _paths(folder, token)
    try:
        meta = StoredUpload(**json.loads(meta_path.read_text(encoding="utf-8")))
        data = data_path.read_bytes()
    except (OSError, ValueError, TypeError):
        return None
    if hashlib.sha256(data).hexdigest() != meta.sha256:
        return None
    return meta, data


def discard_upload(folder: Path, token: str) -> None:
    """Delete a stored upload (after it was imported)."""
    if TOKEN.match(token or ""):
        for path in _paths(folder, token):
            path.unlink(missing_ok=True)


def purge_stale_uploads(folder: Path, *, now: datetime) -> int:
    """Delete uploads older than a day; returns how many files went."""
    removed, limit = 0, (now - KEEP_FOR).timestamp()
    for path in folder.glob("*.*"):
        if path.suffix in (".xlsx", ".json") and TOKEN.match(path.stem):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
    return removed
