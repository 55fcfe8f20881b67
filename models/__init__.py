"""Duban's data model; importing this package registers every table on the shared metadata."""

from models.assessment import RULE_DEFAULTS, AssessmentFreeze, AssessmentRule, RuleKind
from models.assignment import (
    OPEN_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
)
from models.attachment import Attachment
from models.audit import AuditEvent
from models.base import Base, LabeledEnum
from models.calendar import CalendarDay
from models.check import CheckGround, CheckState, SupervisionCheck, Verdict
from models.counter import SequenceCounter
from models.escalation import (
    ESCALATION_LABELS,
    LADDER,
    LADDER_KINDS,
    AccountabilityDecision,
    Escalation,
    FailureReason,
    Rung,
)
from models.extension import DeadlineChange, ExtensionRequest, ExtensionStatus
from models.feedback import Feedback, ReviewStatus
from models.hotline import CallbackMethod, HotlineCall, HotlineCategory
from models.inspection import LeaderInspection
from models.instruction import Instruction
from models.item import OPEN_ITEM_STATUSES, Item, ItemSource, ItemStatus, Rhythm, Satisfaction
from models.leader import BureauLeader
from models.liaison import Employment, Liaison
from models.notice import NOTICE_KINDS, NUMBER_PREFIXES, Notice, NoticeKind, NoticeStatus
from models.outbox import OutboxMessage, OutboxStatus
from models.periodic import Circular, CircularEntry, CircularKind, CircularStatus, QuarterTarget, SweepLock, SweepRun
from models.proposal import JudgedVia, Proposal, ProposalJudgement
from models.reception import ReceptionVisit
from models.reminder import ReminderKind, ReminderLog
from models.research import ResearchArticle, ResearchDestination, ResearchKind
from models.roster import Confirmation, ConfirmationAnswer, CorrectionStatus, StandIn, Tenure
from models.security import LoginSession, ThrottleEvent
from models.tally import ItemTally, OpenShareTally
from models.unit import Unit, UnitKind
from models.upload import ImportUpload
from models.upward import HigherInstruction, SourceFile
from models.user import Role, User

__all__ = [
    "ReceptionVisit",
    "LeaderInspection",
    "CallbackMethod",
    "HotlineCall",
    "HotlineCategory",
    "JudgedVia",
    "Proposal",
    "ProposalJudgement",
    "HigherInstruction",
    "SourceFile",
    "RULE_DEFAULTS",
    "AssessmentFreeze",
    "AssessmentRule",
    "RuleKind",
    "ResearchArticle",
    "ResearchDestination",
    "ResearchKind",
    "CircularKind",
    "CircularEntry",
    "NoticeStatus",
    "NOTICE_KINDS",
    "Verdict",
    "SupervisionCheck",
    "CheckState",
    "CheckGround",
    "AccountabilityDecision",
    "ESCALATION_LABELS",
    "LADDER",
    "LADDER_KINDS",
    "NUMBER_PREFIXES",
    "OPEN_ASSIGNMENT_STATUSES",
    "OPEN_ITEM_STATUSES",
    "Assignment",
    "AssignmentRole",
    "AssignmentStatus",
    "Attachment",
    "ImportUpload",
    "AuditEvent",
    "Base",
    "BureauLeader",
    "CalendarDay",
    "Circular",
    "CircularStatus",
    "Confirmation",
    "ConfirmationAnswer",
    "CorrectionStatus",
    "DeadlineChange",
    "Employment",
    "Escalation",
    "ExtensionRequest",
    "ExtensionStatus",
    "FailureReason",
    "Feedback",
    "Instruction",
    "Item",
    "ItemTally",
    "OpenShareTally",
    "ItemSource",
    "ItemStatus",
    "LabeledEnum",
    "LoginSession",
    "Liaison",
    "Notice",
    "NoticeKind",
    "OutboxMessage",
    "OutboxStatus",
    "QuarterTarget",
    "ReminderKind",
    "ReminderLog",
    "ReviewStatus",
    "Rhythm",
    "Role",
    "Rung",
    "Satisfaction",
    "StandIn",
    "SequenceCounter",
    "SweepLock",
    "SweepRun",
    "Tenure",
    "ThrottleEvent",
    "Unit",
    "UnitKind",
    "User",
]
