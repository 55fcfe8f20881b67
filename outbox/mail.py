"""E-mail: render a notice from mail_templates/ and write it to the outbox, one message per recipient.

A workflow never talks to SMTP. It calls queue_mail() in the same transaction as its change; `send-mail`
(outbox/delivery.py) delivers the outbox later, so a rolled-back change never sends anything.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from clock import CHINA
from formatting import period_text
from models.outbox import OutboxMessage, OutboxStatus
from outbox.public_address import public_url
from workflows.rules import rules

TEMPLATES = Path(__file__).resolve().parent.parent / "mail_templates"


@dataclass(frozen=True)
class Recipient:
    """One addressee: an e-mail address and the name to greet."""

    email: str
    name: str = ""


@dataclass(frozen=True)
class RenderedMail:
    """A message rendered from its templates."""

    subject: str
    text: str
    html: str


def _china_date(value, fmt: str = "%Y年%m月%d日") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(CHINA)
    return value.strftime(fmt).replace("年0", "年").replace("月0", "月")


_environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters["cn_date"] = _china_date
_environment.filters["period"] = period_text


def _office_names() -> dict:
    """The names every template may use: the office (督查室) and its organisation (林业局), from the rules."""
    office_rules = rules()
    return {"office": office_rules.office_name, "organisation": office_rules.organisation_name}


def render_mail(template: str, context: dict) -> RenderedMail:
    """Render `<template>.txt` and `<template>.html`; the subject is the text template's `subject` block."""
    context = {
        **_office_names(),
        **context,
    }
    text_template = _environment.get_template(f"{template}.txt")
    html_template = _environment.get_template(f"{template}.html")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(context))).strip()
    return RenderedMail(
        subject=" ".join(subject.split()),
        text=text_template.render(context).strip() + "\n",
        html=html_template.render(context),
    )


def render_text(template: str, context: dict) -> str:
    """Render a plain-text template (a notice's document body) with the office's names available."""
    context = {
        **_office_names(),
        **context,
    }
    return _environment.get_template(template).render(context).strip() + "\n"


def message_domain() -> str:
    """The right-hand side of our Message-IDs: the sender's domain, else the public address's host."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER")
    address = sender[1] if isinstance(sender, tuple | list) else parseaddr(sender or "")[1]
    if "@" in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(public_url()).hostname or "duban.local"


def new_message_id() -> str:
    """A fresh Message-ID on our domain: every new e-mail gets one, a retry keeps its message's."""
    return f"<{uuid.uuid4().hex}@{message_domain()}>"


def new_outbox_message(
    *,
    kind: str,
    recipient: Recipient,
    subject: str,
    body_text: str,
    body_html: str,
    now: datetime,
    public_url: str,
    dedupe_key: str | None = None,
    item_id: int | None = None,
    assignment_id: int | None = None,
    notice_id: int | None = None,
) -> OutboxMessage:
    """A queued outbox message with a fresh Message-ID, due at `now` (not yet added to a session)."""
    return OutboxMessage(
        message_id=new_message_id(),
        dedupe_key=dedupe_key,
        kind=kind,
        recipient_email=recipient.email,
        recipient_name=recipient.name or None,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        status=OutboxStatus.QUEUED,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        item_id=item_id,
        assignment_id=assignment_id,
        notice_id=notice_id,
        public_url=public_url,
    )


def unique_recipients(recipients) -> list[Recipient]:
    """Drop empty and repeated addresses (case-insensitive), keeping the first name given."""
    seen, result = set(), []
    for recipient in recipients:
        email = (recipient.email or "").strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            result.append(Recipient(email, recipient.name or ""))
    return result


@dataclass(frozen=True)
class MailRequest:
    """One e-mail to queue (see queue_mail): its template, context, recipients and de-duplication key."""

    kind: str
    template: str
    context: dict
    recipients: list
    dedupe_key: str | None = None
    item_id: int | None = None
    assignment_id: int | None = None
    notice_id: int | None = None


KEYS_PER_QUERY = 500  # de-duplication keys looked up per statement (well under every backend's parameter limit)


def taken_dedupe_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of these de-duplication keys an outbox message already has, written or still pending in the session."""
    taken = {
        obj.dedupe_key for obj in session.new if isinstance(obj, OutboxMessage) and obj.dedupe_key is not None
    } & set(keys)
    wanted = sorted(set(keys) - taken)
    with session.no_autoflush:  # the pending ones were read above: flushing the caller's work here buys nothing
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            chunk = wanted[start : start + KEYS_PER_QUERY]
            taken.update(session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))))
    return taken


def queue_mails(session: Session, requests: list[MailRequest], *, now: datetime) -> list[list[OutboxMessage]]:
    """queue_mail of several e-mails at once (a sweep's): one look-up of every de-duplication key and one INSERT of
    the messages; returns each request's new messages."""
    base_url = public_url()[:200]  # recorded on each row: the dashboard warns when it is not this server's address
    planned = []
    for request in requests:
        recipients = unique_recipients(request.recipients)
        keys = [f"{request.dedupe_key}|{r.email.lower()}" if request.dedupe_key else None for r in recipients]
        planned.append((request, list(zip(recipients, keys, strict=True))))
    taken = taken_dedupe_keys(session, [key for _, pairs in planned for _, key in pairs if key])
    result, added = [], []  # each request's messages, and all of them in order
    for request, pairs in planned:
        messages = []
        for recipient, key in pairs:
            if key is not None and key in taken:
                continue
            if key is not None:
                taken.add(key)
            rendered = render_mail(request.template, {**request.context, "recipient": recipient})
            messages.append(
                new_outbox_message(
                    kind=request.kind,
                    recipient=recipient,
                    subject=rendered.subject,
                    body_text=rendered.text,
                    body_html=rendered.html,
                    now=now,
                    public_url=base_url,
                    dedupe_key=key,
                    item_id=request.item_id,
                    assignment_id=request.assignment_id,
                    notice_id=request.notice_id,
                )
            )
        result.append(messages)
        added.extend(messages)
    written = iter(write_messages(session, added))
    return [[next(written) for _ in messages] for messages in result]


def write_messages(session: Session, messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write new outbox messages (built, not added to the session) in one INSERT … RETURNING, after flushing the
    caller's pending work; returns them as the session's rows, in the same order. (A flush writes them one by one on
    SQLite, which cannot say which returned id is which row's.)"""
    if not messages:
        session.flush()
        return []
    columns = [attr.key for attr in inspect(OutboxMessage).column_attrs]
    rows = [{key: message.__dict__[key] for key in columns if key in message.__dict__} for message in messages]
    stored = session.scalars(insert(OutboxMessage).returning(OutboxMessage), rows).all()
    by_message_id = {message.message_id: message for message in stored}
    return [by_message_id[message.message_id] for message in messages]


def queue_mail(
    session: Session,
    *,
    kind: str,
    template: str,
    context: dict,
    recipients,
    now: datetime,
    dedupe_key: str | None = None,
    item_id: int | None = None,
    assignment_id: int | None = None,
    notice_id: int | None = None,
) -> list[OutboxMessage]:
    """Write one outbox message per recipient; with a dedupe_key, a recipient who already has it gets nothing."""
    request = MailRequest(kind, template, context, list(recipients), dedupe_key, item_id, assignment_id, notice_id)
    return queue_mails(session, [request], now=now)[0]
