"""What a liaison may read: one rule per record kind, shared by the screens, the inlined lists and the trail."""

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from models.assignment import Assignment
from models.attachment import Attachment
from models.audit import AuditEvent
from models.check import SupervisionCheck
from models.escalation import Escalation
from models.extension import DeadlineChange, ExtensionRequest
from models.feedback import Feedback
from models.item import Item
from models.notice import Notice
from models.periodic import QuarterTarget
from models.reminder import ReminderLog

# Kinds that hang off one unit's share of an item (承办任务): they belong to that share's unit.
PER_ASSIGNMENT = (Feedback, ExtensionRequest, DeadlineChange, Escalation, QuarterTarget, ReminderLog, SupervisionCheck)
# Audited kinds a liaison may read (see admin_views/permissions.py); their trail rows follow the same rule.
LIAISON_AUDITED = (Item, Assignment, Feedback, ExtensionRequest, Escalation, QuarterTarget, Notice, SupervisionCheck)


def _unit_shares(unit_id: int):
    return select(Assignment.id).where(Assignment.unit_id == unit_id)


def of_unit(model, unit_id: int) -> ColumnElement[bool]:
    """The condition that a row of `model` belongs to the unit `unit_id`; false for kinds a liaison never reads."""
    if model is Item:
        return exists().where(Assignment.item_id == Item.id, Assignment.unit_id == unit_id)
    if model is Assignment:
        return Assignment.unit_id == unit_id
    if model in PER_ASSIGNMENT:
        return model.assignment_id.in_(_unit_shares(unit_id))
    if model is Notice:
        return Notice.unit_id == unit_id
    if model is Attachment:
        return Attachment.feedback_id.in_(select(Feedback.id).where(of_unit(Feedback, unit_id)))
    return false()


def trail_of_unit(unit_id: int) -> ColumnElement[bool]:
    """The audit rows a liaison may read: steps on records that are themselves the unit's (by `of_unit`)."""
    return or_(
        *(
            and_(
                AuditEvent.entity == model.__tablename__,
                AuditEvent.entity_id.in_(select(model.id).where(of_unit(model, unit_id))),
            )
            for model in LIAISON_AUDITED
        )
    )
