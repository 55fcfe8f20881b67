"""Notices (督通〔2026〕5号 …): drafted, issued with the next number of their series, and e-mailed."""

from datetime import datetime

from sqlalchemy.orm import Session

from clock import china_date
from models.item import DECISION_SOURCES, INSTRUCTION_SOURCES
from models.notice import NOTICE_KINDS, Notice, NoticeKind, NoticeStatus
from outbox.mail import MailRequest, queue_mails, render_text
from workflows.in_charge import supervisor_in_charge
from workflows.numbering import format_number, next_sequence, take_sequences
from workflows.recipients import unit_contacts
from workflows.tokens import assignment_link


def issue_notice(
    session: Session,
    kind: NoticeKind,
    *,
    title: str,
    addressee: str,
    body: str,
    now: datetime,
    issued_by: str,
    copy_to: str | None = None,
    item=None,
    assignment=None,
    unit=None,
    seq: int | None = None,
    flush: bool = True,
) -> Notice:
    """Store a notice with the next number of its series for the year (China time), or with `seq` when the caller
    took a block of numbers at once (take_notice_numbers); flush=False leaves its id to the caller's next flush."""
    notice = Notice(
        kind=kind,
        status=NoticeStatus.ISSUED,
        title=title,
        addressee=addressee,
        copy_to=copy_to,
        body=body,
        issued_at=now,
        issued_by_name=issued_by,
        item_id=item.id if item is not None else None,
        assignment_id=assignment.id if assignment is not None else None,
        unit_id=unit.id if unit is not None else None,
    )
    number_notice(session, notice, now=now, seq=seq)
    session.add(notice)
    if flush:
        session.flush()
    return notice


def number_notice(session: Session, notice: Notice, *, now: datetime, seq: int | None = None) -> None:
    """Give a notice the next number of its kind's series for the year (China time), or the number `seq` taken
    before."""
    prefix = NOTICE_KINDS[notice.kind].prefix
    year = china_date(now).year
    if seq is None:
        seq = next_sequence(session, prefix, year)
    notice.year, notice.seq, notice.number = year, seq, format_number(prefix, year, seq)


def take_notice_numbers(session: Session, kind: NoticeKind, count: int, *, now: datetime) -> list[int]:
    """`count` consecutive numbers of a kind's series for the year, taken in one statement (a sweep's digests)."""
    if count <= 0:
        return []
    first = take_sequences(session, NOTICE_KINDS[kind].prefix, china_date(now).year, count)
    return list(range(first, first + count))


def draft_notice(
    session: Session,
    kind: NoticeKind,
    *,
    title: str,
    addressee: str,
    body: str,
    now: datetime,
    item=None,
    assignment=None,
    unit=None,
) -> Notice:
    """Store a notice as a draft (待签发): no number yet, its text editable, nothing sent until a person issues it."""
    notice = Notice(
        kind=kind,
        status=NoticeStatus.DRAFT,
        title=title[:300],
        addressee=addressee,
        body=body,
        drafted_at=now,
        item_id=item.id if item is not None else None,
        assignment_id=assignment.id if assignment is not None else None,
        unit_id=unit.id if unit is not None else None,
    )
    session.add(notice)
    session.flush()
    return notice


def assignment_notice_kind(source) -> NoticeKind:
    """A source's 督查通知单: 决定事项办理… for decisions and key work, 领导批示件… for instructions."""
    if source in INSTRUCTION_SOURCES:
        return NoticeKind.INSTRUCTION
    if source in DECISION_SOURCES:
        return NoticeKind.DECISION
    return NoticeKind.ASSIGNMENT


ASSIGNMENT_NOTICE_KINDS = (NoticeKind.ASSIGNMENT, NoticeKind.DECISION, NoticeKind.INSTRUCTION)


def notice_mail(notice: Notice, *, template: str, context: dict, recipients) -> MailRequest:
    """The notice's e-mail to each recipient, once (the notice number is the de-duplication key), to queue."""
    return MailRequest(
        kind=notice.kind.value,
        template=template,
        context={"notice": notice, **context},
        recipients=list(recipients),
        dedupe_key=f"notice:{notice.number}",
        item_id=notice.item_id,
        assignment_id=notice.assignment_id,
        notice_id=notice.id,
    )


def mail_notice(session: Session, notice: Notice, *, template: str, context: dict, recipients, now: datetime):
    """Queue the notice's e-mail to each recipient, once (the notice number is the de-duplication key)."""
    request = notice_mail(notice, template=template, context=context, recipients=recipients)
    return queue_mails(session, [request], now=now)[0]


def unit_mail(
    assignment, *, kind: str, template: str, context: dict, recipients, dedupe_key: str, notice=None
) -> MailRequest:
    """An e-mail to a unit about its assignment (to `recipients`, its contacts of the day), with the item, the share
    and its link, to queue."""
    return MailRequest(
        kind=kind,
        template=template,
        context={
            "item": assignment.item,
            "assignment": assignment,
            "unit": assignment.unit,
            "link": assignment_link(assignment),
            "notice": notice,
            "in_charge": supervisor_in_charge(assignment),
            **context,
        },
        recipients=list(recipients),
        dedupe_key=dedupe_key,
        item_id=assignment.item_id,
        assignment_id=assignment.id,
        notice_id=notice.id if notice is not None else None,
    )


def mail_unit(
    session: Session,
    assignment,
    *,
    kind: str,
    template: str,
    context: dict,
    now: datetime,
    dedupe_key: str,
    notice=None,
):
    """E-mail a unit about its assignment: to its contacts of the day, with the item, the share and its link."""
    request = unit_mail(
        assignment,
        kind=kind,
        template=template,
        context=context,
        recipients=unit_contacts(session, assignment.unit, on=china_date(now)),
        dedupe_key=dedupe_key,
        notice=notice,
    )
    return queue_mails(session, [request], now=now)[0]


def unit_notice(
    session: Session,
    assignment,
    kind: NoticeKind,
    *,
    title: str,
    body_template: str,
    context: dict,
    issued_by: str,
    now: datetime,
    seq: int | None = None,
    flush: bool = True,
) -> tuple[Notice, dict]:
    """Issue a numbered notice addressed to the assignment's unit, not yet mailed; returns it with the context its
    e-mail is rendered with (`seq` and `flush` as for issue_notice)."""
    unit = assignment.unit
    context = {"item": assignment.item, "assignment": assignment, "unit": unit, **context}
    notice = issue_notice(
        session,
        kind,
        title=title,
        addressee=unit.name,
        body=render_text(body_template, context),
        now=now,
        issued_by=issued_by,
        item=assignment.item,
        assignment=assignment,
        unit=unit,
        seq=seq,
        flush=flush,
    )
    return notice, context


def notify_unit(
    session: Session,
    assignment,
    kind: NoticeKind,
    *,
    title: str,
    body_template: str,
    mail_template: str,
    context: dict,
    issued_by: str,
    now: datetime,
) -> Notice:
    """Issue a numbered notice addressed to the assignment's unit and e-mail it to the unit's contacts, once."""
    notice, context = unit_notice(
        session,
        assignment,
        kind,
        title=title,
        body_template=body_template,
        context=context,
        issued_by=issued_by,
        now=now,
    )
    mail_unit(
        session,
        assignment,
        kind=kind.value,
        template=mail_template,
        context=context,
        now=now,
        dedupe_key=f"notice:{notice.number}",
        notice=notice,
    )
    return notice
