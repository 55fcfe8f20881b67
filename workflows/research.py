"""督查调研 register: the year's counts (by kind, by where the articles went) and an article's one stored file."""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.research import ResearchArticle, ResearchDestination, ResearchKind
from workflows.feedback import Upload, upload_problem


@dataclass
class ResearchCounts:
    """A year's articles: in all, by kind, by destination (an article may count under several), and with none."""

    year: int
    total: int = 0
    by_kind: dict[ResearchKind, int] = field(default_factory=dict)
    by_destination: dict[ResearchDestination, int] = field(default_factory=dict)
    without_destination: int = 0


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of a year."""
    return date(year, 1, 1), date(year, 12, 31)


def research_counts(session: Session, year: int) -> ResearchCounts:
    """Count the articles dated in `year` by kind and by destination (领导批示, 采用, 刊发), in one grouped query."""
    first, last = year_bounds(year)
    flags = [getattr(ResearchArticle, d.value) for d in ResearchDestination]
    none_went = case((~(flags[0] | flags[1] | flags[2]), 1), else_=0)
    rows = session.execute(
        select(
            ResearchArticle.kind,
            func.count(),
            *(func.sum(case((flag, 1), else_=0)) for flag in flags),
            func.sum(none_went),
        )
        .where(ResearchArticle.written_on.between(first, last))
        .group_by(ResearchArticle.kind)
    ).all()
    counts = ResearchCounts(
        year=year,
        by_kind=dict.fromkeys(ResearchKind, 0),
        by_destination=dict.fromkeys(ResearchDestination, 0),
    )
    for kind, total, *sums in rows:
        counts.by_kind[ResearchKind(kind)] = total
        counts.total += total
        for destination, value in zip(ResearchDestination, sums[:-1], strict=True):
            counts.by_destination[destination] += int(value or 0)
        counts.without_destination += int(sums[-1] or 0)
    return counts


def attachment_problem(upload: Upload, config) -> str | None:
    """Why a file cannot be an article's attachment (Chinese), under the limits of every upload; None when fine."""
    return upload_problem(
        upload,
        allowed_extensions=set(config["ATTACHMENT_EXTENSIONS"]),
        max_bytes=config["ATTACHMENT_MAX_BYTES"],
    )


def store_attachment(article: ResearchArticle, upload: Upload, upload_dir: Path | None = None) -> None:
    """Keep the file in the database on the article, in the save's own transaction (replacing any other), so every
    app server sees it (`upload_dir` is no longer used)."""
    stored = f"{uuid.uuid4().hex}{Path(upload.filename).suffix.lower()[:10]}"
    article.attachment_content = upload.data
    article.attachment_name = Path(upload.filename).name[:200]
    article.attachment_type = (upload.content_type or "application/octet-stream")[:100]
    article.attachment_size = len(upload.data)
    article.attachment_sha256 = hashlib.sha256(upload.data).hexdigest()
    article.attachment_stored = stored


def remove_attachment(article: ResearchArticle) -> None:
    """Detach the article's file (the stored copy stays, as history)."""
    article.attachment_name = article.attachment_type = article.attachment_sha256 = article.attachment_stored = None
    article.attachment_size = None
