"""What a liaison may read: one rule per record kind, shared by the screens, the inlined lists and the trail.

The unit reads what it was sent. A notice still a draft (待签发) is the office's; a 提请追责 is a request to the
leadership, never a letter to the unit: the unit sees neither. Once the leadership has decided a 提请追责, the unit
sees the decision (同意追责 / 不予追责, the comment, who and when: what it is told by mail) on the rung's record, never
the request's text. The office's own steps before a document goes out (the rung drafted on a verdict, the unit put
in a draft 通报批评, the request submitted) stay out of the unit's trail.
"""

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select
from sqlalchemy.orm import Session

from models.assignment import Assignment
from models.attachment import Attachment
from models.audit import AuditEvent
from models.check import SupervisionCheck
from models.escalation import Escalation
from models.extension import DeadlineChange, ExtensionRequest
from models.feedback import Feedback
from models.item import Item
from models.notice import Notice, NoticeKind, NoticeStatus
from models.periodic import QuarterTarget
from models.reminder import ReminderLog

# Kinds that hang off one unit's share of an item (承办任务): they belong to that share's unit.
PER_ASSIGNMENT = (Feedback, ExtensionRequest, DeadlineChange, Escalation, QuarterTarget, ReminderLog, SupervisionCheck)
# Audited kinds a liaison may read (see admin_views/permissions.py); their trail rows follow the same rule.
LIAISON_AUDITED = (Item, Assignment, Feedback, ExtensionRequest, Escalation, QuarterTarget, Notice, SupervisionCheck)


# The office's internal steps on a share (audit actions), which the unit's trail leaves out: a verdict's rung drafted
# (its action is the rung's name), the unit put in a draft 通报批评, a 提请追责 submitted to the leadership.
OFFICE_ONLY_ACTIONS = ("整改通知书", "黄牌警告", "提请追责", "提交提请追责", "列入通报批评草稿")


def notice_told_to_unit() -> ColumnElement[bool]:
    """A notice the unit may read: issued (not a draft) and not a 提请追责."""
    return and_(Notice.status == NoticeStatus.ISSUED, Notice.kind != NoticeKind.ACCOUNTABILITY)


def rung_told_to_unit() -> ColumnElement[bool]:
    """A rung the unit knows of: its notice issued (整改通知书, 黄牌警告), or, for a 提请追责, decided."""
    issued = Escalation.notice_id.is_(None) | Escalation.notice_id.in_(
        select(Notice.id).where(Notice.status == NoticeStatus.ISSUED)
    )
    return and_(issued, or_(Escalation.level < 3, Escalation.decision.is_not(None)))


def told_level_of_share() -> ColumnElement[int]:
    """`told_level` as an SQL expression on Assignment (a liaison's 督查等级 filter)."""
    return (
        select(func.coalesce(func.max(Escalation.level), 0))
        .where(Escalation.assignment_id == Assignment.id, rung_told_to_unit())
        .scalar_subquery()
    )


def told_level(session: Session, assignment) -> int:
    """The rung the unit has been told of (0 for none): a drafted rung or an undecided 提请追责 is not yet its."""
    level = session.scalar(
        select(func.max(Escalation.level)).where(Escalation.assignment_id == assignment.id, rung_told_to_unit())
    )
    return level or 0


def _unit_shares(unit_id: int):
    return select(Assignment.id).where(Assignment.unit_id == unit_id)


def of_unit(model, unit_id: int) -> ColumnElement[bool]:
    """The condition that a row of `model` belongs to the unit `unit_id`; false for kinds a liaison never reads."""
    if model is Item:
        return exists().where(Assignment.item_id == Item.id, Assignment.unit_id == unit_id)
    if model is Assignment:
        return Assignment.unit_id == unit_id
    if model is Escalation:
        return and_(Escalation.assignment_id.in_(_unit_shares(unit_id)), rung_told_to_unit())
    if model in PER_ASSIGNMENT:
        return model.assignment_id.in_(_unit_shares(unit_id))
    if model is Notice:
        return and_(Notice.unit_id == unit_id, notice_told_to_unit())
    if model is Attachment:
        return Attachment.feedback_id.in_(select(Feedback.id).where(of_unit(Feedback, unit_id)))
    return false()


def trail_of_unit(unit_id: int) -> ColumnElement[bool]:
    """The audit rows a liaison may read: steps on records that are themselves the unit's (by `of_unit`), but for
    the office's internal steps (OFFICE_ONLY_ACTIONS)."""
    return and_(
        or_(
            *(
                and_(
                    AuditEvent.entity == model.__tablename__,
                    AuditEvent.entity_id.in_(select(model.id).where(of_unit(model, unit_id))),
                )
                for model in LIAISON_AUDITED
            )
        ),
        not_(AuditEvent.action.in_(OFFICE_ONLY_ACTIONS)),
    )
