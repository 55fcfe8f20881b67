"""Duban's data model; importing this package registers every table on the shared metadata."""

from models.assignment import (
    ESCALATION_LABELS,
    OPEN_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
)
from models.audit import AuditEvent
from models.base import Base, LabeledEnum
from models.counter import SequenceCounter
from models.feedback import Feedback, ReviewStatus
from models.instruction import Instruction
from models.item import OPEN_ITEM_STATUSES, Item, ItemSource, ItemStatus, Rhythm
from models.leader import BureauLeader
from models.liaison import Employment, Liaison
from models.unit import Unit, UnitKind
from models.user import Role, User

__all__ = [
    "ESCALATION_LABELS",
    "OPEN_ASSIGNMENT_STATUSES",
    "OPEN_ITEM_STATUSES",
    "Assignment",
    "AssignmentRole",
    "AssignmentStatus",
    "AuditEvent",
    "Base",
    "BureauLeader",
    "Employment",
    "Feedback",
    "Instruction",
    "Item",
    "ItemSource",
    "ItemStatus",
    "LabeledEnum",
    "Liaison",
    "ReviewStatus",
    "Rhythm",
    "Role",
    "SequenceCounter",
    "Unit",
    "UnitKind",
    "User",
]
