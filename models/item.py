"""Items to supervise (督查事项): what is to be done, where it came from, who leads it and by when."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabeledEnum, Timestamped, UTCDateTime, enum_column, label
from models.leader import BureauLeader
from models.overdue import is_overdue, overdue_condition
from models.unit import Unit


class ItemSource(LabeledEnum):
    """The nine sources of supervised matters named in the office's report."""

    MEETING_DECISION = "meeting_decision", "重要文件、会议决定事项"
    LEADER_INSTRUCTION = "leader_instruction", "局党政领导批办事项"
    HIGHER_INSTRUCTION = "higher_instruction", "上级转来的领导批示件"
    STAFF_PROPOSAL = "staff_proposal", "职工代表建议和提案"
    RECEPTION_VISIT = "reception_visit", "党政领导大接访"
    HOTLINE = "hotline", "便民公开电话"
    KEY_WORK = "key_work", "“两会”重点工作"
    BENEFIT_PROJECT = "benefit_project", "十项利民工程"
    CENTRAL_TASK = "central_task", "阶段性中心任务"


class Rhythm(LabeledEnum):
    """How often an item is reported on."""

    ONE_OFF = "one_off", "一次性"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


class ItemStatus(LabeledEnum):
    """The lifecycle of an item."""

    REGISTERED = "registered", "立项"
    ASSIGNED = "assigned", "已交办"
    IN_PROGRESS = "in_progress", "办理中"
    UNDER_REVIEW = "under_review", "待审核"
    CLOSED = "closed", "办结"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "撤销"


class Satisfaction(LabeledEnum):
    """How the proposer or caller judged the answer."""

    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


SOURCES_NEEDING_ANSWER = ("staff_proposal", "hotline", "reception_visit")
# The three checks are for the bureau's major decisions, work arrangements and central work (DOMAIN.md); proposals,
# reception visits and hotline calls are handled and answered instead. The default of a new item's 纳入三次督查.
SOURCES_UNDER_CHECKS = (
    ItemSource.MEETING_DECISION,
    ItemSource.LEADER_INSTRUCTION,
    ItemSource.HIGHER_INSTRUCTION,
    ItemSource.KEY_WORK,
    ItemSource.BENEFIT_PROJECT,
    ItemSource.CENTRAL_TASK,
)
# Which 督查通知单 a source's units receive (the report prints two, with their own number series).
INSTRUCTION_SOURCES = (ItemSource.LEADER_INSTRUCTION, ItemSource.HIGHER_INSTRUCTION, ItemSource.RECEPTION_VISIT)
DECISION_SOURCES = (
    ItemSource.MEETING_DECISION,
    ItemSource.KEY_WORK,
    ItemSource.BENEFIT_PROJECT,
    ItemSource.CENTRAL_TASK,
)


def under_checks_by_default(source) -> bool:
    """Whether an item of this source is put under the three checks unless a supervisor says otherwise."""
    return source is not None and ItemSource(source) in SOURCES_UNDER_CHECKS


# The status sets the rules read (one place): an item handed to units and not finished, and any unfinished item.
LIVE_ITEM_STATUSES = (ItemStatus.ASSIGNED, ItemStatus.IN_PROGRESS, ItemStatus.UNDER_REVIEW)
OPEN_ITEM_STATUSES = (ItemStatus.REGISTERED, *LIVE_ITEM_STATUSES)


def _three_checks_default(context) -> bool:
    """An item inserted without saying is under the three checks when its source is (imports, the demo); a form
    asks for the default without a row (context None) and decides by the source itself."""
    if context is None:
        return False
    return under_checks_by_default(context.get_current_parameters().get("source"))


class Item(Timestamped, Base):
    """A supervised matter, numbered 督〔year〕N号, carried out by a lead unit and co-units."""

    __tablename__ = "item"
    __audit__ = True
    __table_args__ = (
        Index("ix_item_year_seq", "year", "seq", unique=True),
        Index("ix_item_status_deadline", "status", "deadline"),
        Index("ix_item_rhythm_status", "rhythm", "status"),  # the sweep's monthly and periodic look-ups
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True, info=label("编号"))
    year: Mapped[int] = mapped_column(Integer, info=label("年度"))
    seq: Mapped[int] = mapped_column(Integer, info=label("序号"))
    title: Mapped[str] = mapped_column(String(200), index=True, info=label("事项名称"))
    content: Mapped[str | None] = mapped_column(Text, info=label("内容及要求"))
    source: Mapped[ItemSource] = mapped_column(enum_column(ItemSource), index=True, info=label("来源"))
    ordering_leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="SET NULL"), index=True, info=label("交办领导")
    )
    instruction: Mapped[str | None] = mapped_column(Text, info=label("领导批示"))
    responsible_leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("bureau_leader.id", ondelete="SET NULL"), index=True, info=label("分工领导")
    )
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True, info=label("牵头单位"))
    responsible_person: Mapped[str | None] = mapped_column(String(50), info=label("责任人"))
    deadline: Mapped[date] = mapped_column(Date, index=True, info=label("完成时限"))
    rhythm: Mapped[Rhythm] = mapped_column(enum_column(Rhythm), default=Rhythm.ONE_OFF, info=label("办理周期"))
    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus), default=ItemStatus.REGISTERED, index=True, info=label("状态")
    )
    three_checks: Mapped[bool] = mapped_column(
        Boolean, default=_three_checks_default, server_default="0", info=label("纳入三次督查")
    )
    check_interval_days: Mapped[int | None] = mapped_column(SmallInteger, info=label("逾期催办间隔（工作日）"))
    status_reason: Mapped[str | None] = mapped_column(Text, info=label("暂停/撤销原因"))
    answer: Mapped[str | None] = mapped_column(Text, info=label("答复内容"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("答复时间"))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction), info=label("满意度"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label("办结时间"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("创建人"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), info=label("修改人"))

    ordering_leader: Mapped[BureauLeader | None] = relationship(foreign_keys=[ordering_leader_id])
    responsible_leader: Mapped[BureauLeader | None] = relationship(foreign_keys=[responsible_leader_id])
    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    assignments = relationship(
        "Assignment",
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="Assignment.role.desc(), Assignment.id",
    )

    @property
    def needs_answer(self) -> bool:
        """Proposals, hotline calls and reception visits close only after the answer (the result given to the
        proposer, caller or visitor) is recorded."""
        return self.source in SOURCES_NEEDING_ANSWER

    @property
    def co_units(self) -> list[Unit]:
        """The co-units (协办单位), read from the item's assignments."""
        return [a.unit for a in self.assignments if a.role == "co"]

    def is_overdue(self, today: date) -> bool:
        """True when the deadline date (China time) has passed and the item is still open."""
        return is_overdue(self.deadline, self.status, OPEN_ITEM_STATUSES, today)

    @classmethod
    def overdue_condition(cls, today: date):
        """`is_overdue` as an SQL condition, for queries and the 是否逾期 filter."""
        return overdue_condition(cls.deadline, cls.status, OPEN_ITEM_STATUSES, today)

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
