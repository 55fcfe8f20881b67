"""The unit's personal link to an assignment: signed, bound to that assignment, revocable, and expiring."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models.assignment import Assignment
from outbox.public_address import public_url
from workflows.deadlines import deadline_end
from workflows.rules import rules
from workflows.signed_links import load, sign

SALT = "duban-assignment-link"
# A link is also refused once the signature is older than this, whatever the deadline says.
MAX_SIGNATURE_AGE = timedelta(days=730)


class LinkError(Exception):
    """Why a link cannot be used, in Chinese, for the page the liaison sees."""


@dataclass(frozen=True)
class LinkCheck:
    """A valid link: the assignment it opens."""

    assignment: Assignment


def make_token(assignment: Assignment) -> str:
    """Sign (assignment id, link version); revoking bumps the version and so kills every earlier link."""
    return sign(SALT, {"a": assignment.id, "v": assignment.token_version})


def assignment_link(assignment: Assignment) -> str:
    """The absolute address of the unit's page for this assignment, on the configured public URL."""
    return f"{public_url()}/unit/{make_token(assignment)}"


def link_expires_at(assignment: Assignment) -> datetime:
    """Links work until LINK_VALID_DAYS_AFTER_DEADLINE days after the end of the (current) deadline day."""
    return deadline_end(assignment.deadline) + timedelta(days=rules().link_valid_days_after_deadline)


def check_token(session: Session, token: str, *, now: datetime) -> LinkCheck:
    """The assignment a token opens; LinkError with a Chinese reason when tampered, revoked or expired."""
    data, _signed_at = load(
        SALT,
        token,
        max_age=MAX_SIGNATURE_AGE,
        keys=("a", "v"),
        error=LinkError,
        expired="该链接已过期。请联系督查室重新发送通知。",
        invalid="链接无效：链接不完整或已被修改。请从通知邮件中重新打开，或联系督查室。",
    )
    assignment = session.get(Assignment, data["a"])
    if assignment is None:
        raise LinkError("该承办任务已不存在。如有疑问，请联系督查室。")
    if data["v"] != assignment.token_version:
        raise LinkError("该链接已被督查室收回。请使用最新通知邮件中的链接，或联系督查室。")
    if now >= link_expires_at(assignment):
        raise LinkError("该链接已过期。请联系督查室重新发送通知。")
    return LinkCheck(assignment)


def revoke_links(assignment: Assignment) -> None:
    """Invalidate every link sent so far for this assignment (a new one goes out with the next notice)."""
    assignment.token_version = (assignment.token_version or 1) + 1
